"""What a replay miss says: the request, the closest recorded one, how they differ, and the fix."""

from __future__ import annotations

import shlex
from typing import Any
from urllib.parse import parse_qs, urlsplit

from azureml_obo_harness.recording.matchers import path_template

REASONS = {
    "cassette_not_found": "the cassette does not exist",
    "already_played": "every matching recorded request has been played already",
    "no_match": "no recorded request matches",
    "nothing_similar": "nothing recorded is even similar",
}


def rerecord_command(nodeid: str) -> str:
    """The command that records this one test again against the fake Azure."""
    return f"pytest --azure=fake --record-mode=rewrite {shlex.quote(nodeid)}"


def _hint(failed: Any, recorded: Any, failed_matchers: list[tuple[str, str]]) -> str | None:
    names = {name for name, _ in failed_matchers}
    if names == {"query_stable"}:
        a = parse_qs(urlsplit(failed.uri).query)
        b = parse_qs(urlsplit(recorded.uri).query)
        changed = {key for key in set(a) | set(b) if a.get(key) != b.get(key)}
        if changed == {"api-version"}:
            return (
                f"only the api-version differs ({b.get('api-version')} recorded, "
                f"{a.get('api-version')} now): the Azure SDK was upgraded since the cassette "
                "was recorded; re-record it."
            )
    if names == {"path_template"} and path_template(failed.path) != failed.path:
        return "the path differs in a name: is a random name (job, asset) not deterministic?"
    if "host" in names:
        return "the host differs: is the test using other workspace coordinates than recorded?"
    return None


def _similar_and_reason(error: Any) -> tuple[list[Any], str]:
    """The closest recorded requests and why none matched. vcrpy 9 puts both on the error;
    vcrpy 8 (what Python 3.10 gets) has neither, so they are worked out from the cassette."""
    similar = getattr(error, "similar_requests", None)
    if similar is None:
        similar = error.cassette.find_requests_with_most_matches(error.failed_request)
    reason = getattr(error, "reason", None)
    if reason is None:
        if len(error.cassette) == 0:
            reason = "cassette_not_found"
        elif not similar:
            reason = "nothing_similar"
        else:
            reason = "no_match" if similar[0][2] else "already_played"
    return list(similar), str(reason)


def explain_miss(error: Any, *, nodeid: str) -> str:
    """A vcrpy ``CannotOverwriteExistingCassetteException`` explained for an Azure test."""
    failed = error.failed_request
    similar, reason = _similar_and_reason(error)
    lines = [
        f"Replay miss in cassette {error.cassette._path}: {REASONS.get(reason, reason)}.",
        f"  request:  {failed.method} {failed.uri}",
    ]
    hint = None
    if similar:
        recorded, _succeeded, failed_matchers = similar[0]
        lines.append(f"  closest:  {recorded.method} {recorded.uri}")
        for name, message in failed_matchers:
            lines.append(f"    differs in {name}: {str(message).strip()}")
        hint = _hint(failed, recorded, failed_matchers)
    if reason == "already_played":
        hint = "the code made this request more often than when it was recorded (a retry?)"
    if reason == "cassette_not_found":
        hint = "record it first"
    if hint:
        lines.append(f"  hint:     {hint}")
    lines += [
        "How to fix:",
        "  1. If the change in the request is intended, record this test again:",
        f"       {rerecord_command(nodeid)}",
        "     (against a real workspace: the same with --record-mode=rewrite and no --azure; see README)",
        "  2. Otherwise the code under test changed a request by mistake: compare it with the closest one.",
    ]
    return "\n".join(lines)
