"""Installed but unused, the harness changes nothing in a team's test run.

A team project (its own ``tests/fakes.py``, tests that never use the harness) is run by pytest
in-process twice, with the harness's plugin and without it (``-p no:...``), and the two runs must
be the same: outcomes, warnings, azure-core's retry sleep, Key Vault's challenge cache; with no
options, and with the pytest-recording options a team may give (``--block-network``, a record
mode), without any Azure workspace variables set.
"""

from __future__ import annotations

import pytest

PLUGIN = "azureml_obo_harness.recording.plugin"

TEAM_FAKES = '''
"""The team's own test doubles: named like the harness's old package."""

GREETING = "the team's own fakes module"
'''

TEAM_TESTS = """
import warnings

from azure.core.pipeline.transport import HttpTransport
from azure.keyvault.secrets._shared import http_challenge_cache
from azure.keyvault.secrets._shared.http_challenge import HttpChallenge

import fakes


def test_the_teams_own_fakes_module_is_imported():
    assert fakes.GREETING == "the team's own fakes module"


def test_azure_cores_retry_sleep_is_its_own():
    assert HttpTransport.sleep.__module__.startswith("azure.core."), HttpTransport.sleep


def test_a_challenge_is_cached():
    challenge = HttpChallenge(
        "https://team-vault.vault.azure.net/secrets/x",
        'Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net"',
    )
    http_challenge_cache.set_challenge_for_url("https://team-vault.vault.azure.net/secrets/x", challenge)


def test_the_cached_challenge_is_still_there():
    assert http_challenge_cache.get_challenge_for_url("https://team-vault.vault.azure.net/secrets/y")


def test_a_deprecation_warning_is_shown():
    warnings.warn("the team's own deprecation", DeprecationWarning)
"""


@pytest.fixture
def team_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
        'asyncio_default_fixture_loop_scope = "function"\n'  # pytest-asyncio's own warning
    )
    tests = pytester.mkdir("tests")
    (tests / "fakes.py").write_text(TEAM_FAKES)
    (tests / "test_team.py").write_text(TEAM_TESTS)
    return pytester


def _summary(result: pytest.RunResult) -> tuple[dict[str, int], list[str]]:
    outcomes = result.parseoutcomes()
    warnings = [line for line in result.outlines if "Warning" in line]
    return outcomes, warnings


@pytest.mark.parametrize(
    "options",
    [
        (),
        # pytest-recording's options, which a team may give for its own reasons: its network
        # guard asks every test for vcr_config (the harness's), and a record mode other than
        # none is the harness's live mode, which needs a workspace only for tests that use it.
        ("--block-network",),
        ("--block-network", "--record-mode=rewrite"),
        ("--record-mode=once",),
    ],
    ids=["plain", "block-network", "block-network-rewrite", "record-once"],
)
def test_a_project_that_never_uses_the_harness_runs_the_same_with_and_without_it(
    team_project: pytest.Pytester, clean_environ: None, options: tuple[str, ...]
) -> None:
    with_harness = team_project.runpytest("-p", "no:cacheprovider", "-rA", *options)
    without_harness = team_project.runpytest(
        "-p", "no:cacheprovider", "-rA", *options, "-p", f"no:{PLUGIN}"
    )

    with_harness.assert_outcomes(passed=5, warnings=1)
    assert _summary(with_harness) == _summary(without_harness)


def test_the_plugin_is_loaded_in_that_run(team_project: pytest.Pytester) -> None:
    # Without this the comparison above would also pass if the entry point were never loaded.
    result = team_project.runpytest("-p", "no:cacheprovider", "--help")
    assert "--azure" in result.stdout.str()
    blocked = team_project.runpytest("-p", "no:cacheprovider", "--help", "-p", f"no:{PLUGIN}")
    assert "--azure" not in blocked.stdout.str()
