"""Faster stand-ins for Azure SDK helpers whose cost is pure overhead in a test run.

Each stand-in returns exactly what the SDK's own function returns (``tests/test_sdk_speedups.py``
holds them side by side); only the time differs. They are applied to this project's own suite
(``tests/conftest.py``), not by the harness: a team's run is untouched.

- ``azure.ai.ml._utils._experimental._should_skip_warning``: every call of an experimental
  class or method of azure-ai-ml asks whether it runs under a ``_from_rest_object`` frame through
  ``inspect.stack()``, which reads the source line of every frame on the stack (under pytest, 50
  frames and more): about 50 ms a call, tens of calls in a test that submits and reads jobs. The
  stand-in walks the same frames and compares the same name, without reading any source.
"""

from __future__ import annotations

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


@contextmanager
def applied() -> Iterator[None]:
    """Every stand-in in place, for the duration of the block, for the SDKs already imported
    (a run that never imports azure-ai-ml does not pay its import for this)."""
    if "azure.ai.ml" not in sys.modules:
        yield
        return
    from azure.ai.ml._utils import _experimental

    current = _experimental._should_skip_warning
    if current is not should_skip_experimental_warning:  # not already applied (an inner run)
        REPLACED["azure.ai.ml._utils._experimental._should_skip_warning"] = current
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_experimental, "_should_skip_warning", should_skip_experimental_warning)
        yield
