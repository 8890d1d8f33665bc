"""The harness as an installed pytest plugin: a project with no conftest gets it all.

Each test builds a small project in a temporary folder and runs pytest there in a subprocess, with
this interpreter (where this project is installed, so its ``pytest11`` entry point is registered).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from azureml_obo_harness.scan import scan_text
from azureml_obo_harness.values import SECRET_VALUE

PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly")
READ_SECRET_TEST = """
import pytest
from obo_job.keyvault import read_secret

@pytest.mark.vcr
def test_read(azure_credential, azure_coordinates):
    secret = read_secret(azure_credential, azure_coordinates.vault_url, azure_coordinates.secret_name)
    assert secret.value
"""
CASSETTE = Path("cassettes") / "test_secret.test_read.yaml"


def run_pytest(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTEST, *options, "--rootdir", str(project)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=project,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of one recorded test and no conftest.py: only the installed plugin."""
    (tmp_path / "test_secret.py").write_text(textwrap.dedent(READ_SECRET_TEST))
    return tmp_path


def test_a_project_without_conftest_records_sanitized_and_replays_offline(project: Path) -> None:
    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")
    assert record.returncode == 0, record.stdout + record.stderr
    text = (project / CASSETTE).read_text()
    assert "Bearer sanitized" in text
    assert scan_text(text) == []

    replay = run_pytest(project, "--block-network")
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "1 passed" in replay.stdout


def test_the_plugin_wins_over_pytest_recording_even_when_registered_first(project: Path) -> None:
    # -p registers our entry point before pytest-recording's: its vcr_config would win if our
    # fixtures were registered with it; they are registered at configure time instead.
    record = run_pytest(
        project,
        "-p",
        "azureml_obo_harness.recording.plugin",
        "--azure=fake",
        "--record-mode=rewrite",
    )
    assert record.returncode == 0, record.stdout + record.stderr
    assert scan_text((project / CASSETTE).read_text()) == []


def test_a_leak_no_rule_catches_refuses_the_write(project: Path) -> None:
    # The test module overrides a fixture of the plugin: a "rule" that puts a real-looking token
    # back into the response. The scan must refuse the cassette.
    leaky_rule = """
@pytest.fixture
def extra_sanitizing_rules():
    def leak(interaction):
        interaction["response"]["headers"]["x-leak"] = ["Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"]
    return [leak]
"""
    test_file = project / "test_secret.py"
    test_file.write_text(test_file.read_text() + textwrap.dedent(leaky_rule))

    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")

    assert record.returncode == 1
    assert "refused to write cassette" in record.stdout
    assert not (project / CASSETTE).exists()


def test_the_cassette_folder_comes_from_the_option_or_obo_cassette_dir(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("output")
    record = run_pytest(
        project, "--azure=fake", "--record-mode=rewrite", f"--cassette-dir={elsewhere}"
    )
    assert record.returncode == 0, record.stdout + record.stderr
    assert (elsewhere / CASSETTE.name).is_file()
    assert not (project / "cassettes").exists()


def test_a_vcr_config_that_drops_the_harness_is_a_usage_error(project: Path) -> None:
    (project / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture\ndef vcr_config():\n    return {}\n"
    )
    record = run_pytest(project, "--azure=fake", "--record-mode=rewrite")
    assert record.returncode != 0
    assert "the harness's vcr_config fixture was not used" in record.stdout
    assert not (project / CASSETTE).exists()


def test_extra_fake_services_are_served_by_the_harness_fake_azure(project: Path) -> None:
    (project / "conftest.py").write_text(
        textwrap.dedent(
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
    )
    (project / "test_flags.py").write_text(
        textwrap.dedent(
            """
            import pytest
            import requests

            @pytest.mark.vcr
            def test_flag(fake_azure_session):
                url = "https://obo.flags.contoso.example/flags/feature-x"
                assert requests.get(url).json()["enabled"] is True
            """
        )
    )
    record = run_pytest(project, "test_flags.py", "--azure=fake", "--record-mode=rewrite")
    assert record.returncode == 0, record.stdout + record.stderr
    replay = run_pytest(project, "test_flags.py", "--block-network")
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert SECRET_VALUE not in (project / "cassettes" / "test_flags.test_flag.yaml").read_text()
