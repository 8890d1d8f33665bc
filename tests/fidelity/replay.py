"""Replay a stored recording against a fresh fake Azure, request by request, over real HTTP.

Each recorded request is sent through the fake's proxy as recorded (method, URL, the headers that
select an operation, body), with three things swapped for what the fake accepts:

- ``Authorization: Bearer sanitized`` becomes a fake token for the host's audience;
- a blob URL's SAS (sanitized) becomes a SAS the fake signed for the same container;
- values the real service made up and the client sent back (a secret's version, a container the
  service named, a backup blob) become the fake's: learned by walking the recorded and the fake
  response side by side, applied to later requests (see :class:`Correlation`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.ml.models import FakeSasUser, account_sas, container_sas
from azureml_obo_harness.tokens import mint_token

from tests.fidelity import worlds
from tests.fidelity.compare import differences, parse_body
from tests.fidelity.recording import Interaction, Recording

AUDIENCES = {
    "keyvault": "https://vault.azure.net",
    "ml": "https://management.azure.com",
    "blob": "https://storage.azure.com",
}
SENT_HEADERS = {"accept", "content-type", "if-match", "if-none-match"}
"""Recorded request headers sent as recorded (besides every ``x-ms-*`` one)."""
SAS_QUERY = {"sv", "ss", "srt", "sp", "se", "st", "spr", "sig", "sr", "skoid", "sktid", "skt"}
SAS_QUERY |= {"ske", "sks", "skv", "sip", "sdd"}
CARRIED_KEYS = {"containerName", "accountName"}
"""Non-URL response values a client sends back, so replay must send the fake's instead."""
MIN_CARRIED = 6
"""Shorter differing values are not carried: they would match by chance (``1`` vs ``2``)."""


@dataclass(frozen=True)
class Outcome:
    """How the fake answered one recorded interaction, and how that differs from the recording."""

    recording: str
    index: int
    interaction: Interaction
    sent: str
    status: int
    differences: list[str]

    @property
    def agrees(self) -> bool:
        return not self.differences

    @property
    def service(self) -> str:
        return self.interaction.service


@dataclass
class Correlation:
    """Recorded value -> the fake's, for values the service chose and the client sends back."""

    substitutions: dict[str, str] = field(default_factory=dict)
    whole_values: dict[str, str] = field(default_factory=dict)
    """JSON strings replaced only when a request body's string equals them (a backup blob)."""

    def learn(self, recorded: Any, fake: Any, *, key: str | None = None, top: bool = True) -> None:
        """Walk both responses side by side and remember what the fake chose differently."""
        if isinstance(recorded, dict) and isinstance(fake, dict):
            if top and set(recorded) == {"value"} and isinstance(recorded["value"], str):
                if isinstance(fake.get("value"), str) and fake["value"] != recorded["value"]:
                    self.whole_values[recorded["value"]] = fake["value"]  # an opaque blob
                return
            for name in recorded.keys() & fake.keys():
                self.learn(recorded[name], fake[name], key=name, top=False)
        elif isinstance(recorded, list) and isinstance(fake, list):
            for left, right in zip(recorded, fake, strict=False):
                self.learn(left, right, key=key, top=False)
        elif isinstance(recorded, str) and isinstance(fake, str) and recorded != fake:
            if recorded.startswith(("https://", "/")) and fake.startswith(("https://", "/")):
                self._learn_path(recorded, fake)
            elif key in CARRIED_KEYS and len(recorded) >= MIN_CARRIED:
                self.substitutions[recorded] = fake

    def _learn_path(self, recorded: str, fake: str) -> None:
        left, right = urlsplit(recorded).path.split("/"), urlsplit(fake).path.split("/")
        if len(left) != len(right):
            return
        for a, b in zip(left, right, strict=True):
            if a != b and len(a) >= MIN_CARRIED and len(b) >= MIN_CARRIED:
                self.substitutions[a] = b

    def apply(self, text: str) -> str:
        for recorded in sorted(self.substitutions, key=len, reverse=True):
            text = text.replace(recorded, self.substitutions[recorded])
        return text

    def apply_body(self, body: Any) -> Any:
        if isinstance(body, dict):
            return {k: self.apply_body(v) for k, v in body.items()}
        if isinstance(body, list):
            return [self.apply_body(v) for v in body]
        if isinstance(body, str):
            return self.whole_values.get(body, self.apply(body))
        return body


