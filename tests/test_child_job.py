"""The child job: the sample's iris training job, named from the parent run, submitted once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from azure.ai.ml.entities import Command
from azure.core.exceptions import ResourceNotFoundError

from obo_job.child_job import (
    IRIS_CSV,
    TRAINING_CODE_DIR,
    build_child_job,
    child_job_name,
    child_job_yaml,
    submit_child_job,
)
from obo_job.settings import ChildJobSettings

JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")


def test_the_same_parent_run_always_gives_the_same_child_name() -> None:
    assert child_job_name("sharp_tomato_1a2b3c") == child_job_name("sharp_tomato_1a2b3c")
    assert child_job_name("sharp_tomato_1a2b3c") == "sharp_tomato_1a2b3c-iris"


def test_different_parent_runs_give_different_child_names() -> None:
    # "run.1" and "run/1" reduce to the same characters; the digest keeps them apart.
    names = {child_job_name(parent) for parent in ("run.1", "run/1", "run-1", "Run-1")}
    assert len(names) == 4


@pytest.mark.parametrize("parent", ["run.1", "a/b c", "_leading", "x" * 300, "é"])
def test_child_names_are_valid_job_names_whatever_the_parent_id(parent: str) -> None:
    assert JOB_NAME.match(child_job_name(parent))


def test_an_empty_parent_run_id_is_refused() -> None:
    with pytest.raises(ValueError, match="parent_run_id must be non-empty"):
        child_job_name("")


def test_child_job_is_the_samples_iris_training_job() -> None:
    settings = ChildJobSettings(parent_run_id="parent-7", starter_run_tag="mlflow-7")
    job = build_child_job(settings)
    assert isinstance(job, Command)
    assert job.name == "parent-7-iris"
    assert job.experiment_name == "obo-child-jobs"
    assert job.display_name == "sklearn-iris-example"
    assert job.compute == "cpu-cluster"
    assert job.environment == "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33"
    assert job.tags == {"starter_run": "mlflow-7"}
    assert Path(str(job.code)) == TRAINING_CODE_DIR
    inputs = yaml.safe_load(child_job_yaml(job))["inputs"]
    assert inputs["iris"] == {"type": "uri_file", "path": f"azureml:{IRIS_CSV}"}
    assert (inputs["C"], inputs["kernel"], inputs["coef0"]) == (0.8, "rbf", 0.1)
    for name in ("iris", "C", "kernel", "coef0"):
        assert f"${{{{inputs.{name}}}}}" in job.command


def test_without_an_mlflow_run_the_child_is_tagged_with_the_parent_run() -> None:
    job = build_child_job(ChildJobSettings(parent_run_id="parent-8"))
    assert job.tags == {"starter_run": "parent-8"}


def test_the_childs_training_code_is_its_own_folder_beside_the_obo_job() -> None:
    # In the repository that folder is src/iris_training; installed, it is a sibling package.
    import obo_job

    assert TRAINING_CODE_DIR.name == "iris_training"
    assert TRAINING_CODE_DIR.parent == Path(obo_job.__file__).resolve().parent.parent
    assert (TRAINING_CODE_DIR / "main.py").is_file()
    assert "__pycache__/" in (TRAINING_CODE_DIR / ".amlignore").read_text()


def test_missing_training_code_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="training code is missing"):
        build_child_job(ChildJobSettings(parent_run_id="p"), code_dir=tmp_path)


def test_the_dry_run_yaml_is_the_job_definition() -> None:
    job = build_child_job(ChildJobSettings(parent_run_id="parent-9", compute="gpu-cluster"))
    loaded = yaml.safe_load(child_job_yaml(job))
    assert loaded["type"] == "command"
    assert loaded["name"] == "parent-9-iris"
    assert loaded["compute"] == "azureml:gpu-cluster"
    assert loaded["inputs"]["kernel"] == "rbf"


@dataclass
class RecordingJobs:
    """A stand-in for ``MLClient.jobs``: a dict of jobs by name, and a log of the calls."""

    existing: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> Any:
        self.calls.append(("get", name))
        if name not in self.existing:
            raise ResourceNotFoundError(f"(UserError) Job {name} not found")
        return self.existing[name]

    def create_or_update(self, job: Command) -> Command:
        self.calls.append(("create_or_update", str(job.name)))
        self.existing[str(job.name)] = job
        return job


@dataclass
class RecordingMLClient:
    jobs: RecordingJobs = field(default_factory=RecordingJobs)


def test_a_new_child_is_submitted() -> None:
    client = RecordingMLClient()
    job = build_child_job(ChildJobSettings(parent_run_id="p1"))
    result = submit_child_job(client, job)  # type: ignore[arg-type]
    assert result.submitted is True
    assert client.jobs.calls == [("get", "p1-iris"), ("create_or_update", "p1-iris")]


def test_a_retried_parent_does_not_submit_its_child_twice() -> None:
    client = RecordingMLClient()
    job = build_child_job(ChildJobSettings(parent_run_id="p1"))
    submit_child_job(client, job)  # type: ignore[arg-type]
    again = submit_child_job(client, build_child_job(ChildJobSettings(parent_run_id="p1")))  # type: ignore[arg-type]
    assert again.submitted is False
    assert again.job is job
    assert [call for call in client.jobs.calls if call[0] == "create_or_update"] == [
        ("create_or_update", "p1-iris")
    ]
