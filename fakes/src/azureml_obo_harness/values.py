"""The fixed fake values: one place for every identity and name the fakes hand out.

Everything here is obviously fake on sight: GUIDs are all zeros but for their last digits, names
start with ``fake``, and e-mail domains use the reserved ``.invalid`` top-level domain. Sanitizing
maps each real value to the fake value of the same kind, so a cassette recorded live replays
against the same values the fakes use.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "00000000-0000-0000-0000-000000000001"
USER_OBJECT_ID = "00000000-0000-0000-0000-000000000002"
CLIENT_APP_ID = "00000000-0000-0000-0000-000000000003"
WORKSPACE_ID = "00000000-0000-0000-0000-000000000004"

RESOURCE_GROUP = "fake-rg"
WORKSPACE_NAME = "fake-ws"
VAULT_NAME = "fake-vault"
VAULT_URL = f"https://{VAULT_NAME}.vault.azure.net"
SECRET_NAME = "fake-secret"
SECRET_VALUE = "fake-secret-value"
USER_DELEGATION_KEY = "ZmFrZS11c2VyLWRlbGVnYXRpb24ta2V5LXNhbml0aXplZA=="
"""A storage user delegation key's ``Value`` once sanitized: base64 (of ``fake-user-delegation-
key-sanitized``), as the SDK decodes it to sign a user delegation SAS, so a replay still can."""
STORAGE_ACCOUNT = "fakestorage"
STORAGE_ACCOUNT_KEY = "ZmFrZS1zdG9yYWdlLWFjY291bnQta2V5"
"""The account key of every fake storage account (Shared Key requests are signed with it): base64,
as the SDKs decode it to sign, of ``fake-storage-account-key``. Shorter than a real key (base64 of
64 bytes), so the leak scan's account-key shape does not take it for one. The sanitizer keeps it
and makes a real account key this one (a connection string's ``AccountKey=``, a datastore's
``listSecrets`` key), so a replayed SDK can still sign with it."""
COMPUTE_NAME = "cpu-cluster"
PARENT_RUN_ID = "fake-parent-run"
BLOB_CONTAINER = "fake-data"
BLOB_NAME = "fake-input.csv"
BLOB_URL = f"https://{STORAGE_ACCOUNT}.blob.core.windows.net/{BLOB_CONTAINER}/{BLOB_NAME}"
BLOB_CONTENT = b"sepal_length,sepal_width,species\n5.1,3.5,fake-setosa\n6.2,2.9,fake-versicolor\n"
"""The user's blob the OBO job reads (seeded by ``FakeAzure``); sanitizing puts this content in
place of a real blob's, so a blob read recorded live replays like one recorded against the fake."""


SOURCE_CONTROL = {
    "mlflow.source.git.repoURL": "https://git.fake.invalid/fake-org/fake-repo",
    "mlflow.source.git.branch": "fake-branch",
    "mlflow.source.git.commit": "fa4e" * 10,
    "azureml.git.build_id": "fake-build",
    "azureml.git.build_uri": "https://git.fake.invalid/fake-org/fake-repo/builds/fake-build",
}
"""The git properties azure-ai-ml adds to every job it submits (the submitter's checkout: its
remote, branch, commit, CI build), as sanitizing writes them: a cassette names no team's
repository or branch (Azure DevOps branches are often ``users/<alias>/...``) and does not change
with every commit it is recorded at. ``azureml.git.dirty`` (True or False) is kept."""


@dataclass(frozen=True)
class FakeUser:
    """The user a fake token speaks for: the submitting user of an on-behalf-of job."""

    object_id: str = USER_OBJECT_ID
    tenant_id: str = TENANT_ID
    upn: str = "obo-user@fake.invalid"
    name: str = "Fake OBO User"


DEFAULT_USER = FakeUser()
