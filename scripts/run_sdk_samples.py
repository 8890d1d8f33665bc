"""Run the official Azure SDK samples, unchanged, against the fake Azure; print each one's result.

    python scripts/run_sdk_samples.py --download /tmp/sdk-samples     # fetch the sdists first
    python scripts/run_sdk_samples.py /tmp/sdk-samples/azure_keyvault_secrets-4.12.0/samples

Each sample file runs in its own process against its own fresh ``FakeAzure`` (every Key Vault
secret permission and the blob data roles granted to the fake user), with the fake's variables
(``HTTPS_PROXY``, the CA bundle, ``OBO_ENDPOINT``...) and the ones the samples read (``VAULT_URL``,
``AZURE_SUBSCRIPTION_ID``, ``RESOURCE_GROUP_NAME``, ``STORAGE_CONNECTION_STRING``...) set to the
fake's values (the storage account key is the fake's own, which its Blob service verifies). The credential is swapped by ``scripts/sample_credential/sitecustomize.py``, put
first on the samples' ``PYTHONPATH`` (read it for what it swaps and why). A sample passes when it
exits 0; otherwise the first line of its error is printed.

``--download DIR`` fetches the source distributions of the installed azure-keyvault-secrets,
azure-storage-blob and azure-ai-ml from the package index (``pip download --no-binary :all:``)
into DIR and unpacks them; their ``samples/`` folders are then run unless paths are given. The
samples are public code and are never committed. The default selection is the set the fake is
meant to pass: Key Vault secrets (all); Blob's hello world, authentication, containers, container
access policy, enumerate and walk-hierarchy samples (sync and async), client-side encryption and
network activity logging; azure-ai-ml's command, sweep, component and pipeline samples.

Left out, and why (as each fails against azure-storage-blob 12.31.1 and azure-ai-ml 1.35.2; name
a file to run it anyway):

- Blob ``service`` (sync and async): reads stats from the account's secondary endpoint, which the
  fake's account (LRS) does not have.
- Blob ``common`` (sync and async): takes snapshots, undeletes and batch-deletes blobs (the fake
  answers 501 and names Blob_CreateSnapshot), and copies from a web site.
- Blob ``copy_blob`` (sync and async): copies from www.gutenberg.org, which the fake does not hold.
- Blob ``batch_delete_blobs`` and ``query``: read local files (``./sample-blobs/``) the sdist does
  not ship; the first sends a batch request, the second a query, neither served.
- Blob ``proxy_configuration``: sends everything through a proxy at 10.10.1.10, by design
  unreachable here.
- Blob ``client_side_encryption_keyvault``: needs azure-keyvault-keys (not installed) and Key
  Vault keys, which the fake does not serve.
- azure-ai-ml ``compute``: creates, updates, starts, stops and deletes computes; the fake has
  Compute_Get and Compute_List only (its PUT is a 501 by name).
- azure-ai-ml ``misc``, ``workspace``, ``capability_host``, ``authentication`` and
  ``test_prepForSign``: load SDK-repository test configs (``tests/test_configs/...``,
  ``config.json``) the sdist does not ship; ``misc`` then creates batch endpoints and model
  packages, ``workspace`` updates workspaces (the fake has Workspaces_Get only), neither
  served.
- azure-ai-ml ``deployment_template`` and ``genAI_monitors_configuration``: registries'
  discovery and schedules, not served.
- azure-ai-ml ``input_output_configurations``, ``cloud_configurations``, ``spark_configurations``,
  ``automl_image``, ``automl_nlp`` and ``compliant_logger`` pass, but build entities offline and
  call the service once at most (``spark_configurations`` gets one compute): they test little of
  the fake. ``featurestore`` deploys an ARM template (Microsoft.Resources/deployments, not
  served); ``hello.py`` is a component's script, not a sample to run.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.ml import Workspace

SDISTS = ("azure-keyvault-secrets", "azure-storage-blob", "azure-ai-ml")
CREDENTIAL_SWAP = Path(__file__).parent / "sample_credential"
DEFAULT_SAMPLES = (
    "azure_keyvault_secrets-*/samples/*.py",
    "azure_storage_blob-*/samples/blob_samples_hello_world*.py",
    "azure_storage_blob-*/samples/blob_samples_authentication*.py",
    "azure_storage_blob-*/samples/blob_samples_containers*.py",
    "azure_storage_blob-*/samples/blob_samples_container_access_policy*.py",
    "azure_storage_blob-*/samples/blob_samples_enumerate_blobs*.py",
    "azure_storage_blob-*/samples/blob_samples_walk_blob_hierarchy*.py",
    "azure_storage_blob-*/samples/blob_samples_client_side_encryption.py",
    "azure_storage_blob-*/samples/blob_samples_network_activity_logging*.py",
    "azure_ai_ml-*/samples/ml_samples_command_configurations.py",
    "azure_ai_ml-*/samples/ml_samples_component_configurations.py",
    "azure_ai_ml-*/samples/ml_samples_pipeline_job_configurations.py",
    "azure_ai_ml-*/samples/ml_samples_sweep_configurations.py",
)
HELLO_COMPONENT = b"""\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: fake_azure_hello_component
display_name: Hello component
version: 0.0.1
inputs:
  component_in_number:
    type: number
    default: 1.5
    optional: true
  component_in_path:
    type: uri_folder
outputs:
  component_out_path:
    type: uri_folder
