"""Work a test begins when the run begins, beside the tests that come before it.

A test whose time goes to waiting on other processes (the adopting guide's test: a new
interpreter's pytest in the team's venv, the install's checks, git) leaves this process's core
idle meanwhile, and the machine's other core too, in a serial run. Its head start is that part of
its work: in a serial run it begins in a thread when collection ends, its processes running on the
other core while this process runs the tests before it, and the test takes its result when its
turn comes (waiting for it if need be) and goes on with the steps that must run in this process.
The work is the same and gives the same result either way: where no head start began (under
pytest-xdist a worker knows which tests it runs only as it gets them; a ``--collect-only`` run
runs none), the test does it itself, at its turn.

A head start is two functions: ``prepare(config)`` runs in the main thread, before any test
(or at the test's turn), and reads what tests may change (the environment, the cache, the
installed distributions); the callable it returns runs beside the tests, so it may touch nothing
they change: not ``os.environ`` (``prepare`` takes what it needs), the working directory,
``sys.modules``, ``sys.path`` or ``warnings``; only the files of its own folder and the processes it
starts. A failure in either (an ``AssertionError`` included) is raised in the test. Tests that
name the same ``prepare`` share one head start, as tests share a module-scoped fixture: it is
begun (or, where none began, done) once, and each of them takes its result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
Prepare = Callable[[pytest.Config], Callable[[], Any]]

_PREPARE = "_head_start"
_STARTED = pytest.StashKey[dict[str, "Future[Any]"]]()
_DONE_HERE = pytest.StashKey[dict[Prepare, "Future[Any]"]]()
"""The head starts no run began, done at the turn of the first test that names them."""


def begins(prepare: Prepare) -> Callable[[T], T]:
    """Decorate a test function: ``prepare(config)()`` is its head start; the test takes its
    result with :func:`result`."""

    def decorate(test: T) -> T:
        setattr(test, _PREPARE, prepare)
        return test

    return decorate


def folder(config: pytest.Config, name: str) -> Path:
    """A new folder of the run's temporary folders, for a head start's files (``prepare`` runs
    before any test has a ``tmp_path``)."""
    made: Path = config._tmp_path_factory.mktemp(name)  # type: ignore[attr-defined]
    return made


def _prepare_of(item: pytest.Item) -> Prepare | None:
    return getattr(getattr(item, "function", None), _PREPARE, None)


def start(session: pytest.Session) -> None:
    """At the end of collection: begin the head starts of the collected tests that have one, if
    this run runs them here and now (not under pytest-xdist, not ``--collect-only``) and a test is
    not skipped by a ``skipif`` mark that holds."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    started: dict[str, Future[Any]] = {}
    shared: dict[Prepare, Future[Any]] = {}
    for item in session.items:
        prepare = _prepare_of(item)
        if prepare is None or any(
            mark.args and mark.args[0] is True for mark in item.iter_markers("skipif")
        ):
            continue
        if prepare in shared:  # begun for an earlier test that names it
            started[item.nodeid] = shared[prepare]
            continue
        future: Future[Any] = Future()
        shared[prepare] = future
        try:
            work = prepare(config)
        except Exception as failed:  # raised in the test, with its traceback
            future.set_exception(failed)
            started[item.nodeid] = future
            continue

        def run(work: Callable[[], Any] = work, future: Future[Any] = future) -> None:
            try:
                future.set_result(work())
            except BaseException as failed:
                future.set_exception(failed)

        threading.Thread(target=run, name=f"head start of {item.nodeid}", daemon=True).start()
        started[item.nodeid] = future
    config.stash[_STARTED] = started


def result(request: pytest.FixtureRequest) -> Any:
    """The result of the running test's head start: waited for if it began, else done now (once
    for the tests that share it)."""
    future = request.config.stash.get(_STARTED, {}).pop(request.node.nodeid, None)
    if future is not None:
        return future.result()
    prepare = _prepare_of(request.node)
    assert prepare is not None, f"{request.node.nodeid} has no head start (head_start.begins)"
    done = request.config.stash.setdefault(_DONE_HERE, {})
    if prepare not in done:
        future = done[prepare] = Future()
        try:
            future.set_result(prepare(request.config)())
        except BaseException as failed:  # a skip too: each test that shares it gets it
            future.set_exception(failed)
    return done[prepare].result()


def finish(session: pytest.Session) -> None:
    """At the end of the run: wait for the head starts whose test did not run (``-x``, an
    interrupt, a deselecting plugin), so none of their processes outlives the run."""
    for future in session.config.stash.get(_STARTED, {}).values():
        future.exception()  # waits; what it raised concerns no test that ran
