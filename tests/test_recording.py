"""The recording policy: sanitizing, the leak scan, fail-closed atomic writes, a full round trip.

The round-trip tests build a project of one recorded test with ``pytester`` and run pytest on it
in-process (``pytester.runpytest``: this interpreter, ``sys.modules`` and ``sys.path`` restored
after each run). Recording against the fake Azure reaches it on loopback, which the outer run's
``--block-network`` admits through ``allowed_hosts``; a replay run gives ``--block-network``
itself, and the inner run's block then admits nothing at all. No test needs a process of its own:
between the record and the replay runs nothing but the cassette on disk carries over (each run
reads its cassettes afresh, Key Vault's challenge cache is emptied around each test, the fake
Azure's session restores ``os.environ`` and stops with the inner run).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from azureml_obo_harness import FakeCredential, read_claims, values
from azureml_obo_harness.recording.context import RecordingContext
from azureml_obo_harness.recording.credentials import AsyncOverSync, TokenWitness
from azureml_obo_harness.recording.diagnostics import explain_miss
from azureml_obo_harness.recording.persister import LeakRefused, SafePersister
from azureml_obo_harness.recording.plugin import LIVE_VARIABLES
from azureml_obo_harness.recording.sanitize import Sanitizer
from azureml_obo_harness.scan import main as scan_main
from azureml_obo_harness.scan import scan_text

from tests.cloud.conftest import allowed_hosts  # loopback only: the inner runs' fake Azure
from tests.inner_runs import INNER_RUN_OPTIONS, preload_inner_run_imports

__all__ = ["allowed_hosts"]

REAL_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2lnbmF0dXJlLXJlYWw"
REAL_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def _interaction(body: dict[str, Any], *, uri: str | None = None) -> dict[str, Any]:
    return {
        "request": {
            "method": "GET",
            "uri": uri
            or "https://real-vault.vault.azure.net/secrets/s/?api-version=2026-04-01&sig=AbC%3D",
            "body": None,
            "headers": {"Authorization": [f"Bearer {REAL_JWT}"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {
                "Content-Type": ["application/json"],
                "WWW-Authenticate": [
                    f'Bearer authorization="https://login.microsoftonline.com/{REAL_TENANT}"'
                ],
            },
            "body": {"string": json.dumps(body).encode()},
        },
    }


def test_the_scan_finds_each_kind_of_leak() -> None:
    text = "\n".join(
        [
            f"token: {REAL_JWT}",
            "auth: Bearer abcdefghijklmnopqrstuvwxyz",
            "uri: https://a.blob.core.windows.net/c?sv=1&sig=realSignature%3D",
            "conn: DefaultEndpointsProtocol=https;AccountKey=c2VjcmV0a2V5;",
            "-----BEGIN PRIVATE KEY-----",
            f"tenant: {REAL_TENANT}",
        ]
    )
    rules = [finding.rule for finding in scan_text(text)]
    assert rules == ["jwt", "bearer", "sas-signature", "account-key", "pem", "guid"]


def test_the_scan_passes_fake_values() -> None:
    fake_token = FakeCredential().get_token("https://vault.azure.net/.default").token
    text = f"auth: Bearer {fake_token}\nsig=sanitized\nid: 00000000-0000-0000-0000-000000000001"
    assert scan_text(text) == []


def test_the_scan_command_prints_file_line_rule_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.yaml").write_text(f"ok: 1\ntenant: {REAL_TENANT}\n")
    assert scan_main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'c.yaml'}:2: guid: ")
    (tmp_path / "c.yaml").write_text("ok: 1\n")
    assert scan_main([str(tmp_path)]) == 0


def test_sanitizing_removes_real_values_from_headers_query_and_body() -> None:
    sanitizer = Sanitizer()
    body = {"value": "hunter2-real-secret", "systemData": {"createdBy": "jane@contoso.com"}}
    text = json.dumps(sanitizer.interaction(_interaction(body)), default=str)
    for real in (REAL_JWT, REAL_TENANT, "real-vault", "realSignature", "hunter2", "contoso"):
        assert real not in text
    assert scan_text(text, real_values=sanitizer.real_values) == []


def test_a_jobs_git_properties_become_the_fakes_and_its_commit_goes_everywhere() -> None:
    # azure-ai-ml adds the submitter's checkout to every job: remote, branch, commit, dirty.
    commit = "a4a2fa2664ab5877f0e317ddfbb187b6f1fb1d8d"
    checkout = {
        "mlflow.source.git.repoURL": "https://dev.azure.com/contoso/Project/_git/repo",
        "mlflow.source.git.branch": "users/jdoe/fix-login",
        "mlflow.source.git.commit": commit,
        "azureml.git.dirty": "True",
    }
    body = {"properties": {"properties": checkout, "description": f"built at {commit}"}}
    sanitizer = Sanitizer()
    job = json.loads(sanitizer.interaction(_interaction(body))["response"]["body"]["string"])

    assert job["properties"]["properties"] == {
        **{name: values.SOURCE_CONTROL[name] for name in checkout if name in values.SOURCE_CONTROL},
        "azureml.git.dirty": "True",
    }
    fake_commit = values.SOURCE_CONTROL["mlflow.source.git.commit"]
    assert job["properties"]["description"] == f"built at {fake_commit}"
    assert scan_text(json.dumps(job), real_values=sanitizer.real_values) == []


def test_a_storage_account_key_becomes_the_fake_key_a_replay_can_sign_with() -> None:
    # A datastore's listSecrets key signs jobs.stream's SAS, a connection string's signs Shared
    # Key: "sanitized" is no base64, so a replayed SDK could not sign with it.
    real_key = base64.b64encode(bytes(range(64))).decode()  # a real key's shape: 88 characters
    connection = f"DefaultEndpointsProtocol=https;AccountName=real;AccountKey={real_key};"
    body = {
        "secretsType": "AccountKey",
        "key": real_key,
        "note": connection,
        "fake": {"key": values.STORAGE_ACCOUNT_KEY},
    }
    sanitizer = Sanitizer()
    text = json.dumps(sanitizer.interaction(_interaction(body)), default=str)
    sanitized = json.loads(json.loads(text)["response"]["body"]["string"])

    assert real_key not in text
    assert sanitized["key"] == sanitized["fake"]["key"] == values.STORAGE_ACCOUNT_KEY
    assert f"AccountKey={values.STORAGE_ACCOUNT_KEY};" in sanitized["note"]
    assert base64.b64decode(values.STORAGE_ACCOUNT_KEY, validate=True)
    assert scan_text(text, real_values=sanitizer.real_values) == []


def test_a_runs_user_ids_are_sanitized_and_a_real_puid_is_a_finding() -> None:
    # Run history names the submitter by object id, tenant and PUID (a Microsoft account's
    # unique id, no GUID): a recorded pipeline's children listing carries all three.
    puid = "10032001A1B2C3D4"
    user = {"userObjectId": REAL_TENANT, "userPuId": puid, "userName": "Jane Doe"}
    body = {"value": [{"createdBy": user, "lastModifiedBy": dict(user)}]}
    sanitizer = Sanitizer()
    text = json.dumps(sanitizer.interaction(_interaction(body)), default=str)
    for real in (puid, REAL_TENANT, "Jane Doe"):
        assert real not in text
    assert scan_text(text, real_values=sanitizer.real_values) == []
    assert [f.kind for f in scan_text(json.dumps({"userPuId": puid}))] == ["user-name"]


def test_a_short_branch_name_is_replaced_in_its_field_only() -> None:
    body = {"properties": {"mlflow.source.git.branch": "develop", "note": "develop the model"}}
    job = json.loads(Sanitizer().interaction(_interaction(body))["response"]["body"]["string"])
    assert job["properties"] == {
        "mlflow.source.git.branch": "fake-branch",
        "note": "develop the model",
    }


def test_a_credential_under_a_key_no_rule_knows_is_scrubbed_by_its_shape() -> None:
    sanitizer = Sanitizer()
    body = {"unusual_field": REAL_JWT, "note": "AccountKey=c2VjcmV0a2V5c2VjcmV0;x"}
    text = json.dumps(sanitizer.interaction(_interaction(body)), default=str)
    assert REAL_JWT not in text
    assert "c2VjcmV0a2V5c2VjcmV0" not in text
    assert scan_text(text, real_values=sanitizer.real_values) == []


def test_sanitizing_is_idempotent() -> None:
    once = Sanitizer().interaction(_interaction({"value": "v-real-1"}))
    twice = Sanitizer().interaction(json.loads(json.dumps(once)))
    assert json.dumps(once, sort_keys=True) == json.dumps(twice, sort_keys=True)


def _cassette_dict(interaction: dict[str, Any]) -> dict[str, Any]:
    request = SimpleNamespace(_to_dict=lambda: interaction["request"])
    return {"requests": [request], "responses": [interaction["response"]]}


class _Yaml:
    @staticmethod
    def serialize(data: Any) -> str:
        return str(yaml.safe_dump(data))


def test_a_leak_the_sanitizer_misses_refuses_the_write(tmp_path: Path) -> None:
    # A token where no rule looks (the reason phrase): the sanitizer leaves it, the scan must
    # stop it. The same net catches a team's extra rule that writes a real value back.
    leaky = _interaction({})
    leaky["response"]["status"]["message"] = f"OK {REAL_JWT}"
    persister = SafePersister(RecordingContext(passed=True))
    path = tmp_path / "leaky.yaml"
    with pytest.raises(LeakRefused, match=r"leaky\.yaml.*jwt"):
        persister.save_cassette(path, _cassette_dict(leaky), _Yaml)
    assert not path.exists()


def test_a_failed_test_leaves_the_previous_cassette_untouched(tmp_path: Path) -> None:
    path = tmp_path / "kept.yaml"
    path.write_text("previous\n")
    context = RecordingContext(passed=False)
    SafePersister(context).save_cassette(path, _cassette_dict(_interaction({})), _Yaml)
    assert path.read_text() == "previous\n"
    assert context.skipped_write and "was not written" in context.skipped_write


def test_a_passed_test_writes_a_sanitized_cassette_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    SafePersister(RecordingContext(passed=True)).save_cassette(
        path, _cassette_dict(_interaction({"value": "s3cret-value"})), _Yaml
    )
    assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]  # no temporary file left
    assert "s3cret" not in path.read_text()
    assert scan_text(path.read_text()) == []


ROUND_TRIP_TEST = """
import pytest
from obo_job.keyvault import read_secret

