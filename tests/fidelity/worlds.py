"""The world each recording assumes, seeded explicitly on a fresh ``FakeAzure``.

Every recording starts from the fake's default world (workspace ``fake-ws`` with compute
``cpu-cluster`` and storage account ``fakestorage``, vault ``fake-vault``); a recording made in a
richer world (a compute it submits to, a code version it finds by hash, secrets a listing pages
through) gets those things here, each named after what the recording shows. The recorded principal
had every permission the operations needed, so the fake's user is granted them all.
"""

from __future__ import annotations

from collections.abc import Callable

from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure

SECRET_PERMISSIONS = ["get", "list", "set", "delete", "recover", "backup", "restore", "purge"]
BLOB_DATA_ACTIONS = ["read", "write", "delete"]
SWEEP_CODE = "00000000-0000-0000-0000-000000000104"
"""The code version the sweep recording finds by hash (its name, as sanitized)."""
COMMAND_JOB_INPUT = "LocalUpload/00000000000000000000000000000000/data/sample1.csv"
"""The data file the command-job recording finds uploaded already (HEAD 200)."""


def _principal_with_every_permission(azure: FakeAzure) -> None:
    azure.grant(azure.user.object_id, SECRET_PERMISSIONS)
    azure.grant_storage(azure.user.object_id, BLOB_DATA_ACTIONS)


def keyvault_settling(azure: FakeAzure) -> None:
    """A delete or recover takes a moment: the recording's next read of the secret answers 404
    once, then the secret (one poll in the recording, so one unsettled read)."""
    azure.keyvault.settle_reads = 1


def keyvault_secret_list(azure: FakeAzure) -> None:
    """A vault holding other tests' secrets (more than a page) and two deleted secrets with
    content type, tags, nbf/exp, disabled, as the recorded listing shows."""
    for number in range(30):
        azure.set_secret(f"livekvtestother{number:02d}", f"value{number}")
    for name, expires in (
        ("livekvtestcrud-secret1", 2524723200),
        ("livekvtestcrud-secret2", 2527401600),
    ):
        azure.keyvault.set_secret(
            values.VAULT_NAME,
            name,
            "secret-value",
            content_type="text/plain",
            tags={"foo": "updated tag"},
            enabled=False,
            not_before=1422864000,
            expires=expires,
        )
        azure.keyvault.delete_secret(values.VAULT_NAME, name)


def ml_sweep_job_with_code(azure: FakeAzure) -> None:
    """Compute ``testCompute``, and a code version registered earlier with the hash the
    recording lists by (36 zeros: the recorder's placeholder)."""
    azure.add_compute("testCompute")
    azure.ml.put_code(
        azure.workspace,
        SWEEP_CODE,
        "1",
        {
            "codeUri": f"https://{values.STORAGE_ACCOUNT}.blob.core.windows.net:443/"
            f"{values.WORKSPACE_ID}-code/",
            "isAnonymous": True,
            "properties": {"hash_sha256": "0" * 36, "hash_version": "202208"},
        },
        values.DEFAULT_USER.name,
    )


def ml_command_job_with_dataset(azure: FakeAzure) -> None:
    """Compute ``testCompute``; the local data file uploaded to the default datastore before."""
    azure.add_compute("testCompute")
    workspace = azure.workspace
    azure.blob.put_blob(
        workspace.storage_account,
        workspace.datastore_container,
        COMMAND_JOB_INPUT,
        b"a,b\n1,2\n",
        content_type="text/csv",
    )


def ml_environment_get(azure: FakeAzure) -> None:
    """The curated environment ``AzureML-sklearn-1.0-ubuntu20.04-py38-cpu`` version 1."""
    from azureml_obo_harness.cloud.ml.assets import AssetVersion

    name = "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu"
    azure.workspace.assets[("environments", name, "1")] = AssetVersion(
        kind="environments",
        name=name,
        version="1",
        properties={
            "description": "An environment for tasks such as regression with Scikit-learn.",
            "tags": {"Scikit-learn": "1.0", "OS": "Ubuntu20.04", "Preview": ""},
            "environmentType": "Curated",
            "osType": "Linux",
        },
        created_at="2021-12-15T01:34:25.555093+00:00",
        created_by="Microsoft",
    )


