"""Settings: read from arguments and the job's environment, every problem reported at once."""

from __future__ import annotations

import pytest

from obo_job.settings import (
    DEFAULT_COMPUTE,
    DEFAULT_EXPERIMENT_NAME,
    SettingsError,
    check_vault_url,
    load_child_settings,
    load_settings,
)

AZUREML_ENV = {
    "AZUREML_ARM_SUBSCRIPTION": "00000000-0000-0000-0000-000000000000",
    "AZUREML_ARM_RESOURCEGROUP": "fake-rg",
    "AZUREML_ARM_WORKSPACE_NAME": "fake-ws",
    "AZUREML_RUN_ID": "sharp_tomato_1a2b3c",
    "MLFLOW_RUN_ID": "mlflow-run-7",
    "OBO_JOB_VAULT_URL": "https://fake-vault.vault.azure.net",
    "OBO_JOB_SECRET_NAME": "fake-secret",
}


def test_settings_come_from_the_variables_azureml_sets() -> None:
    settings = load_settings(environ=AZUREML_ENV)
    assert (settings.subscription_id, settings.resource_group, settings.workspace_name) == (
        "00000000-0000-0000-0000-000000000000",
        "fake-rg",
        "fake-ws",
    )
    assert settings.vault_url == "https://fake-vault.vault.azure.net"
    assert settings.secret_name == "fake-secret"
    assert settings.child.parent_run_id == "sharp_tomato_1a2b3c"
    assert settings.child.starter_run_tag == "mlflow-run-7"
    assert settings.child.compute == DEFAULT_COMPUTE
    assert settings.child.experiment_name == DEFAULT_EXPERIMENT_NAME


def test_outside_azureml_the_conventional_azure_variables_are_the_fallback() -> None:
    env = {
        "AZURE_SUBSCRIPTION_ID": "sub-from-azure-var",
        "AZURE_RESOURCE_GROUP": "rg-from-azure-var",
        "AZUREML_WORKSPACE_NAME": "ws-from-azure-var",
    }
    settings = load_settings(
        environ=env,
        vault_url="https://other-vault.vault.azure.net/",
        secret_name="s",
        parent_run_id="local-1",
    )
    assert settings.subscription_id == "sub-from-azure-var"
    assert settings.resource_group == "rg-from-azure-var"
    assert settings.workspace_name == "ws-from-azure-var"
    assert settings.vault_url == "https://other-vault.vault.azure.net"


def test_azureml_variables_win_over_the_conventional_ones() -> None:
    env = {**AZUREML_ENV, "AZURE_SUBSCRIPTION_ID": "should-not-be-used"}
    assert load_settings(environ=env).subscription_id == AZUREML_ENV["AZUREML_ARM_SUBSCRIPTION"]


def test_arguments_win_over_the_environment() -> None:
    settings = load_settings(environ=AZUREML_ENV, workspace_name="ws-from-arg", compute="gpu")
    assert settings.workspace_name == "ws-from-arg"
    assert settings.child.compute == "gpu"


def test_every_missing_setting_is_named_in_one_error_with_how_to_provide_it() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={})
    message = str(caught.value)
    assert len(caught.value.problems) == 6
    for hint in (
        "--subscription-id or set AZUREML_ARM_SUBSCRIPTION or set AZURE_SUBSCRIPTION_ID",
        "--resource-group or set AZUREML_ARM_RESOURCEGROUP",
        "--workspace-name or set AZUREML_ARM_WORKSPACE_NAME or set AZUREML_WORKSPACE_NAME",
        "--vault-url or set OBO_JOB_VAULT_URL",
        "--secret-name or set OBO_JOB_SECRET_NAME",
        "--parent-run-id or set AZUREML_RUN_ID or set MLFLOW_RUN_ID",
    ):
        assert hint in message


def test_blank_values_count_as_missing() -> None:
    env = {**AZUREML_ENV, "AZUREML_ARM_WORKSPACE_NAME": "   "}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env)
    assert caught.value.problems == [
        "missing workspace name: pass --workspace-name or set AZUREML_ARM_WORKSPACE_NAME "
        "or set AZUREML_WORKSPACE_NAME"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://fake-vault.vault.azure.net",
        "https://fake-vault.vault.azure.net/",
        "https://FAKE-Vault.Vault.Azure.Net",
        "https://fake-vault.vault.azure.cn",
        "https://fake-vault.vault.usgovcloudapi.net",
    ],
)
def test_key_vault_urls_of_every_azure_cloud_are_accepted(url: str) -> None:
    assert check_vault_url(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://fake-vault.vault.azure.net", "https://"),
        ("https://fake-vault.example.com", "must end with"),
        ("https://127.0.0.1:8443", "must end with"),
        ("https://fake-vault.vault.azure.net.evil.example", "must end with"),
        ("https://ab.vault.azure.net", "3-24"),
        ("https://-vault.vault.azure.net", "3-24"),
        ("https://fake--vault.vault.azure.net", "single hyphens"),
        ("https://fake-vault.vault.azure.net/secrets/x", "no port, path or query"),
        ("https://fake-vault.vault.azure.net:8443", "no port, path or query"),
        ("https://user:pw@fake-vault.vault.azure.net", "user name or password"),
        ("fake-vault", "https://"),
    ],
)
def test_anything_but_a_key_vault_url_is_rejected_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={**AZUREML_ENV, "OBO_JOB_VAULT_URL": url})
    (problem,) = caught.value.problems
    assert problem.startswith(f"invalid Key Vault URL {url!r}")
    assert reason in problem


def test_an_invalid_secret_name_is_rejected() -> None:
    with pytest.raises(SettingsError, match="secret names are 1-127 letters"):
        load_settings(environ={**AZUREML_ENV, "OBO_JOB_SECRET_NAME": "has space"})


def test_missing_and_invalid_settings_are_reported_together() -> None:
    env = {"OBO_JOB_VAULT_URL": "https://nope.example.com", "AZUREML_RUN_ID": "r"}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env)
    assert len(caught.value.problems) == 5  # sub, rg, ws, secret missing + vault invalid


def test_the_child_settings_need_only_the_parent_run() -> None:
    child = load_child_settings(environ={"MLFLOW_RUN_ID": "mlflow-run"})
    assert child.parent_run_id == "mlflow-run"
    with pytest.raises(SettingsError, match="missing parent run id"):
        load_child_settings(environ={})