@pytest.mark.vcr
def test_read(azure_credential, azure_coordinates):
    secret = read_secret(azure_credential, azure_coordinates.vault_url, azure_coordinates.secret_name)
    print("VALUE-DIGEST", secret.fingerprint, secret.version)
"""


CASSETTE = "cassettes/test_round_trip.test_read.yaml"
RERECORD = "pytest --azure=fake --record-mode=rewrite test_round_trip.py::test_read"
Run = Callable[..., pytest.RunResult]

preload_inner_run_imports()


@pytest.fixture
def _harness_isolation() -> None:
    """Overrides the suite-wide opt-in (tests/conftest.py) with nothing, as tests/inert does: the
    inner runs share this process, and the outer test's isolation (azure-core's retry sleep
    skipped, in replay) would otherwise be active around them; an inner run against the fake
    Azure must wait out a retry as it does on the command line. No test here needs it itself."""


@pytest.fixture
def scratch_project(pytester: pytest.Pytester) -> Run:
    """A project of one recorded test in ``pytester.path``; returns a function that runs pytest
    there, in-process (``-s``: the test's prints reach the run's output)."""
    pytester.makepyfile(test_round_trip=ROUND_TRIP_TEST)
    pytester.makeconftest('pytest_plugins = ["azureml_obo_harness.recording.plugin"]\n')

    def run(*options: str) -> pytest.RunResult:
        return pytester.runpytest("-q", "-s", *INNER_RUN_OPTIONS, *options)

    return run


_RECORDED: dict[str, str] = {}
"""The scratch project's cassette as the first test that needed one recorded it, in this run."""


