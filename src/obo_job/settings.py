"""What the OBO job needs to know, read from its arguments and the job's environment.

AzureML sets ``AZUREML_ARM_SUBSCRIPTION``, ``AZUREML_ARM_RESOURCEGROUP`` and
``AZUREML_ARM_WORKSPACE_NAME`` inside a job; outside AzureML the conventional ``AZURE_*`` names are
the fallback. Every missing or invalid setting is reported at once, in one :class:`SettingsError`,
with how to provide it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

# The Key Vault DNS suffix of each Azure cloud (public, China, US Government).
VAULT_DNS_SUFFIXES = (".vault.azure.net", ".vault.azure.cn", ".vault.usgovcloudapi.net")
# Vault names: 3-24 characters, letters, digits and hyphens, starting with a letter, ending with a
# letter or digit, no two hyphens in a row.
_VAULT_NAME = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")
# Secret names: 1-127 letters, digits and hyphens.
_SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
# The Blob DNS suffix of each Azure cloud (public, China, US Government).
BLOB_DNS_SUFFIXES = (
    ".blob.core.windows.net",
    ".blob.core.chinacloudapi.cn",
    ".blob.core.usgovcloudapi.net",
)

DEFAULT_COMPUTE = "cpu-cluster"
DEFAULT_EXPERIMENT_NAME = "obo-child-jobs"
DEFAULT_CHILD_ENVIRONMENT = "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33"


@dataclass(frozen=True)
class Setting:
    """One setting: where it comes from, in order of precedence."""

    name: str
    option: str | None
    env_vars: tuple[str, ...]

    def how_to_provide(self) -> str:
        ways = [f"pass {self.option}"] if self.option else []
        ways += [f"set {var}" for var in self.env_vars]
        return " or ".join(ways)


SUBSCRIPTION = Setting(
    "subscription id", "--subscription-id", ("AZUREML_ARM_SUBSCRIPTION", "AZURE_SUBSCRIPTION_ID")
)
RESOURCE_GROUP = Setting(
    "resource group", "--resource-group", ("AZUREML_ARM_RESOURCEGROUP", "AZURE_RESOURCE_GROUP")
)
WORKSPACE = Setting(
    "workspace name", "--workspace-name", ("AZUREML_ARM_WORKSPACE_NAME", "AZUREML_WORKSPACE_NAME")
)
VAULT_URL = Setting("Key Vault URL", "--vault-url", ("OBO_JOB_VAULT_URL",))
SECRET_NAME = Setting("secret name", "--secret-name", ("OBO_JOB_SECRET_NAME",))
# Environment only for now: an AzureML job sets it in job.yaml's environment_variables.
BLOB_URL = Setting("blob URL", "--blob-url", ("OBO_JOB_BLOB_URL",))
PARENT_RUN = Setting("parent run id", "--parent-run-id", ("AZUREML_RUN_ID", "MLFLOW_RUN_ID"))
COMPUTE = Setting("child compute", "--compute", ("OBO_JOB_COMPUTE",))
EXPERIMENT = Setting("child experiment name", "--experiment-name", ("OBO_JOB_EXPERIMENT_NAME",))
CHILD_ENVIRONMENT = Setting(
    "child environment", "--child-environment", ("OBO_JOB_CHILD_ENVIRONMENT",)
)


class SettingsError(ValueError):
    """Some settings are missing or invalid; ``problems`` has one line for each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the OBO job is not configured:\n" + "\n".join(f"  - {problem}" for problem in problems)
        )


@dataclass(frozen=True)
class ChildJobSettings:
    """What the child job's definition needs: no Azure coordinates, so a dry run works anywhere."""

    parent_run_id: str
    compute: str = DEFAULT_COMPUTE
    experiment_name: str = DEFAULT_EXPERIMENT_NAME
    environment: str = DEFAULT_CHILD_ENVIRONMENT
    starter_run_tag: str | None = None
    """The parent's ``MLFLOW_RUN_ID``, tagged on the child as ``starter_run`` like the original sample."""


@dataclass(frozen=True)
class Settings:
    """Everything a real run needs: the workspace, the vault and secret, and the child job."""

    subscription_id: str
    resource_group: str
    workspace_name: str
    vault_url: str
    secret_name: str
    child: ChildJobSettings
    blob_url: str | None = None
    """A blob to read as the user (optional): ``https://<account>.blob.core.windows.net/<c>/<b>``."""


def _first(setting: Setting, given: str | None, environ: Mapping[str, str]) -> str | None:
    if given is not None and given.strip():
        return given.strip()
    for var in setting.env_vars:
        value = environ.get(var, "").strip()
        if value:
            return value
    return None


