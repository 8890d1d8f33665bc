"""The harness as an installed pytest plugin: a project with no conftest gets it all.

Each test builds a small project with ``pytester`` and runs pytest on it in-process
(``pytester.runpytest``): a fresh configuration whose plugins are loaded from their entry points,
as ``pytest`` on the command line loads them, so ours comes from the ``pytest11`` entry point that
installing this project registers, not from a conftest. ``sys.modules`` and ``sys.path`` are
restored after each run. Recording reaches the inner run's fake Azure on loopback, which the outer
run's ``--block-network`` admits through ``allowed_hosts``. No test needs a process of its own
(see tests/test_recording.py: only the cassette on disk carries over from one run to the next).
"""

from __future__ import annotations

from typing import Any

import pytest
from azureml_obo_harness.scan import scan_text
from azureml_obo_harness.values import SECRET_VALUE, STORAGE_ACCOUNT_KEY, USER_DELEGATION_KEY

from tests.cloud.conftest import allowed_hosts  # loopback only: the inner runs' fake Azure
from tests.inner_runs import INNER_RUN_OPTIONS, preload_inner_run_imports

__all__ = ["allowed_hosts"]

OPTIONS = ("-q", *INNER_RUN_OPTIONS, "-p", "no:randomly")
READ_SECRET_TEST = """
from typing import Any

import pytest
from obo_job.keyvault import read_secret

@pytest.mark.vcr
def test_read(azure_credential, azure_coordinates):
    secret = read_secret(azure_credential, azure_coordinates.vault_url, azure_coordinates.secret_name)
    assert secret.value
"""
CASSETTE = "cassettes/test_secret.test_read.yaml"
CASSETTE_NAME = "test_secret.test_read.yaml"

preload_inner_run_imports()


@pytest.fixture
def _harness_isolation() -> None:
    """Overrides the suite-wide opt-in (tests/conftest.py) with nothing, as tests/inert does: the
    inner runs share this process, and the outer test's isolation (azure-core's retry sleep
    skipped, in replay) would otherwise be active around them; an inner run against the fake
    Azure must wait out a retry as it does on the command line. No test here needs it itself."""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project of one recorded test and no conftest.py: only the installed plugin."""
    pytester.makepyfile(test_secret=READ_SECRET_TEST)
    return pytester


def run_pytest(project: pytest.Pytester, *options: str) -> pytest.RunResult:
    return project.runpytest(*OPTIONS, *options)


def test_a_project_without_conftest_records_sanitized_and_replays_offline(
    project: pytest.Pytester,
) -> None:
    assert not (project.path / "conftest.py").exists()
    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")
    record.assert_outcomes(passed=1)
    text = (project.path / CASSETTE).read_text()
    assert "Bearer sanitized" in text
    assert scan_text(text) == []

    replay = run_pytest(project, "--block-network")
    replay.assert_outcomes(passed=1)
    replay.stdout.fnmatch_lines(["1 passed*"])


DELEGATION_SAS_TEST = """
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from typing import Any

import pytest
from azure.storage.blob import BlobClient, BlobServiceClient, generate_blob_sas

@pytest.mark.vcr
def test_child_sas(azure_credential, azure_coordinates):
    blob = urlsplit(azure_coordinates.blob_url)
    account = blob.hostname.split(".")[0]
    container, name = blob.path.lstrip("/").split("/", 1)
    now = datetime.now(timezone.utc)
    service = BlobServiceClient(f"https://{blob.hostname}", credential=azure_credential)
    key = service.get_user_delegation_key(now, now + timedelta(hours=1))
    sas = generate_blob_sas(
        account, container, name, user_delegation_key=key, permission="r",
        expiry=now + timedelta(minutes=30),
    )
    assert BlobClient.from_blob_url(f"{azure_coordinates.blob_url}?{sas}").download_blob().readall()
"""


def test_a_user_delegation_sas_records_with_the_fake_key_and_replays_offline(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_sas=DELEGATION_SAS_TEST)
    run_pytest(pytester, "--azure=fake", "--record-mode=rewrite").assert_outcomes(passed=1)
    text = (pytester.path / "cassettes/test_sas.test_child_sas.yaml").read_text()
    assert f"<Value>{USER_DELEGATION_KEY}</Value>" in text
    assert scan_text(text) == []

    run_pytest(pytester, "--block-network").assert_outcomes(passed=1)


ACCOUNT_KEY_TEST = """
from typing import Any

import pytest
from azure.ai.ml import MLClient
from azure.storage.blob import BlobClient

@pytest.mark.vcr
def test_key(azure_credential, azure_coordinates):
    c = azure_coordinates
    ml = MLClient(azure_credential, c.subscription_id, c.resource_group, c.workspace_name)
    store = ml.datastores.get("workspaceartifactstore", include_secrets=True)
    blob = BlobClient.from_blob_url(c.blob_url, credential=store.credentials.account_key)
    assert blob.download_blob().readall()
