"""How the OBO job fails: one line with the cause and the fix, and an exit status per kind.

| status | kind | typical cause |
|---|---|---|
| 0 | success | |
| 1 | unexpected | a bug: rerun with ``--verbose`` for the traceback |
| 2 | configuration | a missing or invalid setting |
| 3 | authentication | no token: not signed in, OBO endpoint unreachable, consent missing |
| 4 | access | signed in, but the user lacks permission (Key Vault 403, AzureML 403) |
| 5 | not found | the secret, workspace or compute does not exist |
| 6 | service | Azure answered with an error or could not be reached |
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

from obo_job.credentials import TokenEndpointUnavailable
from obo_job.settings import SettingsError


class ExitStatus(enum.IntEnum):
    """The OBO job's exit statuses (see the module docstring for the table)."""

    SUCCESS = 0
    UNEXPECTED = 1
    CONFIGURATION = 2
    AUTHENTICATION = 3
    ACCESS = 4
    NOT_FOUND = 5
    SERVICE = 6


@dataclass(frozen=True)
class Failure:
    """What to tell the user, and the exit status to end with."""

    status: ExitStatus
    message: str


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _first_line(error: BaseException) -> str:
    text = _ANSI.sub("", str(getattr(error, "message", None) or error))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(error).__name__


def explain(error: BaseException, *, step: str) -> Failure:
    """Turn an exception raised during ``step`` (e.g. "reading secret 'x' from https://v...") into a
    :class:`Failure`. The message is built from the error's first line only, which for Azure errors
    holds the service's error code and message and never a request or response body."""
    if isinstance(error, SettingsError):
        return Failure(ExitStatus.CONFIGURATION, str(error))
    if isinstance(error, TokenEndpointUnavailable):
        return Failure(
            ExitStatus.AUTHENTICATION,
            f"could not get a token while {step}: {_first_line(error)}. The compute's token "
            "service is not answering: rerun the job; if it persists, check the compute's health.",
        )
    if isinstance(error, ClientAuthenticationError):
        return Failure(
            ExitStatus.AUTHENTICATION,
            f"could not get a token while {step}: {_first_line(error)}. On AzureML, submit the job "
            "with 'identity: type: user_identity'; elsewhere, sign in with 'az login'.",
        )
    if isinstance(error, ResourceNotFoundError):
        return Failure(
            ExitStatus.NOT_FOUND,
            f"not found while {step}: {_first_line(error)}. Check the name and that it exists.",
        )
    if isinstance(error, HttpResponseError) and error.status_code == 403:
        return Failure(
            ExitStatus.ACCESS,
            f"access denied while {step}: {_first_line(error)}. An OBO job acts as the user who "
            "submitted it, so that user needs the permission (for Key Vault: 'get' on secrets; for a "
            "blob: a data role such as Storage Blob Data Reader on the account).",
        )
    if isinstance(error, HttpResponseError) and error.status_code in (400, 409, 422):
        return Failure(
            ExitStatus.SERVICE,
            f"Azure refused the request while {step}: {_first_line(error)}. Check the values it "
            "names (compute, environment, inputs); retrying will not help.",
        )
    if isinstance(error, (HttpResponseError, ServiceRequestError, ServiceResponseError)):
        return Failure(
            ExitStatus.SERVICE,
            f"Azure failed while {step}: {_first_line(error)}. Retry later; if it persists, "
            "check the service's status.",
        )
    return Failure(
        ExitStatus.UNEXPECTED,
        f"unexpected {type(error).__name__} while {step}: {_first_line(error)}. "
        "Rerun with --verbose for the traceback.",
    )
