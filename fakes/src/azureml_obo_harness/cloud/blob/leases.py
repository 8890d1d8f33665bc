"""Leases on containers (and the lease state blobs report): plain state, no HTTP.

The service's rules, as its REST reference states them: a lease lasts 15 to 60 seconds or is
infinite (``-1``); acquiring a leased resource with another id is 409 ``LeaseAlreadyPresent``;
releasing, renewing or changing with the wrong id is 409 ``LeaseIdMismatchWithLeaseOperation``;
a write to a leased resource without the id is 412 ``LeaseIdMissing``, with a wrong one 412
``LeaseIdMismatchWith...Operation``. Break ends the lease (``x-ms-lease-time`` 0: the fake breaks
at once rather than after a break period, so no test has to wait).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace

from azureml_obo_harness.cloud.http import ServiceError


@dataclass
class Lease:
    """An active lease: its id and when it ends (``None``: infinite)."""

    lease_id: str
    expires: float | None
    seconds: int = -1
    """The duration asked for (``-1``: infinite), which a renewal starts again."""

    def active(self) -> bool:
        """False once a fixed-duration lease has run out."""
        return self.expires is None or time.time() < self.expires

    @property
    def duration(self) -> str:
        """``infinite`` or ``fixed``, as ``x-ms-lease-duration`` says."""
        return "infinite" if self.expires is None else "fixed"


def lease_headers(lease: Lease | None) -> dict[str, str]:
    """``x-ms-lease-state``/``-status`` (and ``-duration`` when leased) for a resource."""
    if lease is None or not lease.active():
        return {"x-ms-lease-state": "available", "x-ms-lease-status": "unlocked"}
    return {
        "x-ms-lease-state": "leased",
        "x-ms-lease-status": "locked",
        "x-ms-lease-duration": lease.duration,
    }


def acquire(current: Lease | None, duration: str | None, proposed: str | None) -> Lease:
    """A new lease, or the service's error; re-acquiring with the same id renews it."""
    try:
        seconds = int(duration if duration is not None else "")
    except ValueError:
        seconds = 0
    if seconds != -1 and not 15 <= seconds <= 60:
        raise ServiceError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
        )
    lease_id = proposed or str(uuid.uuid4())
    if current is not None and current.active() and current.lease_id != lease_id:
        raise ServiceError(409, "LeaseAlreadyPresent", "There is already a lease present.")
    return Lease(lease_id, None if seconds == -1 else time.time() + seconds, seconds)


def renewed(lease: Lease) -> Lease:
    """The lease with its duration started again."""
    return replace(lease, expires=None if lease.seconds == -1 else time.time() + lease.seconds)


def held(current: Lease | None, lease_id: str | None) -> Lease:
    """The active lease ``lease_id`` names, for release/renew/change; else the service's 409."""
    if current is None or not current.active():
        raise ServiceError(
            409, "LeaseNotPresentWithLeaseOperation", "There is currently no lease on the resource."
        )
    if current.lease_id != lease_id:
        raise ServiceError(
            409,
            "LeaseIdMismatchWithLeaseOperation",
            "The lease ID specified did not match the lease ID for the resource.",
        )
    return current


def check_write(current: Lease | None, lease_id: str | None, *, resource: str) -> None:
    """Refuse a write or delete of a leased ``resource`` (``container``/``blob``) without its id."""
    kind = resource.capitalize()
    active = current is not None and current.active()
    if not active and lease_id:
        raise ServiceError(
            412,
            f"LeaseNotPresentWith{kind}Operation",
            f"There is currently no lease on the {resource}.",
        )
    if active and not lease_id:
        raise ServiceError(
            412,
            "LeaseIdMissing",
            f"There is currently a lease on the {resource} and no lease ID was specified in the "
            "request.",
        )
    if active and current is not None and current.lease_id != lease_id:
        raise ServiceError(
            412,
            f"LeaseIdMismatchWith{kind}Operation",
            f"The lease ID specified did not match the lease ID for the {resource}.",
        )
