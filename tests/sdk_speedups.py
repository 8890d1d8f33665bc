"""Faster stand-ins for Azure SDK helpers whose cost is pure overhead in a test run.

Each stand-in returns exactly what the SDK's own function returns (``tests/test_sdk_speedups.py``
holds them side by side); only the time differs. They are applied to this project's own suite
(``tests/conftest.py``), not by the harness: a team's run is untouched.

- ``azure.ai.ml._utils._experimental._should_skip_warning``: every call of an experimental
  class or method of azure-ai-ml asks whether it runs under a ``_from_rest_object`` frame through
  ``inspect.stack()``, which reads the source line of every frame on the stack (under pytest, 50
  frames and more): about 50 ms a call, tens of calls in a test that submits and reads jobs. The
  stand-in walks the same frames and compares the same name, without reading any source.
- ``azure.ai.ml.operations._job_operations.get_git_properties``: every job submission asks git
  for the checkout's repository, branch, commit and state, in up to five ``git`` processes forked
  from this one (348 of them in a serial run at 5636324, 41 with the stand-in; the suite's time
  did not change measurably: alternating runs, bench/README.md). The stand-in asks the SDK's
  function once for each working directory and each value of what git and the function read
  from the environment (``AZUREML_GIT_*`` and ``GIT_*``, ``PATH``, ``HOME``), and returns a copy
  of that answer after. What it does not see: a checkout committed
  to or edited while the suite runs keeps the properties it had when it was first asked (the
  fake Azure stores a job's properties and checks none of these).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

REPLACED: dict[str, Callable[..., Any]] = {}
"""The SDK's own functions that :func:`applied` replaced, by dotted name (for the comparison)."""


def should_skip_experimental_warning() -> bool:
    """``_should_skip_warning``'s answer: whether a frame on the stack is a ``_from_rest_object``."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_from_rest_object":
            return True
        frame = frame.f_back
    return False


class GitProperties:
    """``get_git_properties``'s answer, asked once for each folder and git environment."""

    def __init__(self, ask: Callable[[], dict[str, str]]) -> None:
        self.ask = ask
        self.answers: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, str]] = {}

    def __call__(self) -> dict[str, str]:
        read = sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.startswith(("AZUREML_GIT_", "GIT_")) or name in {"PATH", "HOME"}
        )
        key = (os.getcwd(), tuple(read))
        if key not in self.answers:
            self.answers[key] = self.ask()
        return dict(self.answers[key])


@contextmanager
def applied() -> Iterator[None]:
    """Every stand-in in place, for the duration of the block, for the SDKs already imported
    (a run that never imports azure-ai-ml does not pay its import for this)."""
    if "azure.ai.ml" not in sys.modules:
        yield
        return
    from azure.ai.ml._utils import _experimental
    from azure.ai.ml.operations import _job_operations

    current = _experimental._should_skip_warning
    if current is not should_skip_experimental_warning:  # not already applied (an inner run)
        REPLACED["azure.ai.ml._utils._experimental._should_skip_warning"] = current
    git = _job_operations.get_git_properties
    if not isinstance(git, GitProperties):
        REPLACED["azure.ai.ml.operations._job_operations.get_git_properties"] = git
        git = GitProperties(git)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_experimental, "_should_skip_warning", should_skip_experimental_warning)
        patch.setattr(_job_operations, "get_git_properties", git)
        yield