def _bearer(audience: str, azure: FakeAzure) -> str:
    now = int(time.time())
    token = mint_token(audience=audience, issued_at=now, expires_on=now + 3600, user=azure.user)
    return f"Bearer {token}"


def _with_fake_sas(uri: str) -> str:
    parts = urlsplit(uri)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in SAS_QUERY
    ]
    account = (parts.hostname or "").split(".", 1)[0]
    container = parts.path.lstrip("/").split("/", 1)[0]
    recorded = dict(parse_qsl(parts.query))
    if "ss" in recorded or "srt" in recorded:  # the recorded SAS was an account SAS
        fake_sas = account_sas(account=account, permissions=recorded.get("sp", "rcuwdl"))
    else:
        fake_sas = container_sas(FakeSasUser(), container=container, account=account)
    signed = urlencode(query) + ("&" if query else "") + fake_sas
    return urlunsplit((parts.scheme, parts.netloc, parts.path, signed, parts.fragment))


def _request(
    interaction: Interaction, azure: FakeAzure, correlation: Correlation
) -> tuple[str, dict[str, str], bytes | None]:
    uri = correlation.apply(interaction.uri)
    if "sig=" in uri and interaction.service == "blob":
        uri = _with_fake_sas(uri)
    headers = {
        name: value
        for name, value in interaction.request.headers.items()
        if name.lower() in SENT_HEADERS or name.lower().startswith("x-ms-")
    }
    if interaction.request.header("authorization") is not None:
        headers["Authorization"] = _bearer(AUDIENCES[interaction.service], azure)
    body = interaction.request.body
    data: bytes | None
    if body is None:
        data = None
    elif isinstance(body, (dict, list)):
        data = json.dumps(correlation.apply_body(body)).encode()
    else:
        data = str(body).encode()
    return uri, headers, data


def _session(azure: FakeAzure) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"https": azure.proxy_url}
    session.verify = str(azure.ca_path)
    return session


def _recorded_body(interaction: Interaction) -> Any:
    body = interaction.response.body
    if isinstance(body, str):
        return parse_body(interaction.response.header("content-type") or "", body)
    return body


def replay(recording: Recording) -> list[Outcome]:
    """Replay ``recording`` on a fresh, seeded fake; one outcome per interaction, in order.

    A world that cannot be seeded (the fake lacks what the recording assumes) makes every
    interaction disagree, with the cause.
    """
    azure = FakeAzure()
    try:
        worlds.seed(recording.name, azure)
    except Exception as error:  # the seeding API the world needs is missing or refuses
        cause = f"the world could not be seeded: {type(error).__name__}: {error}"
        return [
            Outcome(recording.name, i, it, f"{it.method} {it.uri}", 0, [cause])
            for i, it in enumerate(recording.interactions)
        ]
    outcomes = []
    correlation = Correlation()
    with azure, _session(azure) as session:
        for index, interaction in enumerate(recording.interactions):
            uri, headers, data = _request(interaction, azure, correlation)
            response = session.request(
                interaction.method, uri, headers=headers, data=data, timeout=30
            )
            fake_body = parse_body(response.headers.get("Content-Type", ""), response.content)
            recorded_body = _recorded_body(interaction)
            found = differences(
                real_status=interaction.status,
                real_headers=interaction.response.headers,
                real_body=recorded_body,
                fake_status=response.status_code,
                fake_headers=dict(response.headers),
                fake_body=fake_body,
            )
            if response.status_code == 501:
                found.append(f"the fake does not implement it: {_message(fake_body)}")
            correlation.learn(recorded_body, fake_body)
            sent = f"{interaction.method} {uri.split('?', 1)[0]}"
            outcomes.append(
                Outcome(recording.name, index, interaction, sent, response.status_code, found)
            )
    return outcomes


def _message(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message", body["error"]))
    return str(body)[:200]