@pytest.fixture
def recorded_project(pytester: pytest.Pytester, scratch_project: Run) -> Run:
    """:func:`scratch_project` with its cassette recorded against the fake Azure: by this test's
    own inner run (``--azure=fake --record-mode=rewrite``) the first time a test asks, a copy of
    that recording after (a recording is the same whichever test makes it; the tests that take
    this one check what happens to a recorded cassette, and
    ``test_a_cassette_recorded_against_the_fake_azure_replays_offline`` records its own)."""
    cassette = pytester.path / CASSETTE
    if "text" not in _RECORDED:
        scratch_project("--azure=fake", "--record-mode=rewrite").assert_outcomes(passed=1)
        _RECORDED["text"] = cassette.read_text()
    else:
        cassette.parent.mkdir(parents=True, exist_ok=True)
        cassette.write_text(_RECORDED["text"])
    return scratch_project


def _edit_test(pytester: pytest.Pytester, edit: Callable[[str], str]) -> None:
    test_file = pytester.path / "test_round_trip.py"
    test_file.write_text(edit(test_file.read_text()))


def test_a_cassette_recorded_against_the_fake_azure_replays_offline(
    pytester: pytest.Pytester, scratch_project: Run
) -> None:
    record = scratch_project("--azure=fake", "--record-mode=rewrite")
    record.assert_outcomes(passed=1)
    cassette = pytester.path / CASSETTE
    assert scan_text(cassette.read_text()) == []
    replay = scratch_project("--block-network")
    replay.assert_outcomes(passed=1)
    recorded = [line for line in record.outlines if "VALUE-DIGEST" in line]
    replayed = [line for line in replay.outlines if "VALUE-DIGEST" in line]
    assert recorded == replayed and recorded


