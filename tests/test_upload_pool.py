"""azure-ai-ml's upload pool has one worker inside ``one_upload_worker``, whether azure-ai-ml was
imported before the block or during it, and the block never imports it itself.

A module of this test's own stands in for a module imported during the block: azure-ai-ml is
imported in this process already, and importing a second copy of it would not be the same module.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.ai.ml._utils import _asset_utils
from azureml_obo_harness.recording.upload_pool import ASSET_UTILS, one_upload_worker

UPLOADER = """
from concurrent.futures import ThreadPoolExecutor


def upload(files):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return pool._max_workers, sorted(pool.map(str.upper, files))
"""


@pytest.fixture
def uploader(tmp_path: Path) -> Iterator[str]:
    """The name of a module, not imported yet, that uploads from a pool as azure-ai-ml does."""
    name = f"uploader_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(UPLOADER)
    sys.path.insert(0, str(tmp_path))
    try:
        yield name
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_azure_ai_mls_pool_has_one_worker_in_the_block_and_its_own_size_after() -> None:
    assert _asset_utils.__name__ == ASSET_UTILS
    with one_upload_worker(), _asset_utils.ThreadPoolExecutor(max_workers=8) as pool:
        assert pool._max_workers == 1
    assert _asset_utils.ThreadPoolExecutor is concurrent.futures.ThreadPoolExecutor


def test_a_module_imported_during_the_block_is_patched_and_then_restored(uploader: str) -> None:
    finders = list(sys.meta_path)
    with one_upload_worker(uploader):
        module = importlib.import_module(uploader)
        assert module.upload(["b", "a"]) == (1, ["A", "B"])
        # the module is as any import leaves it: its own loader, not the patching one
        assert type(module.__loader__).__name__ == "SourceFileLoader"
        assert module.__spec__.loader is module.__loader__
    assert module.upload(["a"]) == (8, ["A"])
    assert sys.meta_path == finders


def test_a_module_never_imported_stays_unimported(uploader: str) -> None:
    with one_upload_worker(uploader):
        importlib.import_module("json")  # another import goes on as usual
    assert uploader not in sys.modules


def test_a_module_imported_before_the_block_is_patched_at_once(uploader: str) -> None:
    module = importlib.import_module(uploader)
    with one_upload_worker(uploader):
        assert module.upload(["a"]) == (1, ["A"])
    assert module.upload(["a"]) == (8, ["A"])


def test_the_block_restores_the_pool_when_the_test_fails(uploader: str) -> None:
    module = importlib.import_module(uploader)
    with pytest.raises(RuntimeError), one_upload_worker(uploader):
        raise RuntimeError("the test failed")
    assert module.ThreadPoolExecutor is concurrent.futures.ThreadPoolExecutor
