"""A stored fidelity recording: where it came from and the interactions the real service answered.

The stored form (``recordings/*.json``) is what :mod:`tests.fidelity.convert` writes::

    {"source": {"repository": ..., "path": ..., "commit": ...},
     "trimmed": "what was left out of the original, and why",
     "interactions": [{"request": {"method", "uri", "headers", "body"},
                       "response": {"status", "headers", "body"}}, ...]}

Bodies are JSON values when they were JSON, text otherwise (XML), ``null`` when empty; header
names keep the recording's case and map to one string each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RECORDINGS = Path(__file__).parent / "recordings"


@dataclass(frozen=True)
class Exchange:
    """One request as the client sent it, or one response as the service answered."""

    headers: dict[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        """The header's value, whatever the case of its name; None if absent."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclass(frozen=True)
class Interaction:
    """One recorded request and the real service's answer."""

    method: str
    uri: str
    request: Exchange
    status: int
    response: Exchange

    @property
    def host(self) -> str:
        return urlsplit(self.uri).hostname or ""

    @property
    def service(self) -> str:
        """Which fake service answers it: ``keyvault``, ``blob`` or ``ml`` (by host)."""
        host = self.host
        if host.endswith(".vault.azure.net"):
            return "keyvault"
        if host.endswith(".blob.core.windows.net"):
            return "blob"
        if host == "management.azure.com" or host.endswith(".api.azureml.ms"):
            return "ml"
        raise ValueError(f"no fake service answers {host!r} (in {self.method} {self.uri})")


@dataclass(frozen=True)
class Recording:
    """A stored recording: its file name, provenance and interactions."""

    name: str
    source: dict[str, str]
    trimmed: str
    interactions: list[Interaction]


def load(path: Path) -> Recording:
    """Read one stored recording; a malformed file raises ``ValueError`` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        interactions = [
            Interaction(
                method=item["request"]["method"],
                uri=item["request"]["uri"],
                request=Exchange(item["request"]["headers"], item["request"]["body"]),
                status=int(item["response"]["status"]),
                response=Exchange(item["response"]["headers"], item["response"]["body"]),
            )
            for item in data["interactions"]
        ]
        return Recording(path.name, data["source"], data["trimmed"], interactions)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(
            f"{path} is not a stored fidelity recording ({error!r}); "
            "write it with `python -m tests.fidelity.convert`"
        ) from error


def load_all(folder: Path = RECORDINGS) -> list[Recording]:
    """Every stored recording in ``folder``, by file name."""
    return [load(path) for path in sorted(folder.glob("*.json"))]