def test_a_failing_rewrite_keeps_the_previous_cassette(
    pytester: pytest.Pytester, recorded_project: Run
) -> None:
    cassette = pytester.path / CASSETTE
    before = cassette.read_text()
    _edit_test(
        pytester, lambda text: f"{text.rstrip()}\n    assert False, 'the code under test broke'\n"
    )
    rewrite = recorded_project("--azure=fake", "--record-mode=rewrite")
    rewrite.assert_outcomes(failed=1)
    rewrite.stdout.fnmatch_lines([f"cassette {cassette} was restored: the test did not pass*"])
    assert cassette.read_text() == before


def test_a_deleted_cassette_fails_its_test_with_the_record_command(scratch_project: Run) -> None:
    replay = scratch_project("--block-network")
    replay.assert_outcomes(errors=1)  # in its setup: the test itself never ran
    replay.stdout.fnmatch_lines([f"*{CASSETTE} does not exist; record it with:", f"  {RERECORD}"])
    assert "VALUE-DIGEST" not in replay.stdout.str()


def test_the_token_witness_reports_every_token_it_passes_on() -> None:
    seen: list[str] = []
    witness = TokenWitness(FakeCredential(), seen.append)
    token = witness.get_token("https://vault.azure.net/.default")
    info = witness.get_token_info("https://management.azure.com/.default")
    assert seen == [token.token, info.token]


def test_live_tokens_are_sanitized_and_known_to_the_scan() -> None:
    sanitizer = Sanitizer()
    sanitizer.remember_secret(REAL_JWT)
    text = sanitizer.text(f"note: {REAL_JWT}")
    assert REAL_JWT not in text
    assert REAL_JWT in sanitizer.real_values


def test_an_async_client_can_use_a_sync_credential_through_the_adapter() -> None:
    async def fetch() -> str:
        async with AsyncOverSync(FakeCredential()) as credential:
            token = await credential.get_token("https://vault.azure.net/.default")
        return token.token

    assert read_claims(asyncio.run(fetch()))["aud"] == "https://vault.azure.net"


def test_unplayed_recorded_interactions_fail_the_test(
    pytester: pytest.Pytester, recorded_project: Run
) -> None:
    _edit_test(
        pytester,
        lambda text: text.replace(
            "    secret = read_secret", "    return\n    secret = read_secret"
        ),
    )
    replay = recorded_project("--block-network")
    replay.assert_outcomes(passed=1, errors=1)  # the test body passes, its teardown fails it
    assert replay.ret == pytest.ExitCode.TESTS_FAILED
    replay.stdout.fnmatch_lines(
        [f"*2 recorded interaction(s) in *{CASSETTE} were not played*", f"  {RERECORD}"]
    )


