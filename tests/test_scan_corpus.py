"""The leak scan on its own, over corpora: one planted leak per kind in every location it can
occur is caught kind by kind; clean corpora (the bundled cassettes, real public recordings after
the project's sanitizer) give no finding at all.

The planted corpus is built here, from invented values, and written to a temporary folder: the
repository holds no leak-shaped file for other scanners to trip on.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml
from azureml_obo_harness.recording.sanitize import Sanitizer
from azureml_obo_harness.scan import KINDS, main, scan_paths, scan_text

from tests.leak_planting import LOCATIONS, Secret, cassette_text, clean_interaction, plant

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = Path(__file__).parent / "scan_corpus" / "public"

_JWT = ".".join(
    base64.urlsafe_b64encode(part).rstrip(b"=").decode()
    for part in (b'{"alg":"RS256","typ":"JWT"}', b'{"sub":"invented"}', b"invented-signature")
)
PLANTED: dict[str, tuple[Secret, tuple[str, ...]]] = {
    "jwt": (Secret("jwt", None, _JWT, _JWT), LOCATIONS),
    "bearer": (
        Secret("bearer", None, "Bearer Op4queInventedToken", "Op4queInventedToken"),
        LOCATIONS,
    ),
    "sas-signature": (
        Secret("sas-signature", None, "sig=Xk3fQ9mZ2pL8vN1cR7", "Xk3fQ9mZ2pL8vN1cR7"),
        LOCATIONS,
    ),
    "account-key": (
        Secret("account-key", None, base64.b64encode(bytes(range(64))).decode(), "AAECAwQF"),
        LOCATIONS,
    ),
    "connection-string": (
        Secret(
            "connection-string",
            None,
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=root;"
            "SharedAccessKey=q8Zr3mXvInventedKey",
            "q8Zr3mXvInventedKey",
        ),
        LOCATIONS,
    ),
    "pem": (
        Secret(
            "pem",
            None,
            "-----BEGIN PRIVATE KEY-----\nMIIEvInvented\n-----END PRIVATE KEY-----",
            "MIIEvInvented",
        ),
        LOCATIONS,
    ),
    "guid": (
        Secret("guid", None, "3b9c1f2e-7d4a-4e8b-9c6f-1a2b3c4d5e6f", "1a2b3c4d5e6f"),
        LOCATIONS,
    ),
    "email": (Secret("email", None, "jane.doe@contoso.com", "jane.doe@contoso.com"), LOCATIONS),
    "token-field": (
        Secret(
            "token-field", "refresh_token", "0.AXkA7q3nOpaqueRefresh", "0.AXkA7q3nOpaqueRefresh"
        ),
        LOCATIONS,
    ),
    "credential-field": (
        Secret("credential-field", "client_secret", "Qx8~invented~secret", "Qx8~invented~secret"),
        LOCATIONS,
    ),
    "secret-value": (
        Secret("secret-value", "value", "hunter2-invented", "hunter2-invented"),
        ("json",),
    ),
    "user-name": (
        Secret("user-name", "createdBy", "Jane Doe", "Jane Doe"),
        ("json", "query", "form"),
    ),
    "source-control": (
        Secret("source-control", "mlflow.source.git.branch", "users/jdoe/fix", "users/jdoe/fix"),
        ("json",),
    ),
    "ip-address": (
        Secret(
            "ip-address",
            "x-ms-keyvault-network-info",
            "conn_type=Ipv4;addr=20.51.7.33;act_addr_fam=InterNetwork;",
            "20.51.7.33",
        ),
        ("header",),
    ),
    "ip-address-field": (
        Secret("ip-address", "clientIpAddress", "20.51.7.33", "20.51.7.33"),
        LOCATIONS,
    ),
}
"""One invented leak per kind (two fields for client IPs) and the locations it can occur in."""
CASES = [(name, location) for name, (_secret, where) in PLANTED.items() for location in where]


def _write_planted_corpus(folder: Path) -> dict[Path, str]:
    expected = {}
    for name, location in CASES:
        secret = PLANTED[name][0]
        # Planted after sanitizing: a cassette the recorder wrote, then changed by hand.
        interaction = plant(
            Sanitizer().interaction(clean_interaction()), secret, location, "note", 3
        )
        path = folder / f"{name}.{location}.yaml"
        path.write_text(cassette_text(interaction))
        expected[path] = secret.kind
    return expected


def test_every_kind_the_scan_knows_on_its_own_is_planted() -> None:
    on_its_own = set(KINDS) - {"real-value", "missing", "binary", "allow-list"}
    assert {secret.kind for secret, _where in PLANTED.values()} == on_its_own


@pytest.mark.parametrize(("name", "location"), CASES)
def test_a_planted_leak_is_caught_under_its_kind_and_masked(name: str, location: str) -> None:
    secret = PLANTED[name][0]
    interaction = plant(Sanitizer().interaction(clean_interaction()), secret, location, "note", 3)
    findings = scan_text(cassette_text(interaction), path=f"{name}.{location}.yaml")
    # (JSON and form bodies are planted in the request and the response: two findings.)
    assert {finding.rule for finding in findings} == {secret.kind}
    assert all(secret.core not in str(finding) and finding.line > 0 for finding in findings)


def test_the_planted_corpus_is_caught_file_by_file_by_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _write_planted_corpus(tmp_path)
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    caught = {path for path, kind in expected.items() if f"{path}:" in out and f": {kind}: " in out}
    assert caught == set(expected), f"{len(caught)} of {len(expected)} planted leaks caught"
    assert f"scanned {len(expected)} file(s)" in out.splitlines()[-1]


def test_the_bundled_cassettes_scan_clean() -> None:
    assert scan_paths([ROOT / "cassettes"]) == []


def test_public_recordings_after_the_sanitizer_scan_clean() -> None:
    files = sorted(PUBLIC.glob("*.yaml"))
    assert len(files) == 5
    assert scan_paths(files) == []


def test_the_public_recordings_are_the_sanitizers_own_output() -> None:
    # Sanitizing them again changes nothing: what is stored is what the sanitizer writes.
    for path in sorted(PUBLIC.glob("*.yaml")):
        cassette = yaml.safe_load(path.read_text())
        once = json.dumps(cassette["interactions"], sort_keys=True)
        sanitizer = Sanitizer()
        again = [sanitizer.interaction(i) for i in json.loads(once)]
        assert json.dumps(again, sort_keys=True) == once, path.name
