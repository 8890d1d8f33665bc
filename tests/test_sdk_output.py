"""azure-ai-ml's bare colour reset after an upload stays out of the job's output, and only it."""

from __future__ import annotations

import sys

import pytest
from azureml_obo_harness.cloud import FakeAzure
from colorama import Fore

from obo_job.child_job import submit_child_job
from obo_job.sdk_output import without_sdk_colour_reset
from tests.cloud.conftest import allowed_hosts  # loopback only: the fake Azure
from tests.in_process import run_obo_job

__all__ = ["allowed_hosts"]


def test_the_sdks_colour_reset_print_is_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    with without_sdk_colour_reset():
        print(Fore.RESET + "\n", file=sys.stderr)  # what azure-ai-ml does after every upload
    assert capsys.readouterr().err == ""


def test_everything_else_on_stderr_passes_through(capsys: pytest.CaptureFixture[str]) -> None:
    with without_sdk_colour_reset():
        print("warning: something the user must see", file=sys.stderr)
        print(Fore.RESET + "coloured text ends here", file=sys.stderr)
        print("", file=sys.stderr)
    assert capsys.readouterr().err == (
        f"warning: something the user must see\n{Fore.RESET}coloured text ends here\n\n"
    )


def test_stderr_is_itself_again_after_the_block() -> None:
    before = sys.stderr
    with without_sdk_colour_reset():
        assert sys.stderr is not before
    assert sys.stderr is before


class _UploadingJobs:
    """``ml_client.jobs`` whose submission writes to stderr what azure-ai-ml's upload writes."""

    def get(self, name: str) -> object:
        from azure.core.exceptions import ResourceNotFoundError

        raise ResourceNotFoundError(f"{name} not found")

    def create_or_update(self, job: object) -> object:
        print("Uploading iris_training (0.0 MBs)", file=sys.stderr)
        print(Fore.RESET + "\n", file=sys.stderr)
        return job


def test_submitting_the_child_drops_the_reset_and_keeps_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from types import SimpleNamespace

    from obo_job.child_job import build_child_job
    from obo_job.settings import ChildJobSettings

    job = build_child_job(ChildJobSettings(parent_run_id="fake-parent-run"))
    submit_child_job(SimpleNamespace(jobs=_UploadingJobs()), job)  # type: ignore[arg-type]
    assert capsys.readouterr().err == "Uploading iris_training (0.0 MBs)\n"


def test_the_job_run_against_the_fake_azure_prints_no_escape_sequence(
    fake_azure_env: FakeAzure, capfd: pytest.CaptureFixture[str]
) -> None:
    # The real azure-ai-ml upload path, its print to sys.stderr included, the job's command line
    # in-process (capfd: what the process's stdout and stderr would show).
    result = run_obo_job([], fake_azure_env.environ(), capfd)

    assert result.status == 0, result.err
    assert fake_azure_env.uploaded_blobs()  # the code was uploaded, so the SDK did print
    assert "\x1b[" not in result.err + result.out
    assert "\n\n\n" not in result.err
