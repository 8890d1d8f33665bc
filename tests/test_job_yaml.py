"""job.yaml: the outer job runs the OBO job with the submitting user's identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.ai.ml import load_job
from azure.ai.ml.entities import Command, UserIdentityConfiguration

ROOT = Path(__file__).resolve().parent.parent


def test_job_yaml_is_a_user_identity_command_job_running_the_obo_job() -> None:
    job = load_job(ROOT / "job.yaml")
    assert isinstance(job, Command)  # load_job gives the builder node for a command job
    assert isinstance(job.identity, UserIdentityConfiguration)
    assert (ROOT / str(job.code)).resolve() == ROOT / "src"
    assert job.command.startswith("python -m obo_job ")
    for name in ("vault_url", "secret_name", "child_compute"):
        assert f"${{{{inputs.{name}}}}}" in job.command
        assert name in job.inputs
    assert job.compute == "cpu-cluster"


def test_job_yaml_environment_installs_the_runtime_dependencies() -> None:
    job = load_job(ROOT / "job.yaml")
    assert job.environment.image
    conda = job.environment.conda_file
    pip_deps = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict))
    for package in ("azure-ai-ml", "azure-identity", "azure-core", "azure-keyvault-secrets"):
        assert any(dep.startswith(package + ">=") for dep in pip_deps), package


def test_an_invalid_job_file_is_one_line_per_problem(tmp_path: Path) -> None:
    from azureml_obo_harness.job_files import JobFileInvalid, load_job_file

    text = (ROOT / "job.yaml").read_text().replace("type: user_identity", "type: somebody")
    (tmp_path / "job.yaml").write_text(text)
    with pytest.raises(JobFileInvalid) as caught:
        load_job_file(tmp_path / "job.yaml")
    assert str(caught.value).startswith(f"{tmp_path / 'job.yaml'} is not a valid AzureML job file:")
    assert (
        "identity.type: Value 'somebody' passed is not in set ['user_identity']"
        in caught.value.problems
    )
    assert all("{" not in problem for problem in caught.value.problems)


def test_an_input_without_a_value_names_the_input(tmp_path: Path) -> None:
    # the SDK's record of it is {"inputs": {"x": {"value": ["Field may not be null."]}}}: the
    # field is named "value", like the key of the SDK's own error records around it
    from azureml_obo_harness.job_files import JobFileInvalid, load_job_file

    (tmp_path / "job.yaml").write_text(
        "command: echo ${{inputs.threshold}}\n"
        "environment: azureml:AzureML-sklearn-1.5@latest\n"
        "compute: azureml:cpu-cluster\n"
        "inputs:\n"
        "  threshold: null\n"
    )
    with pytest.raises(JobFileInvalid) as caught:
        load_job_file(tmp_path / "job.yaml")
    assert caught.value.problems == ["inputs.threshold.value: Field may not be null."]


def _problems_of_input(tmp_path: Path, threshold: str) -> list[str]:
    from azureml_obo_harness.job_files import JobFileInvalid, load_job_file

    (tmp_path / "job.yaml").write_text(
        "command: echo ${{inputs.threshold}}\n"
        "environment: azureml:AzureML-sklearn-1.5@latest\n"
        "compute: azureml:cpu-cluster\n"
        f"inputs:\n  threshold:\n{threshold}"
    )
    with pytest.raises(JobFileInvalid) as caught:
        load_job_file(tmp_path / "job.yaml")
    return caught.value.problems


def test_of_the_forms_an_input_may_take_the_one_it_got_furthest_in_is_named(
    tmp_path: Path,
) -> None:
    # The SDK tries every form (a file, a model, a table, a literal, a number...) and reports
    # each; only the literal form got as far as the value itself.
    assert _problems_of_input(tmp_path, "    value: null\n") == [
        "inputs.threshold.value.value: Field may not be null."
    ]
    assert _problems_of_input(tmp_path, "    type: number\n    value: null\n") == [
        "inputs.threshold.value.value: Field may not be null.",
        "inputs.threshold.value.type: Unknown field.",  # a literal input has no type
    ]


def test_an_input_no_form_takes_names_every_form_it_is_not(tmp_path: Path) -> None:
    problems = _problems_of_input(tmp_path, "    type: number\n    value: 0.5\n")
    assert (
        "inputs.threshold.value.type: Value 'number' passed is not in set ['uri_file', 'uri_folder']"
        in problems
    )
    assert "inputs.threshold.value.null: Not a valid number." in problems
    assert "inputs.threshold.value.type: Unknown field." in problems  # nothing left out
