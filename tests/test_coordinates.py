"""One precedence for the coordinates: the job and the harness read the same variables in the same
order, the order the README's settings table gives.

The two implementations cannot share code (production code never imports the harness, and the
harness never imports the job), so this test is what keeps them one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from azureml_obo_harness.recording.coordinates import (
    BLOB_VARIABLE,
    COORDINATE_VARIABLES,
    AzureCoordinates,
    live_coordinates,
)

from obo_job import settings as job_settings

ROOT = Path(__file__).resolve().parent.parent
JOB_SETTING = {
    "subscription_id": job_settings.SUBSCRIPTION,
    "resource_group": job_settings.RESOURCE_GROUP,
    "workspace_name": job_settings.WORKSPACE,
    "vault_url": job_settings.VAULT_URL,
    "secret_name": job_settings.SECRET_NAME,
}
VALID = {
    "subscription_id": "00000000-0000-0000-0000-00000000000{}",
    "resource_group": "rg-{}",
    "workspace_name": "ws-{}",
    "vault_url": "https://vault{}.vault.azure.net",
    "secret_name": "secret-{}",
}


def _readme_variables(setting: str) -> tuple[str, ...]:
    """The environment column of the README's settings row for ``setting``."""
    readme = (ROOT / "README.md").read_text()
    [row] = [line for line in readme.splitlines() if line.startswith(f"| {setting} |")]
    return tuple(re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[3]))


@pytest.mark.parametrize("field", sorted(COORDINATE_VARIABLES))
def test_the_job_and_the_harness_read_the_same_variables_in_the_same_order(field: str) -> None:
    harness_names, _ = COORDINATE_VARIABLES[field]
    assert JOB_SETTING[field].env_vars == harness_names


@pytest.mark.parametrize(
    ("field", "readme_row"),
    [
        ("subscription_id", "subscription"),
        ("resource_group", "resource group"),
        ("workspace_name", "workspace"),
        ("vault_url", "Key Vault URL"),
        ("secret_name", "secret name"),
    ],
)
def test_the_readmes_settings_table_gives_that_order(field: str, readme_row: str) -> None:
    assert _readme_variables(readme_row) == COORDINATE_VARIABLES[field][0]


def test_with_every_variable_set_both_pick_the_same_workspace_vault_and_secret() -> None:
    environ = {
        name: VALID[field].format(position)
        for field, (names, _) in COORDINATE_VARIABLES.items()
        for position, name in enumerate(names, start=1)
    }
    environ["AZUREML_RUN_ID"] = "parent-run"
    environ[BLOB_VARIABLE] = "https://account.blob.core.windows.net/container/blob.csv"

    job = job_settings.load_settings(environ=environ)
    harness = live_coordinates(environ)

    assert isinstance(harness, AzureCoordinates)
    for field in COORDINATE_VARIABLES:
        assert getattr(harness, field) == getattr(job, field) == VALID[field].format(1)
    assert harness.blob_url == job.blob_url


def test_a_missing_coordinate_is_named_with_every_variable_that_provides_it() -> None:
    missing = live_coordinates({"OBO_JOB_VAULT_URL": "https://v.vault.azure.net"})
    assert isinstance(missing, list)
    assert (
        "AZUREML_ARM_SUBSCRIPTION or AZURE_SUBSCRIPTION_ID (subscription id of the workspace)"
        in (missing)
    )
    assert not any("OBO_JOB_VAULT_URL" in line for line in missing)
