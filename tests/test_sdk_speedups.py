"""The stand-ins of tests/sdk_speedups.py answer as the SDK's own helpers do."""

from __future__ import annotations

from collections.abc import Callable

from azure.ai.ml._utils import _experimental

from tests.sdk_speedups import REPLACED, should_skip_experimental_warning

SHOULD_SKIP = "azure.ai.ml._utils._experimental._should_skip_warning"


def _from_rest_object(ask: Callable[[], bool]) -> bool:
    """Asks from under a frame of the name the SDK looks for (as its REST converters are)."""
    return _nested(ask)


def _nested(ask: Callable[[], bool]) -> bool:
    return ask()


def test_the_suite_runs_with_the_stand_in() -> None:
    assert _experimental._should_skip_warning is should_skip_experimental_warning
    assert REPLACED[SHOULD_SKIP] is not should_skip_experimental_warning


def test_the_stand_in_skips_exactly_when_the_sdks_function_does() -> None:
    sdk = REPLACED[SHOULD_SKIP]
    assert sdk() is False and should_skip_experimental_warning() is False
    assert _nested(sdk) is False and _nested(should_skip_experimental_warning) is False
    assert _from_rest_object(sdk) is True
    assert _from_rest_object(should_skip_experimental_warning) is True
