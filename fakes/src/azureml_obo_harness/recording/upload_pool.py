"""azure-ai-ml's code upload, one file at a time while a cassette records or replays.

azure-ai-ml uploads a code folder's files from a thread pool (``_asset_utils.ThreadPoolExecutor``,
a worker per core and more). vcrpy 9 loses interactions recorded concurrently (measured: 1 of 4
parallel requests kept), so while a cassette is in use the pool gets one worker: the same
requests, in a stable order.

The pool is replaced where azure-ai-ml looks it up, and only in a run that uses azure-ai-ml: if
the module is imported already, at once; if not, when the test imports it (a finder at the front
of ``sys.meta_path`` for the block's duration). Importing azure-ai-ml only to patch it cost a team's
replay run that never uses it 2.4 s (measured on the adopting guide's Key Vault test: the run
took 4.2 s).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

ASSET_UTILS = "azure.ai.ml._utils._asset_utils"
"""The module whose ``ThreadPoolExecutor`` runs azure-ai-ml's uploads."""


def one_worker(*args: Any, **kwargs: Any) -> Any:
    """A pool of one worker, whatever size was asked for."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1)


@contextmanager
def one_upload_worker(module_name: str = ASSET_UTILS) -> Iterator[None]:
    """For the block: ``module_name``'s ``ThreadPoolExecutor`` makes pools of one worker, whether
    the module is imported before the block or during it; never imported by this. Restored after
    the block."""
    patched: dict[str, Any] = {}  # the module's own ThreadPoolExecutor, once replaced

    def patch(module: ModuleType) -> None:
        patched["original"] = module.ThreadPoolExecutor
        module.ThreadPoolExecutor = one_worker  # type: ignore[attr-defined]

    module = sys.modules.get(module_name)
    finder = None
    if module is not None:
        patch(module)
    else:
        finder = _PatchOnImport(module_name, patch)
        sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder is not None:
            sys.meta_path.remove(finder)
        if "original" in patched:
            imported = sys.modules.get(module_name)
            if imported is not None:
                imported.ThreadPoolExecutor = patched["original"]  # type: ignore[attr-defined]


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds ``name`` as the finders after it would, and patches the module once it has run."""

    def __init__(self, name: str, patch: Any) -> None:
        self.name = name
        self.patch = patch

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, self.patch)
                return spec
        return None


class _PatchingLoader(importlib.abc.Loader):
    """Runs the module with its own loader, then hands the module back to that loader (so it is
    as any other import left it) and patches it."""

    def __init__(self, loader: importlib.abc.Loader, patch: Any) -> None:
        self.loader = loader
        self.patch = patch

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        self.patch(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader...
        return getattr(self.loader, name)
