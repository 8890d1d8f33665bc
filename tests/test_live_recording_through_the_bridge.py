"""``--obo-bridge``: live recording on this machine with ``AzureMLOnBehalfOfCredential`` itself,
served the signed-in user's tokens by a local OBO endpoint.

No real Azure here: a fake Azure stands in for the workspace (live mode pointed at it by its
variables, without its own OBO endpoint), and a fake credential stands in for ``az login``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.conftest import allowed_hosts  # loopback only: the fake Azure and the bridge

__all__ = ["allowed_hosts"]

TEAM_CONFTEST = """
import pytest

from azureml_obo_harness import FakeCredential

UPSTREAM = FakeCredential()


@pytest.fixture(scope="session")
def obo_bridge_upstream():
    return UPSTREAM
"""

TEAM_TEST = """
import pytest
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.keyvault.secrets import SecretClient

from conftest import UPSTREAM


@pytest.mark.vcr
def test_reads_the_secret_as_the_user(azure_credential, azure_coordinates, live_obo_bridge):
    with SecretClient(azure_coordinates.vault_url, azure_credential) as client:
        assert client.get_secret(azure_coordinates.secret_name).value
    assert isinstance(azure_credential._inner, AzureMLOnBehalfOfCredential)
    assert [(r.resource, r.outcome) for r in live_obo_bridge.requests] == [
        ("https://vault.azure.net", "issued")
    ]
    assert UPSTREAM.requests[0].scopes == ("https://vault.azure.net/.default",)
"""


@pytest.fixture
def workspace_without_obo_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAzure]:
    with FakeAzure() as azure:
        for name, value in azure.environ().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("OBO_ENDPOINT")
        yield azure


def test_live_recording_through_the_bridge_uses_the_obo_credential_and_writes_the_cassette(
    pytester: pytest.Pytester, workspace_without_obo_endpoint: FakeAzure
) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest(TEAM_CONFTEST)
    pytester.makepyfile(test_team=TEAM_TEST)

    result = pytester.runpytest("-p", "no:cacheprovider", "--record-mode=rewrite", "--obo-bridge")

    result.assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_team.test_reads_the_secret_as_the_user.yaml"
    assert "GET" in cassette.read_text()
    # The fake's own OBO endpoint was never asked: every token came through the bridge.
    assert not [
        r for r in workspace_without_obo_endpoint.requests if r.operation.startswith("obo/")
    ]


def test_the_bridge_outside_live_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_team="def test_x():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--obo-bridge")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--obo-bridge records live as you*"])