def test_live_recording_without_a_workspace_stops_before_any_test(
    scratch_project: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_name = [name for names, _ in LIVE_VARIABLES for name in names]
    for name in every_name:
        monkeypatch.delenv(name, raising=False)
    live = scratch_project("--record-mode=once")
    assert live.ret == pytest.ExitCode.USAGE_ERROR
    live.stderr.fnmatch_lines(["*live recording (--record-mode other than none) needs a real*"])
    for name in every_name:
        assert name in live.stderr.str()
    assert "VALUE-DIGEST" not in live.stdout.str()


def _miss(recorded_uri: str, failed_uri: str, failed_matchers: list[tuple[str, str]]) -> Any:
    def request(uri: str) -> Any:
        return SimpleNamespace(method="GET", uri=uri, path=uri.split("?")[0].split(".net")[-1])

    return SimpleNamespace(
        failed_request=request(failed_uri),
        similar_requests=[(request(recorded_uri), [], failed_matchers)],
        reason="no_match",
        cassette=SimpleNamespace(_path="cassettes/x.yaml"),
    )


def test_a_miss_after_an_sdk_upgrade_says_the_api_version_changed() -> None:
    base = "https://fake-vault.vault.azure.net/secrets/s/?api-version="
    error = _miss(base + "2025-07-01", base + "2026-04-01", [("query_stable", "differs")])
    message = explain_miss(error, nodeid="tests/replay/test_x.py::test_y")
    assert "Replay miss in cassette cassettes/x.yaml: no recorded request matches." in message
    assert f"request:  GET {base}2026-04-01" in message
    assert f"closest:  GET {base}2025-07-01" in message
    assert "differs in query_stable: differs" in message
    assert "only the api-version differs" in message
    assert "pytest --azure=fake --record-mode=rewrite tests/replay/test_x.py::test_y" in message


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2] + "\n  - [unclosed",  # truncated mid-write
        lambda text: "interactions: 42\nversion: 1\n",  # valid YAML, not a cassette
    ],
    ids=["truncated", "wrong-shape"],
)
def test_a_broken_cassette_names_the_file_and_the_record_command(
    pytester: pytest.Pytester, recorded_project: Run, damage: Callable[[str], str]
) -> None:
    cassette = pytester.path / CASSETTE
    cassette.write_text(damage(cassette.read_text()))
    replay = recorded_project("--block-network")
    assert replay.ret == pytest.ExitCode.TESTS_FAILED
    assert f"cassette {cassette} cannot be read" in replay.stdout.str()
    assert RERECORD in replay.stdout.str()
    assert "VALUE-DIGEST" not in replay.stdout.str()


def test_two_tests_that_would_share_a_cassette_are_refused_before_any_runs(
    pytester: pytest.Pytester,
) -> None:
    for folder in ("a", "b"):
        package = pytester.mkpydir(folder)
        (package / "test_same.py").write_text(
            "import pytest\n\n@pytest.mark.vcr\ndef test_read():\n    print('RAN')\n"
        )
    result = pytester.runpytest("-q", "-s", *INNER_RUN_OPTIONS, "--block-network")
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # nothing ran
    assert "a/test_same.py::test_read and b/test_same.py::test_read" in result.stderr.str()
    assert "would share the cassette test_same.test_read.yaml" in result.stderr.str()
    assert "RAN" not in result.stdout.str()


def test_a_miss_is_explained_with_vcrpy_8s_error_too() -> None:
    # vcrpy 8, which Python 3.10 gets, puts neither similar_requests nor reason on the error.
    base = "https://fake-vault.vault.azure.net/secrets/s/?api-version="
    recorded = SimpleNamespace(method="GET", uri=base + "2025-07-01", path="/secrets/s/")
    cassette = SimpleNamespace(
        _path="cassettes/x.yaml",
        find_requests_with_most_matches=lambda request: [
            (recorded, [], [("query_stable", "differs")])
        ],
    )
    error = SimpleNamespace(
        failed_request=SimpleNamespace(method="GET", uri=base + "2026-04-01", path="/secrets/s/"),
        cassette=_Sized(cassette, 3),
    )
    message = explain_miss(error, nodeid="tests/replay/test_x.py::test_y")
    assert "no recorded request matches" in message
    assert "only the api-version differs" in message


class _Sized:
    def __init__(self, inner: Any, size: int) -> None:
        self._inner, self._size = inner, size

    def __len__(self) -> int:
        return self._size

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_real_replay_miss_reports_the_closest_request_and_the_command(
    pytester: pytest.Pytester, recorded_project: Run
) -> None:
    _edit_test(
        pytester,
        lambda text: text.replace("azure_coordinates.secret_name)", '"another-secret")'),
    )
    replay = recorded_project("--block-network")
    # The test fails on the miss; its teardown then reports the recorded requests left unplayed.
    replay.assert_outcomes(failed=1, errors=1)
    replay.stdout.fnmatch_lines(
        [
            "*Replay miss in cassette *test_round_trip.test_read.yaml: no recorded request matches.",
            "*request:  GET https://fake-vault.vault.azure.net/secrets/another-secret/*",
            "*closest:  GET https://fake-vault.vault.azure.net/secrets/fake-secret/*",
            f"*{RERECORD}",
        ]
    )
