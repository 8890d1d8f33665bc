"""record.job.yaml submitted to the fake Azure by the real MLClient: code, environment, job.

The job's code is the repository root (``code: .``), uploaded as ``.amlignore`` says. The test
submits it from a copy of the checkout's sources, planted with one file in every place the upload
must leave out (the checkout's own ``.venv/`` and ``.tox/`` hold ~100,000 files that azure-ai-ml
walks one by one before excluding them: 14 s of a test that proves nothing more with them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from azure.ai.ml import MLClient, load_job
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential
from azureml_obo_harness.values import RESOURCE_GROUP, SUBSCRIPTION_ID, WORKSPACE_NAME

ROOT = Path(__file__).resolve().parents[2]
# What a checkout holds besides its sources, which the copy leaves out and plants instead.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".tox", ".*_cache", ".hypothesis", "__pycache__", "*.egg-info", "build", "dist"
)
# One file in each place the recording job must not upload: what a checkout holds besides its
# sources (VCS, venvs, caches, builds), the bench, and the cassettes it records afresh.
PLANTED = (
    ".git/HEAD",
    ".github/workflows/newest.yml",
    ".venv/pyvenv.cfg",
    ".tox/py311/pyvenv.cfg",
    ".mypy_cache/3.11/x.json",
    ".ruff_cache/CACHEDIR.TAG",
    ".pytest_cache/README.md",
    ".hypothesis/examples/x",
    "fakes/src/azureml_obo_harness/__pycache__/plugin.cpython-311.pyc",
    "src/obo_job/stray.pyc",
    "fakes/src/azureml_obo_harness.egg-info/PKG-INFO",
    "build/lib/x.py",
    "fakes/build/lib/x.py",
    "dist/x.whl",
    "bench/x.py",
    "cassettes/x.yaml",
)


def _checkout(folder: Path) -> Path:
    """A copy of this checkout's sources, planted with every file the upload must leave out."""
    shutil.copytree(ROOT, folder, ignore=NOT_COPIED)
    for name in PLANTED:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("planted\n")
    return folder


def test_the_recording_job_is_accepted_by_the_workspace(
    fake_azure_env: FakeAzure, tmp_path: Path
) -> None:
    checkout = _checkout(tmp_path / "checkout")
    client = MLClient(FakeCredential(), SUBSCRIPTION_ID, RESOURCE_GROUP, WORKSPACE_NAME)

    submitted = client.jobs.create_or_update(load_job(checkout / "record.job.yaml"))

    [job] = fake_azure_env.jobs
    assert submitted.name == job.name
    assert job.properties["identity"]["identityType"] == "UserIdentity"
    assert job.properties["outputs"]["cassettes"]["jobOutputType"] == "uri_folder"
    uploaded = {blob.name.split("/", 1)[1] for blob in fake_azure_env.uploaded_blobs()}
    assert {
        "pyproject.toml",
        "fakes/pyproject.toml",
        "fakes/src/azureml_obo_harness/recording/plugin.py",
        "src/obo_job/cli.py",
        "tests/replay/test_blob_replay.py",
        "environment/conda.yaml",
    } <= uploaded
    assert not uploaded & set(PLANTED), sorted(uploaded & set(PLANTED))