command: echo ${{inputs.component_in_path}} > ${{outputs.component_out_path}}/hello.txt
environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33
"""
"""A command component with the input and output names azure-ai-ml's component and pipeline
samples bind (the SDK repository's test config they load is not in the sdist; this one is ours)."""
SAMPLE_INPUTS = {
    "SampleSource.txt": b"Hello from the fake Azure's sample runner.\n",
    "sdk/ml/azure-ai-ml/tests/test_configs/components/helloworld_component.yml": HELLO_COMPONENT,
}
"""Files samples read (paths from the sample's folder) that the sdists do not ship."""
SAMPLE_WORKSPACES = ("test-ws1",)
"""Workspaces azure-ai-ml's samples name in their code (besides the fake's default one)."""


def download(folder: Path) -> None:
    """Fetch and unpack the sdists of the installed SDK versions into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in SDISTS]
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
    subprocess.run([*command, "--no-binary", ":all:", "-d", str(folder), *pins], check=True)
    for archive in folder.glob("*.tar.gz"):
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")


def samples(paths: Sequence[Path], folder: Path | None) -> Iterator[Path]:
    """The sample files: those given (files, or every ``*.py`` under a folder), else the defaults."""
    if paths:
        for path in paths:
            yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]
        return
    if folder is None:
        raise SystemExit("name sample files or folders, or give --download DIR")
    for pattern in DEFAULT_SAMPLES:
        yield from sorted(folder.glob(pattern))


def sample_environment(azure: FakeAzure) -> dict[str, str]:
    """The process environment of one sample: the fake's variables and the samples' own."""
    account = values.STORAGE_ACCOUNT
    env = dict(os.environ)
    env.update(azure.environ())
    env.update(
        {
            "FAKE_AZURE_SAMPLES": "1",
            "PYTHONPATH": os.pathsep.join(
                [str(CREDENTIAL_SWAP), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "VAULT_URL": values.VAULT_URL,
            "AZURE_SUBSCRIPTION_ID": values.SUBSCRIPTION_ID,
            "RESOURCE_GROUP_NAME": values.RESOURCE_GROUP,
            "AZURE_RESOURCE_GROUP": values.RESOURCE_GROUP,
            "WORKSPACE_NAME": values.WORKSPACE_NAME,
            "AZUREML_WORKSPACE_NAME": values.WORKSPACE_NAME,
            "STORAGE_ACCOUNT_NAME": account,
            "OAUTH_STORAGE_ACCOUNT_NAME": account,
            "STORAGE_ACCOUNT_KEY": azure.storage_account_key,
            "STORAGE_CONNECTION_STRING": azure.storage_connection_string,
            "STORAGE_CONNECTION_STRING_SOFT": azure.storage_connection_string,
            "AZURE_STORAGE_CONNECTION_STRING": azure.storage_connection_string,
            "AZURE_TENANT_ID": values.TENANT_ID,
            "AZURE_CLIENT_ID": values.CLIENT_APP_ID,
            "AZURE_CLIENT_SECRET": "fake-client-secret",
            "ACTIVE_DIRECTORY_TENANT_ID": values.TENANT_ID,
            "ACTIVE_DIRECTORY_APPLICATION_ID": values.CLIENT_APP_ID,
            "ACTIVE_DIRECTORY_APPLICATION_SECRET": "fake-client-secret",
        }
    )
    return env


def first_error_line(output: str) -> str:
    """The line that names the failure: the exception line of a traceback, else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in reversed(lines):
        head = line.split(":", 1)[0]
        if head.endswith(("Error", "Exception", "Exit")) and " " not in head:
            return line[:300]
    return lines[-1][:300] if lines else "(no output)"


def run_sample(sample: Path, *, timeout: float) -> tuple[bool, str]:
    """Run one sample against a fresh fake; (passed, what to print)."""
    with FakeAzure() as azure, tempfile.TemporaryDirectory(prefix="sdk-sample-") as workdir:
        azure.grant(azure.user.object_id, ["all"])
        azure.grant_storage(azure.user.object_id, ["read", "write", "delete"])
        for name in SAMPLE_WORKSPACES:
            azure.ml.add_workspace(Workspace(name=name))
        # A copy of the samples folder: samples write files next to themselves and import
        # their siblings.
        shutil.copytree(sample.parent, workdir, dirs_exist_ok=True)
        for name, content in SAMPLE_INPUTS.items():
            (Path(workdir) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(workdir) / name).write_bytes(content)
        try:
            done = subprocess.run(
                [sys.executable, sample.name],
                cwd=workdir,
                env=sample_environment(azure),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return False, f"did not finish in {timeout:g} s"
    if done.returncode == 0:
        return True, "passed"
    return False, first_error_line(done.stderr or done.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the samples; exit 1 if any failed."""
    parser = argparse.ArgumentParser(prog="scripts/run_sdk_samples.py", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="sample files or folders")
    parser.add_argument("--download", type=Path, metavar="DIR", help="fetch the sdists into DIR")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per sample")
    args = parser.parse_args(argv)
    if args.download is not None:
        download(args.download)
    results = []
    for sample in samples(args.paths, args.download):
        passed, what = run_sample(sample, timeout=args.timeout)
        results.append(passed)
        print(
            f"{'passed' if passed else 'FAILED'}  {sample.parent.parent.name}/{sample.name}"
            + ("" if passed else f": {what}"),
            flush=True,
        )
    print(f"{sum(results)}/{len(results)} samples passed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
