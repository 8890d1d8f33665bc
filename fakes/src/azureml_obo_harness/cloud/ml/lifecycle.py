"""How a fake job moves: ``Starting`` -> ``Running`` -> ``Completed`` (or ``Failed``), on a clock
the test controls, or ``Canceled`` once cancelled.

Nothing moves by itself: the :class:`MlClock` starts at 0 and advances only when a test calls
:meth:`MlClock.advance` (``azure.ml_clock.advance(seconds)``), or on each poll when the test
asked for it (``azure.auto_advance_jobs(seconds)``: every ``GET`` of a job or of its run details
first moves the clock by that step). So code that polls a child until it ends terminates after a
known number of polls, and no test waits for real time.

A job starts in ``Starting``, as real job PUT responses do (the recordings in
``Azure/azure-sdk-assets`` answer a new command job with ``"status": "Starting"``), a pipeline job
in ``Preparing``, as the recorded pipeline PUT is answered (``tests/fidelity/recordings/``
``ml-pipeline-job-with-anonymous-component.json``); the queued states before them are not
modelled.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

STARTING = "Starting"
PREPARING = "Preparing"
RUNNING = "Running"
COMPLETED = "Completed"
FAILED = "Failed"
CANCELED = "Canceled"
TERMINAL = frozenset({COMPLETED, FAILED, CANCELED, "NotResponding", "Paused"})


class MlClock:
    """The fake AzureML's sense of time, in seconds since the fake started; moves only when told."""

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()
        self.poll_step: float | None = None
        """Seconds each job poll advances the clock by (``None``: polls do not move it)."""

    @property
    def now(self) -> float:
        """The current fake time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (>= 0); returns the new time."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; got {seconds} seconds")
        with self._lock:
            self._now += seconds
            return self._now

    def poll(self) -> None:
        """Called on each job poll: advances by :attr:`poll_step` when a test asked for it."""
        if self.poll_step:
            self.advance(self.poll_step)


@dataclass(frozen=True)
class JobTimeline:
    """How long a job stays in each phase, in clock seconds."""

    starting: float = 10.0
    running: float = 30.0


@dataclass(frozen=True)
class RunWarning:
    """A warning run history lists with a run (``warnings[]``): where it came from, what it says."""

    source: str
    message: str


@dataclass(frozen=True)
class JobError:
    """Why a failed job failed, as run history reports it (``error``), with the warnings the run
    ended with (a failed step run of the recordings had one from the compute)."""

    code: str = "UserError"
    message: str = "Execution failed. User process 'python' exited with status code 1."
    component: str = "CommonRuntime"
    """The service component that reported it (``componentName``; the recordings' failed steps say
    ``CommonRuntime``, the job runtime)."""
    warnings: tuple[RunWarning, ...] = ()

    def as_run_error(self) -> dict[str, Any]:
        """The ``error`` object of a run, every key the recorded one has (run history's
        ``ErrorResponse``: the root error, then where and when; the service leaves most null)."""
        return {
            "error": {
                "code": self.code,
                "severity": None,
                "message": self.message,
                "messageFormat": None,
                "messageParameters": {},
                "referenceCode": None,
                "detailsUri": None,
                "target": None,
                "details": [],
                "innerError": None,
                "debugInfo": None,
                "additionalInfo": None,
            },
            "correlation": None,
            "environment": None,
            "location": None,
            "time": "0001-01-01T00:00:00+00:00",
            "componentName": self.component,
        }


@dataclass
class JobLifecycle:
    """One job's progress: when it was submitted, how it ends, and any override."""

    clock: MlClock
    submitted_at: float
    timeline: JobTimeline = field(default_factory=JobTimeline)
    error: JobError | None = None
    """Set when the job is to fail (``azure.fail_job(name)``), before or after submission."""
    forced: str | None = None
    """A status set directly (cancel, or ``set_job_status``); it sticks."""
    first_status: str = STARTING
    """What it is until it runs: ``Starting``, or ``Preparing`` for a pipeline job."""
    ended_at: float | None = None

    def status(self) -> str:
        """The status now."""
        if self.forced is not None:
            return self.forced
        elapsed = self.clock.now - self.submitted_at
        if elapsed < self.timeline.starting:
            return self.first_status
        if elapsed < self.timeline.starting + self.timeline.running:
            return RUNNING
        return FAILED if self.error is not None else COMPLETED

    def start_time(self) -> float | None:
        """When it started running, or None if it has not."""
        started = self.submitted_at + self.timeline.starting
        return started if self.clock.now >= started and self.forced != CANCELED else None

    def reached_running(self) -> bool:
        """Whether it has run: its timeline reached ``Running`` before now, or before it was
        stopped (cancelled, or a status pinned)."""
        until = self.ended_at if self.forced is not None and self.ended_at is not None else None
        return (
            self.clock.now if until is None else until
        ) >= self.submitted_at + self.timeline.starting

    def end_time(self) -> float | None:
        """When it reached its terminal status, or None while it runs."""
        if self.forced is not None:
            return self.ended_at
        ends = self.submitted_at + self.timeline.starting + self.timeline.running
        return ends if self.clock.now >= ends else None

    def cancel(self) -> None:
        """Cancel: a job that has not ended becomes ``Canceled`` (an ended one stays as it is)."""
        if self.status() not in TERMINAL:
            self.forced = CANCELED
            self.ended_at = self.clock.now

    def force(self, status: str) -> None:
        """Pin the status (for tests that want a state the timeline does not produce)."""
        self.forced = status
        self.ended_at = self.clock.now if status in TERMINAL else None

    def finish_now(self) -> None:
        """Jump to the end of the timeline (``azure.advance_jobs()`` for one job)."""
        if self.forced is None:
            total = self.timeline.starting + self.timeline.running
            self.submitted_at = min(self.submitted_at, self.clock.now - total)