PIPELINE_JOB = "test_680454434153"
"""The pipeline of the children recording (two inline command nodes, anonymous components)."""
PIPELINE_COMPONENTS = {
    "hello_world_inline_commandjob_1": "00000000-0000-0000-0000-000000000101",
    "hello_world_inline_commandjob_2": "00000000-0000-0000-0000-000000000102",
}
"""Each node's anonymous component version (its GUID, as sanitized)."""


def ml_pipeline_job_children(azure: FakeAzure) -> None:
    """The recorded pipeline, submitted as the SDK submitted it (its nodes' anonymous components
    registered first, spec version 1), run to its end and failed, as it did: its steps failed
    with run history's error and a warning from the compute (whose ``source`` the test proxy
    replaced with ``Sanitized``)."""
    from azureml_obo_harness.cloud.ml.assets import AssetVersion

    workspace = azure.workspace
    for version in PIPELINE_COMPONENTS.values():
        azure.workspace.assets[("components", "azureml_anonymous", version)] = AssetVersion(
            kind="components",
            name="azureml_anonymous",
            version=version,
            properties={"isAnonymous": True, "componentSpec": {"type": "command", "version": "1"}},
            created_at="2026-02-27T20:29:50.000000+00:00",
            created_by=values.DEFAULT_USER.name,
        )
    azure.fail_job(
        PIPELINE_JOB,
        code="UserError",
        message="Error Code: ScriptExecution.StreamAccess.Authentication",
        warnings=[("AzureMLCompute", "AzureMLCompute job failed")],
    )
    compute = f"{workspace.arm_id}/computes/{values.COMPUTE_NAME}"
    components = f"{workspace.arm_id}/components/azureml_anonymous/versions"
    outputs = {
        "component_out_path_1": {"value": "${{parent.outputs.job_out_path_1}}", "type": "literal"}
    }
    azure.ml.put_job(
        workspace,
        PIPELINE_JOB,
        {
            "description": "The hello world pipeline job with inline command job having inputs",
            "tags": {"tag": "tagvalue", "owner": "sdkteam"},
            "displayName": PIPELINE_JOB,
            "experimentName": "azure-ai-ml",
            "jobType": "Pipeline",
            "computeId": compute,
            "settings": {"_source": "YAML.JOB"},
            "jobs": {
                node: {
                    "name": node,
                    "type": "command",
                    "computeId": compute,
                    **({"outputs": outputs} if node.endswith("_1") else {}),
                    "_source": "YAML.JOB",
                    "componentId": f"{components}/{version}",
                }
                for node, version in PIPELINE_COMPONENTS.items()
            },
            "inputs": None,
            "outputs": {
                "job_out_path_1": {
                    **dict.fromkeys(("description", "uri", "assetName", "assetVersion")),
                    "mode": "ReadWriteMount",
                    "pathOnCompute": None,
                    "autoDeleteSetting": None,
                    "jobOutputType": "uri_folder",
                }
            },
        },
        values.DEFAULT_USER.name,
    )
    azure.advance_jobs()


WORLDS: dict[str, Callable[[FakeAzure], None]] = {
    "keyvault-secret-crud.json": keyvault_settling,
    "keyvault-secret-backup-restore.json": keyvault_settling,
    "keyvault-secret-recover-2016-10-01.json": keyvault_settling,
    "keyvault-secret-list.json": keyvault_secret_list,
    "ml-sweep-job-with-code.json": ml_sweep_job_with_code,
    "ml-command-job-with-dataset.json": ml_command_job_with_dataset,
    "ml-environment-get.json": ml_environment_get,
    "ml-pipeline-job-children.json": ml_pipeline_job_children,
}


def seed(recording: str, azure: FakeAzure) -> None:
    """Seed the world ``recording`` assumes: every permission, plus its own additions."""
    _principal_with_every_permission(azure)
    world = WORLDS.get(recording)
    if world is not None:
        world(azure)
