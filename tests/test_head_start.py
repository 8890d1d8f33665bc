"""tests/head_start.py: a test's head start begins when collection ends, runs beside the tests
before it, and gives the test its result or its failure."""

from __future__ import annotations

import pytest

from tests.inner_runs import INNER_RUN_OPTIONS

CONFTEST = """
from tests import head_start

def pytest_collection_finish(session):
    head_start.start(session)

def pytest_sessionfinish(session):
    head_start.finish(session)
"""

TESTS = """
import threading
from pathlib import Path

import pytest

from tests import head_start

BEGUN = threading.Event()


def prepare(config):
    marker = Path(str(config.rootpath)) / "prepared"
    marker.write_text("")  # prepare runs in the main thread

    def work():
        BEGUN.set()
        if (Path(str(config.rootpath)) / "fail").exists():
            raise AssertionError("the head start failed")
        return threading.current_thread().name

    return work


def test_first():
    # Runs before the test with the head start: its work has begun already, beside this test.
    assert BEGUN.wait(timeout=10)


@head_start.begins(prepare)
def test_with_a_head_start(request):
    assert head_start.result(request) == f"head start of {request.node.nodeid}"


@head_start.begins(prepare)
@pytest.mark.skipif(True, reason="skipped")
def test_skipped(request):
    pass
"""


def _project(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_order=TESTS)


def test_the_work_begins_at_collection_and_its_result_reaches_the_test(
    pytester: pytest.Pytester,
) -> None:
    _project(pytester)
    result = pytester.runpytest_inprocess(*INNER_RUN_OPTIONS)
    result.assert_outcomes(passed=2, skipped=1)


def test_a_failing_head_start_fails_its_test_with_its_error(pytester: pytest.Pytester) -> None:
    _project(pytester)
    (pytester.path / "fail").write_text("")
    result = pytester.runpytest_inprocess(*INNER_RUN_OPTIONS)
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*AssertionError: the head start failed*"])


def test_a_run_that_runs_no_test_begins_no_head_start(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest_inprocess(*INNER_RUN_OPTIONS, "--collect-only")
    assert result.ret == pytest.ExitCode.OK
    assert not (pytester.path / "prepared").exists()


SHARED = """
import itertools
import threading

from tests import head_start

CALLS = itertools.count()


def prepare(config):
    number = next(CALLS)  # how many times the head start was prepared, in this run

    def work():
        return number, threading.current_thread().name

    return work


@head_start.begins(prepare)
def test_one(request):
    assert head_start.result(request)[0] == 0


@head_start.begins(prepare)
def test_two(request):
    # the head start the first test named, not a second one
    number, thread = head_start.result(request)
    assert number == 0
    assert thread in ("head start of test_shared.py::test_one", "MainThread")
"""


@pytest.mark.parametrize("where", ["begun at collection", "done at the first test's turn"])
def test_tests_that_name_one_head_start_share_it(pytester: pytest.Pytester, where: str) -> None:
    pytester.makeconftest(CONFTEST if where == "begun at collection" else "")
    pytester.makepyfile(test_shared=SHARED)
    result = pytester.runpytest_inprocess(*INNER_RUN_OPTIONS)
    result.assert_outcomes(passed=2)
