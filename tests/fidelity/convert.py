"""Turn an Azure SDK test-proxy recording into a stored fidelity recording, sanitized.

``python -m tests.fidelity.convert RAW.json OUT.json --repository R --path P --commit C
[--keep 0,1,3] [--trimmed "..."]``

Each test-proxy entry (``RequestUri``, ``RequestMethod``, ``RequestHeaders``, ``RequestBody``,
``StatusCode``, ``ResponseHeaders``, ``ResponseBody``) becomes vcrpy's serialized interaction shape
and goes through the project's own :class:`~azureml_obo_harness.recording.sanitize.Sanitizer`
(one per recording, so each real value maps to one fake throughout), then is stored readably.

Two things the test proxy does are undone first, because the sanitizer cannot know them:

- its own placeholders (``Sanitized.azure.com``, ``Sanitized.api.azureml.ms``, subscription ``00000000-0000-0000-0000-000000000``
  (nine digits in the last group), resource group and workspace ``00000``) become the fakes'
  coordinates, so a recording replays against the fake's default workspace;
- it never records ``Authorization``. Every request carried a credential except the one answered
  with Key Vault's bearer challenge (a 401 with ``WWW-Authenticate``) and the blob requests signed
  with a SAS; the others get ``Authorization: Bearer sanitized``, which replay swaps for a token.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from azureml_obo_harness import values
from azureml_obo_harness.cloud.ml.models import Workspace
from azureml_obo_harness.recording.sanitize import Sanitizer

_PLACEHOLDERS = (
    (re.compile(r"https://Sanitized\.azure\.com"), "https://management.azure.com"),
    # The workspace's regional host (run history, discovery): the fake workspace's region.
    (
        re.compile(r"https://Sanitized\.api\.azureml\.ms"),
        f"https://{Workspace.location}.api.azureml.ms",
    ),
    # Hosts straight to the fakes': given "Sanitized" as an account or vault name, the sanitizer
    # would remember the word as a real value and replace it (and "sanitized") everywhere.
    (re.compile(r"\bSanitized(?=\.blob\.core\.windows\.net)"), values.STORAGE_ACCOUNT),
    (re.compile(r"\bSanitized(?=\.vault\.azure\.net)"), values.VAULT_NAME),
    (
        re.compile(r"/subscriptions/00000000-0000-0000-0000-000000000(?=[/\"?&\\]|$)", re.I),
        f"/subscriptions/{values.SUBSCRIPTION_ID}",
    ),
    (
        re.compile(r"/resourceGroups/00000(?=[/\"?&\\]|$)", re.I),
        f"/resourceGroups/{values.RESOURCE_GROUP}",
    ),
    (re.compile(r"/workspaces/00000(?=[/\"?&\\]|$)", re.I), f"/workspaces/{values.WORKSPACE_NAME}"),
    # The same word for users, accounts and SAS fields.
    (
        re.compile(r'"((?:created|lastModified)By)": "Sanitized"'),
        rf'"\1": "{values.DEFAULT_USER.name}"',
    ),
    (re.compile(r'"accountName": "Sanitized"'), f'"accountName": "{values.STORAGE_ACCOUNT}"'),
    (re.compile(r"\bsig=0+(?=[&\"]|$)"), "sig=sanitized"),
    # A SAS token the proxy already sanitized; as a token value, the sanitizer would replace it
    # wherever it appears, the query of every blob URL signed with it included.
    (re.compile(r'"sasToken": "[^"]*"'), '"sasToken": "sanitized"'),
    (re.compile(r"=Sanitized\b"), "=sanitized"),
)


def undo_placeholders(text: str) -> str:
    """The test proxy's placeholders replaced by the fakes' coordinates."""
    for pattern, replacement in _PLACEHOLDERS:
        text = pattern.sub(replacement, text)
    return text


def _body_text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, list) and all(isinstance(part, str) for part in body):
        return "".join(body)  # the test proxy splits XML and text bodies into lines
    if isinstance(body, str):
        return body
    return json.dumps(body)


def _headers(headers: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [str(v) for v in value] if isinstance(value, list) else [str(value)]
        for name, value in headers.items()
    }


def _carried_credential(entry: dict[str, Any]) -> bool:
    challenged = entry["StatusCode"] == 401 and any(
        name.lower() == "www-authenticate" for name in entry["ResponseHeaders"]
    )
    signed = "sig=" in entry["RequestUri"]
    return not challenged and not signed


def to_interaction(entry: dict[str, Any]) -> dict[str, Any]:
    """One test-proxy entry in vcrpy's serialized shape (what the sanitizer takes)."""
    entry = json.loads(undo_placeholders(json.dumps(entry)))
    request_headers = _headers(entry["RequestHeaders"])
    if _carried_credential(entry):
        request_headers["Authorization"] = ["Bearer sanitized"]
    return {
        "request": {
            "method": entry["RequestMethod"],
            "uri": entry["RequestUri"],
            "headers": request_headers,
            "body": _body_text(entry["RequestBody"]) or None,
        },
        "response": {
            "status": {"code": entry["StatusCode"], "message": ""},
            "headers": _headers(entry["ResponseHeaders"]),
            "body": {"string": _body_text(entry["ResponseBody"])},
        },
    }


def _stored_body(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _stored(interaction: dict[str, Any]) -> dict[str, Any]:
    request, response = interaction["request"], interaction["response"]
    return {
        "request": {
            "method": request["method"],
            "uri": request["uri"],
            "headers": {k: ", ".join(v) for k, v in request["headers"].items()},
            "body": _stored_body(request["body"]),
        },
        "response": {
            "status": response["status"]["code"],
            "headers": {k: ", ".join(v) for k, v in response["headers"].items()},
            "body": _stored_body(response["body"]["string"]),
        },
    }


def convert(
    raw: dict[str, Any], *, source: dict[str, str], keep: Sequence[int] | None, trimmed: str
) -> dict[str, Any]:
    """The stored recording for test-proxy JSON ``raw`` (entries ``keep`` only, if given)."""
    entries = raw["Entries"]
    chosen = [entries[i] for i in keep] if keep is not None else entries
    sanitizer = Sanitizer()
    interactions = [_stored(sanitizer.interaction(to_interaction(entry))) for entry in chosen]
    return {"source": source, "trimmed": trimmed, "interactions": interactions}


def main(argv: Sequence[str] | None = None) -> int:
    """Convert one recording; prints where it was written."""
    parser = argparse.ArgumentParser(prog="python -m tests.fidelity.convert")
    parser.add_argument("raw", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--keep", help="comma-separated entry indexes to keep (default: all)")
    parser.add_argument("--trimmed", default="nothing")
    args = parser.parse_args(argv)
    keep = [int(i) for i in args.keep.split(",")] if args.keep else None
    source = {"repository": args.repository, "path": args.path, "commit": args.commit}
    raw = json.loads(args.raw.read_text(encoding="utf-8-sig"))
    stored = convert(raw, source=source, keep=keep, trimmed=args.trimmed)
    args.out.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(stored['interactions'])} interaction(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
