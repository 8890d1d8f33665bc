"""Fault injection: make a route of the fake Azure fail a given number of times.

Routes are named ``service/operation`` (``keyvault/get_secret``, ``ml/create_or_update_job``,
``blob/put_blob``, ``obo/token``); a bare service name (``keyvault``) matches every route of that
service. :attr:`FakeAzure.routes` lists the names. A name that matches no route is rejected when
the fault is added, so a typo cannot silently disable a test's fault.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Fault:
    """One injected failure.

    ``status`` is answered in the service's own error shape (with ``Retry-After`` when
    ``retry_after`` is set); ``body`` replaces the body verbatim (e.g. ``"<html>oops</html>"`` to
    test a non-JSON answer, sent as ``text/plain`` unless ``content_type`` says otherwise);
    ``reset=True`` drops the connection without answering. ``after_handling=True`` lets the
    service do the work first and then loses its answer (a job PUT the service accepted, whose
    response never arrived). ``times`` is how many matching requests fail; ``None`` means every
    one until :meth:`FaultPlan.clear`.
    """

    route: str
    status: int = 503
    times: int | None = 1
    retry_after: float | None = None
    body: str | bytes | None = None
    content_type: str = "text/plain"
    reset: bool = False
    after_handling: bool = False
    hits: int = field(default=0, init=False)

    def matches(self, operation: str) -> bool:
        """True if this fault applies to ``operation`` (``service/name``)."""
        return self.route == operation or self.route == operation.split("/", 1)[0]

    @property
    def exhausted(self) -> bool:
        """True once the fault has failed ``times`` requests."""
        return self.times is not None and self.hits >= self.times


class FaultPlan:
    """The faults a running fake Azure applies; thread-safe, consumed in the order added."""

    def __init__(self, known_routes: Callable[[], Iterable[str]]) -> None:
        self._known_routes = known_routes
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        route: str,
        *,
        status: int = 503,
        times: int | None = 1,
        retry_after: float | None = None,
        body: str | bytes | None = None,
        content_type: str = "text/plain",
        reset: bool = False,
        after_handling: bool = False,
    ) -> Fault:
        """Make ``route`` fail; see :class:`Fault`. Returns the fault (its ``hits`` count grows).

        Raises ``ValueError`` for a route name no service has, listing the known names, and for
        ``times`` below 1 (a fault that never fires is a mistake in the test).
        """
        known = set(self._known_routes())
        services = {name.split("/", 1)[0] for name in known}
        if route not in known and route not in services:
            raise ValueError(
                f"no route named {route!r}; known routes: {', '.join(sorted(known))} "
                f"(or a whole service: {', '.join(sorted(services))})"
            )
        if times is not None and times < 1:
            raise ValueError(f"times must be 1 or more (or None for always), got {times!r}")
        if not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {status!r}")
        fault = Fault(
            route=route,
            status=status,
            times=times,
            retry_after=retry_after,
            body=body,
            content_type=content_type,
            reset=reset,
            after_handling=after_handling,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation: str) -> Fault | None:
        """The first live fault for ``operation``, counting the hit; None if there is none."""
        with self._lock:
            for fault in self._faults:
                if not fault.exhausted and fault.matches(operation):
                    fault.hits += 1
                    return fault
        return None

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for fault in self._faults if not fault.exhausted)