"""


def test_a_datastores_account_key_records_as_the_fake_key_and_signs_in_replay(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_key=ACCOUNT_KEY_TEST)
    run_pytest(pytester, "--azure=fake", "--record-mode=rewrite").assert_outcomes(passed=1)
    text = (pytester.path / "cassettes/test_key.test_key.yaml").read_text()
    assert STORAGE_ACCOUNT_KEY in text  # the listSecrets key: base64 the SDK can sign with
    assert scan_text(text) == []

    run_pytest(pytester, "--block-network").assert_outcomes(passed=1)


def test_the_plugin_wins_over_pytest_recording_even_when_registered_first(
    project: pytest.Pytester,
) -> None:
    # -p registers our entry point before pytest-recording's: its vcr_config would win if our
    # fixtures were registered with it; they are registered at configure time instead.
    record = run_pytest(
        project,
        "-p",
        "azureml_obo_harness.recording.plugin",
        "--azure=fake",
        "--record-mode=rewrite",
    )
    record.assert_outcomes(passed=1)
    text = (project.path / CASSETTE).read_text()
    assert "Bearer sanitized" in text
    assert scan_text(text) == []


def test_a_leak_no_rule_catches_refuses_the_write(project: pytest.Pytester) -> None:
    # The test module overrides a fixture of the plugin: a "rule" that puts a real-looking token
    # back into the response. The scan must refuse the cassette.
    leaky_rule = """
@pytest.fixture
def extra_sanitizing_rules():
    def leak(interaction):
        interaction["response"]["headers"]["x-leak"] = ["Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"]
    return [leak]
"""
    test_file = project.path / "test_secret.py"
    test_file.write_text(test_file.read_text() + leaky_rule)

    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")

    assert record.ret == pytest.ExitCode.TESTS_FAILED
    record.stdout.fnmatch_lines(["*refused to write cassette*"])
    assert not (project.path / CASSETTE).exists()


def test_the_cassette_folder_comes_from_the_option(
    project: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("output")
    record = run_pytest(
        project, "--azure=fake", "--record-mode=rewrite", f"--cassette-dir={elsewhere}"
    )
    record.assert_outcomes(passed=1)
    assert (elsewhere / CASSETTE_NAME).is_file()
    assert not (project.path / "cassettes").exists()


def test_the_cassette_folder_comes_from_obo_cassette_dir_without_the_option(
    project: pytest.Pytester,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    elsewhere = tmp_path_factory.mktemp("output")
    monkeypatch.setenv("OBO_CASSETTE_DIR", str(elsewhere))  # the name the README documents
    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")
    record.assert_outcomes(passed=1)
    assert (elsewhere / CASSETTE_NAME).is_file()
    assert not (project.path / "cassettes").exists()


def test_a_vcr_config_that_drops_the_harness_is_a_usage_error(project: pytest.Pytester) -> None:
    project.makeconftest("import pytest\n\n@pytest.fixture\ndef vcr_config():\n    return {}\n")
    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")
    assert record.ret != pytest.ExitCode.OK
    record.stdout.fnmatch_lines(["*the harness's vcr_config fixture was not used*"])
    assert not (project.path / CASSETTE).exists()


def test_extra_fake_services_are_served_by_the_harness_fake_azure(
    project: pytest.Pytester,
) -> None:
    project.makeconftest(
        """
        import pytest
        from azureml_obo_harness.cloud.custom import CustomService

        def get_flag(request, args):
            return {"flag": args["flag"], "enabled": True}

        @pytest.fixture(scope="session")
        def extra_fake_services():
            return [CustomService("flags", host="<team>.flags.contoso.example",
                                  routes={"GET /flags/<flag>": get_flag})]
        """
    )
    project.makepyfile(
        test_flags="""
        import pytest
        import requests

        @pytest.mark.vcr
        def test_flag(fake_azure_session):
            url = "https://obo.flags.contoso.example/flags/feature-x"
            assert requests.get(url).json()["enabled"] is True
        """
    )
    record = run_pytest(project, "test_flags.py", "--azure=fake", "--record-mode=rewrite")
    record.assert_outcomes(passed=1)
    replay = run_pytest(project, "test_flags.py", "--block-network")
    replay.assert_outcomes(passed=1)
    cassette = (project.path / "cassettes" / "test_flags.test_flag.yaml").read_text()
    assert "feature-x" in cassette
    assert SECRET_VALUE not in cassette


def test_a_harness_test_without_a_cassette_gets_its_settings_and_no_recording_context(
    request: pytest.FixtureRequest, replay_skipped_sleeps: list[float], vcr_config: dict[str, Any]
) -> None:
    """pytest-recording's ``--block-network`` reads ``vcr_config`` for every test. A test that uses
    the harness (here through ``replay_skipped_sleeps``) but has no cassette gets the settings
    alone: no sanitizer, no coordinates, nothing for a persister that never runs."""
    from azureml_obo_harness.recording.plugin import CONTEXT_KEY

    assert request.node.get_closest_marker("vcr") is None
    assert request.node.stash.get(CONTEXT_KEY, None) is None
    assert vcr_config["ignore_localhost"] is True
    assert vcr_config["allow_playback_repeats"] is False
