"""The whole OBO job, the way the replay test runs it: from its cassette, or from the stub.

Both flows run ``obo_job.run.run_obo_job`` with ``FakeCredential`` and the fake coordinates of
``azureml_obo_harness.values``, under the replay rules of ``fakes/src/azureml_obo_harness/recording/plugin.py`` (retry waits skipped,
code files uploaded one at a time, an empty Key Vault challenge cache).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from bench import stub
from bench.timing import ROOT

CASSETTE = "test_obo_job_replay.test_the_obo_job_reads_the_secret_and_submits_its_child"
CASSETTES = ROOT / "cassettes"
PARENT_RUN = "harness-parent-run"  # the replay test's parent run


def settings() -> Any:
    from azureml_obo_harness import values

    from obo_job.settings import ChildJobSettings, Settings

    return Settings(
        subscription_id=values.SUBSCRIPTION_ID,
        resource_group=values.RESOURCE_GROUP,
        workspace_name=values.WORKSPACE_NAME,
        vault_url=values.VAULT_URL,
        secret_name=values.SECRET_NAME,
        child=ChildJobSettings(parent_run_id=PARENT_RUN),
    )


@contextmanager
def replay_rules() -> Iterator[None]:
    """The plugin's replay rules, without pytest."""
    from concurrent.futures import ThreadPoolExecutor

    from azure.ai.ml._utils import _asset_utils
    from azure.core.pipeline.transport import RequestsTransport
    from azure.keyvault.secrets._shared import http_challenge_cache

    http_challenge_cache.clear()
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(RequestsTransport, "sleep", lambda self, d: None))
        stack.enter_context(
            mock.patch.object(
                _asset_utils, "ThreadPoolExecutor", lambda *a, **k: ThreadPoolExecutor(1)
            )
        )
        yield
    http_challenge_cache.clear()


def harness_vcr(*, indexed: bool, library: Path = CASSETTES) -> Any:
    """A ``vcr.VCR`` configured like the harness's (matchers, persister, replay mode)."""
    from azureml_obo_harness.recording.context import RecordingContext
    from azureml_obo_harness.recording.index import use_indexed_cassettes
    from azureml_obo_harness.recording.matchers import path_template_matcher, query_stable_matcher
    from azureml_obo_harness.recording.persister import SafePersister
    from vcr import VCR

    vcr = VCR(cassette_library_dir=str(library), record_mode="none")
    vcr.register_matcher("path_template", path_template_matcher)
    vcr.register_matcher("query_stable", query_stable_matcher)
    vcr.register_persister(SafePersister(RecordingContext()))
    if indexed:
        use_indexed_cassettes(vcr)
    return vcr


def use_cassette(vcr: Any, name: str) -> Any:
    """The harness's ``vcr_config`` for one cassette."""
    from azureml_obo_harness.recording.matchers import MATCH_ON

    return vcr.use_cassette(
        f"{name}.yaml",
        match_on=list(MATCH_ON),
        decode_compressed_response=True,
        ignore_localhost=True,
        allow_playback_repeats=False,
    )


def _check(summary: Any) -> None:
    if summary.child_job_name != f"{PARENT_RUN}-iris" or not summary.child_submitted:
        raise AssertionError(f"unexpected run summary: {summary}")


def replay_once(*, indexed: bool = True) -> None:
    """Load the cassette and run the job from it; every interaction must be played."""
    from azureml_obo_harness.credential import FakeCredential

    from obo_job.run import run_obo_job

    vcr = harness_vcr(indexed=indexed)
    with replay_rules(), use_cassette(vcr, CASSETTE) as cassette:
        _check(run_obo_job(FakeCredential(), settings()))
    if not cassette.all_played:
        raise AssertionError("replay left recorded interactions unplayed")


def stub_runner() -> Any:
    """A function that runs the job against the stub (responses parsed once, beforehand)."""
    from azureml_obo_harness.credential import FakeCredential

    from obo_job.run import run_obo_job

    canned = stub.canned_responses(CASSETTES / f"{CASSETTE}.yaml")

    def run() -> None:
        with replay_rules(), stub.serving(canned) as left:
            _check(run_obo_job(FakeCredential(), settings()))
        if any(left.values()):
            raise AssertionError("the stub left canned responses unserved")

    return run