def check_vault_url(url: str) -> str | None:
    """Return why ``url`` is not a Key Vault URL (``https://<name>.vault.azure.net``), or None if it is."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    suffix = next((s for s in VAULT_DNS_SUFFIXES if host.endswith(s)), None)
    if parts.scheme != "https":
        return "it must start with https://"
    if suffix is None:
        return f"its host must end with one of {', '.join(VAULT_DNS_SUFFIXES)}"
    if not _VAULT_NAME.match(host[: -len(suffix)]):
        return (
            "the vault name must be 3-24 letters, digits and single hyphens, "
            "starting with a letter and ending with a letter or digit"
        )
    if parts.port is not None or parts.path not in ("", "/") or parts.query or parts.fragment:
        return "it must be the vault's address only, with no port, path or query"
    if parts.username or parts.password:
        return "it must not carry a user name or password"
    return None


def check_blob_url(url: str) -> str | None:
    """Return why ``url`` is not a blob's URL (``https://<account>.blob.core.windows.net/<container>/<blob>``
    without a SAS), or None if it is."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return "it must start with https://"
    if not host.endswith(BLOB_DNS_SUFFIXES):
        return f"its host must end with one of {', '.join(BLOB_DNS_SUFFIXES)}"
    container, _, blob = parts.path.lstrip("/").partition("/")
    if not container or not blob:
        return "its path must name a container and a blob, /<container>/<blob>"
    if parts.query or parts.fragment or parts.username or parts.password:
        # A SAS would bypass the user's own permissions and end up in logs.
        return "it must not carry a query (no SAS: the blob is read with the user's own token)"
    return None


def load_child_settings(
    *,
    environ: Mapping[str, str],
    parent_run_id: str | None = None,
    compute: str | None = None,
    experiment_name: str | None = None,
    environment: str | None = None,
) -> ChildJobSettings:
    """Read the child job's settings; raises :class:`SettingsError` when the parent run is unknown."""
    problems: list[str] = []
    child = _child_settings(environ, parent_run_id, compute, experiment_name, environment, problems)
    if child is None:
        raise SettingsError(problems)
    return child


def _child_settings(
    environ: Mapping[str, str],
    parent_run_id: str | None,
    compute: str | None,
    experiment_name: str | None,
    environment: str | None,
    problems: list[str],
) -> ChildJobSettings | None:
    parent = _first(PARENT_RUN, parent_run_id, environ)
    if parent is None:
        problems.append(
            f"missing {PARENT_RUN.name} (names the child job, so a retried parent does not submit "
            f"a duplicate): {PARENT_RUN.how_to_provide()}"
        )
        return None
    return ChildJobSettings(
        parent_run_id=parent,
        compute=_first(COMPUTE, compute, environ) or DEFAULT_COMPUTE,
        experiment_name=_first(EXPERIMENT, experiment_name, environ) or DEFAULT_EXPERIMENT_NAME,
        environment=_first(CHILD_ENVIRONMENT, environment, environ) or DEFAULT_CHILD_ENVIRONMENT,
        starter_run_tag=environ.get("MLFLOW_RUN_ID") or None,
    )


def load_settings(
    *,
    environ: Mapping[str, str],
    subscription_id: str | None = None,
    resource_group: str | None = None,
    workspace_name: str | None = None,
    vault_url: str | None = None,
    secret_name: str | None = None,
    parent_run_id: str | None = None,
    compute: str | None = None,
    experiment_name: str | None = None,
    environment: str | None = None,
    blob_url: str | None = None,
) -> Settings:
    """Read every setting from the given values, falling back to ``environ``.

    Raises :class:`SettingsError` naming every missing setting (with the option and the environment
    variables that provide it) and every invalid one (a vault URL that is not a Key Vault's, a blob
    URL that is not a blob's). The blob URL is optional.
    """
    problems: list[str] = []
    found: dict[Setting, str | None] = {}
    for setting, given in (
        (SUBSCRIPTION, subscription_id),
        (RESOURCE_GROUP, resource_group),
        (WORKSPACE, workspace_name),
        (VAULT_URL, vault_url),
        (SECRET_NAME, secret_name),
    ):
        found[setting] = _first(setting, given, environ)
        if found[setting] is None:
            problems.append(f"missing {setting.name}: {setting.how_to_provide()}")
    url = found[VAULT_URL]
    if url is not None:
        reason = check_vault_url(url)
        if reason:
            problems.append(
                f"invalid {VAULT_URL.name} {url!r}: {reason} (for example "
                "https://my-vault.vault.azure.net)"
            )
    name = found[SECRET_NAME]
    if name is not None and not _SECRET_NAME.match(name):
        problems.append(
            f"invalid {SECRET_NAME.name} {name!r}: Key Vault secret names are 1-127 letters, "
            "digits and hyphens"
        )
    blob = _first(BLOB_URL, blob_url, environ)
    if blob is not None:
        reason = check_blob_url(blob)
        if reason:
            problems.append(
                f"invalid {BLOB_URL.name} {blob!r}: {reason} (for example "
                "https://mystorage.blob.core.windows.net/data/input.csv)"
            )
    child = _child_settings(environ, parent_run_id, compute, experiment_name, environment, problems)
    if problems or child is None:
        raise SettingsError(problems)
    return Settings(
        subscription_id=str(found[SUBSCRIPTION]),
        resource_group=str(found[RESOURCE_GROUP]),
        workspace_name=str(found[WORKSPACE]),
        vault_url=str(url).rstrip("/"),
        secret_name=str(found[SECRET_NAME]),
        child=child,
        blob_url=blob,
    )
