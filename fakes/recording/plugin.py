"""The recording harness as a pytest plugin: modes, credentials, cassettes, replay checks.

Modes are chosen on the command line only (a ``record_mode`` in ``vcr_config`` would silently win
over ``--record-mode``, so this plugin never sets one):

- replay (default): ``--record-mode=none``; cassettes only, network blocked, ``FakeCredential``;
- fake: ``--azure=fake --record-mode=once|rewrite``; records against :class:`FakeAzure`, with the
  real ``AzureMLOnBehalfOfCredential`` talking to the fake OBO endpoint;
- live: ``--record-mode=once|rewrite`` without ``--azure``; records against the real workspace named
  by environment variables, with the production credential chain.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fakes import values
from fakes.recording.credentials import AsyncOverSync, TokenWitness
from fakes.recording.diagnostics import explain_miss, rerecord_command
from fakes.recording.index import use_indexed_cassettes
from fakes.recording.matchers import (
    MATCH_ON,
    path_template_matcher,
    query_stable_matcher,
)
from fakes.recording.persister import RecordingContext, SafePersister, write_atomically
from fakes.recording.sanitize import Sanitizer

CONTEXT_KEY = pytest.StashKey[RecordingContext]()
LIVE_VARIABLES = (
    ("AZURE_SUBSCRIPTION_ID", "subscription id of the workspace"),
    ("AZURE_RESOURCE_GROUP", "resource group of the workspace"),
    ("AZUREML_WORKSPACE_NAME", "AzureML workspace name"),
    ("OBO_JOB_VAULT_URL", "Key Vault URL, https://<name>.vault.azure.net"),
    ("OBO_JOB_SECRET_NAME", "name of a secret the signed-in user may read"),
)


@dataclass(frozen=True)
class AzureCoordinates:
    """Where the tests' Azure is: the fixed fakes in replay and fake modes, real ones live."""

    subscription_id: str
    resource_group: str
    workspace_name: str
    vault_url: str
    secret_name: str

    def real_to_fake(self) -> dict[str, str]:
        """How each of these values is sanitized (identity for the fakes themselves)."""
        return {
            self.subscription_id: values.SUBSCRIPTION_ID,
            self.resource_group: values.RESOURCE_GROUP,
            self.workspace_name: values.WORKSPACE_NAME,
            self.vault_url.rstrip("/"): values.VAULT_URL,
            self.secret_name: values.SECRET_NAME,
        }


FAKE_COORDINATES = AzureCoordinates(
    values.SUBSCRIPTION_ID,
    values.RESOURCE_GROUP,
    values.WORKSPACE_NAME,
    values.VAULT_URL,
    values.SECRET_NAME,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("azure", "AzureML OBO harness")
    group.addoption(
        "--azure",
        choices=("fake",),
        default=None,
        help="record against the fake Azure on loopback instead of a real workspace "
        "(with --record-mode=once or rewrite)",
    )


def azure_mode(config: pytest.Config) -> str:
    """``replay``, ``fake`` or ``live``, from ``--azure`` and ``--record-mode``."""
    record_mode = config.getoption("--record-mode", default="none") or "none"
    if config.getoption("--azure") == "fake":
        return "fake"
    return "replay" if record_mode == "none" else "live"


def _live_coordinates() -> AzureCoordinates | list[str]:
    missing = [f"{name} ({what})" for name, what in LIVE_VARIABLES if not os.environ.get(name)]
    if missing:
        return missing
    return AzureCoordinates(*(os.environ[name] for name, _ in LIVE_VARIABLES))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_unplayed: recorded interactions may go unplayed")
    mode = azure_mode(config)
    if mode == "fake" and (config.getoption("--record-mode") or "none") == "none":
        raise pytest.UsageError(
            "--azure=fake records cassettes: add --record-mode=rewrite (record all again) or "
            "--record-mode=once (record missing cassettes only)"
        )
    if mode == "live":
        coordinates = _live_coordinates()
        if isinstance(coordinates, list):
            raise pytest.UsageError(
                "live recording (--record-mode other than none) needs a real workspace; set:\n  "
                + "\n  ".join(coordinates)
                + "\nor record against the fake Azure with --azure=fake."
            )


@pytest.fixture(scope="session")
def azure_coordinates(pytestconfig: pytest.Config) -> AzureCoordinates:
    """The workspace, vault and secret the tests use (override to use other fakes)."""
    if azure_mode(pytestconfig) == "live":
        coordinates = _live_coordinates()
        assert isinstance(coordinates, AzureCoordinates)
        return coordinates
    return FAKE_COORDINATES


@pytest.fixture(scope="session")
def fake_azure_session(pytestconfig: pytest.Config) -> Iterator[Any]:
    """In fake mode, one :class:`FakeAzure` for the session with its variables in ``os.environ``."""
    if azure_mode(pytestconfig) != "fake":
        yield None
        return
    from fakes.cloud import FakeAzure

    saved = dict(os.environ)
    with FakeAzure() as azure:
        os.environ.update(azure.environ())
        try:
            yield azure
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _sync_credential(mode: str) -> Any:
    if mode == "replay":
        from fakes.credential import FakeCredential

        return FakeCredential()
    if mode == "fake":
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

        return AzureMLOnBehalfOfCredential()
    # Live: the OBO job's own production chain (OBO on AzureML, az login elsewhere). A team whose
    # code has another chain overrides the credential fixtures.
    from obo_job.credentials import default_credential

    return default_credential()


@pytest.fixture
def azure_credential(
    pytestconfig: pytest.Config, fake_azure_session: Any, recording_context: RecordingContext
) -> Any:
    """The credential for the mode: fake in replay, the real OBO credential against the fake
    Azure, the production chain live (every token it issues is then known to the leak scan)."""
    mode = azure_mode(pytestconfig)
    credential = _sync_credential(mode)
    if mode == "live":
        return TokenWitness(credential, recording_context.sanitizer.remember_secret)
    return credential


@pytest.fixture
def async_azure_credential(
    pytestconfig: pytest.Config, fake_azure_session: Any, recording_context: RecordingContext
) -> Any:
    """The async twin of ``azure_credential`` (recording modes run the sync credential in a thread:
    azure-ai-ml's async OBO credential is broken in 1.35.2)."""
    mode = azure_mode(pytestconfig)
    if mode == "replay":
        from fakes.credential import AsyncFakeCredential

        return AsyncFakeCredential()
    credential = _sync_credential(mode)
    if mode == "live":
        credential = TokenWitness(credential, recording_context.sanitizer.remember_secret)
    return AsyncOverSync(credential)


@pytest.fixture
def azure_async_client_options(fake_azure_session: Any) -> dict[str, Any]:
    """Keyword arguments for async Azure clients. Against the fake Azure: its CA, because aiohttp
    builds its TLS context when it is imported, before the fake's CA exists."""
    if fake_azure_session is None:
        return {}
    return {"connection_verify": str(fake_azure_session.ca_path)}


@pytest.fixture
def extra_sanitizing_rules() -> list[Any]:
    """Extra rules (functions that mutate a serialized interaction) for every cassette."""
    return []


@pytest.fixture
def recording_context(
    request: pytest.FixtureRequest,
    pytestconfig: pytest.Config,
    azure_coordinates: AzureCoordinates,
    extra_sanitizing_rules: list[Any],
) -> Iterator[RecordingContext]:
    """This test's sanitizer and outcome, which the cassette persister reads.

    Also keeps the test's previous cassette: pytest-recording deletes it before a
    ``--record-mode=rewrite`` test runs, and a test that does not pass must leave it as it was.
    """
    known = azure_coordinates.real_to_fake() if azure_mode(pytestconfig) == "live" else {}
    context = RecordingContext(sanitizer=Sanitizer(known=known, extra_rules=extra_sanitizing_rules))
    request.node.stash[CONTEXT_KEY] = context
    pytestconfig.stash[CONTEXT_KEY] = context
    previous: tuple[Path, str] | None = None
    if request.node.get_closest_marker("vcr") is not None:
        path = _cassette_path(request)
        if path.is_file():
            previous = (path, path.read_text(encoding="utf-8"))
    yield context
    if previous is not None and context.passed is not True:
        path, text = previous
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text)
            context.skipped_write = (
                f"cassette {path} was restored: the test did not pass, so the previous one is kept"
            )
    if context.skipped_write:
        print(f"\n{context.skipped_write}")


def _cassette_path(request: pytest.FixtureRequest) -> Path:
    directory = Path(request.getfixturevalue("vcr_cassette_dir"))
    return directory / f"{request.getfixturevalue('default_cassette_name')}.yaml"


@pytest.fixture
def vcr_config(recording_context: RecordingContext) -> dict[str, Any]:
    """vcrpy settings; never a record_mode (it would override --record-mode)."""
    return {
        "match_on": list(MATCH_ON),
        "decode_compressed_response": True,
        "ignore_localhost": True,  # the OBO endpoint: a token exchange is never recorded
        "allow_playback_repeats": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(pytestconfig: pytest.Config) -> str:
    """All cassettes live in the top-level cassettes/ folder, one file per test."""
    return str(Path(pytestconfig.rootpath) / "cassettes")


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """``<test module>.<test name>``: named from the test id, unique across modules."""
    from pytest_recording.plugin import get_default_cassette_name

    module = request.node.module.__name__.rsplit(".", 1)[-1]
    return f"{module}.{get_default_cassette_name(request.cls, request.node.name)}"


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("path_template", path_template_matcher)
    vcr.register_matcher("query_stable", query_stable_matcher)
    use_indexed_cassettes(vcr)  # replay lookups by match key, not a scan of every interaction
    context = config.stash.get(CONTEXT_KEY, None)
    if context is None:
        # pytest-recording's own vcr_config won over ours: that happens when this plugin is
        # registered before pytest-recording (e.g. with -p), and nothing would be sanitized.
        raise pytest.UsageError(
            "fakes.recording.plugin must take precedence over pytest-recording: load it from a "
            'conftest.py (pytest_plugins = ["fakes.recording.plugin"]), not with -p'
        )
    vcr.register_persister(SafePersister(context))


@pytest.fixture(autouse=True)
def replay_skipped_sleeps(
    pytestconfig: pytest.Config, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[float]]:
    """In replay, the Azure SDKs' retry back-off and ``Retry-After`` waits are skipped (a recorded
    response arrives at once anyway); this is the list of the waits skipped during the test.
    Outside replay nothing is skipped and the list stays empty."""
    skipped: list[float] = []
    if azure_mode(pytestconfig) == "replay":
        from azure.core.pipeline.transport import AsyncioRequestsTransport, RequestsTransport

        def skip(self: Any, duration: float) -> None:
            skipped.append(duration)

        async def skip_async(self: Any, duration: float) -> None:
            skipped.append(duration)

        monkeypatch.setattr(RequestsTransport, "sleep", skip)
        monkeypatch.setattr(AsyncioRequestsTransport, "sleep", skip_async)
        try:
            from azure.core.pipeline.transport import AioHttpTransport
        except ImportError:  # aiohttp is optional
            pass
        else:
            monkeypatch.setattr(AioHttpTransport, "sleep", skip_async)
    yield skipped


@pytest.fixture(autouse=True)
def _replay_rules(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """In replay: the Key Vault challenge cache starts empty, every recorded interaction is
    played and a missing cassette is an error."""
    from azure.keyvault.secrets._shared import http_challenge_cache

    # Key Vault caches the 401 challenge per host for the whole process: without this, whether a
    # test sees the challenge would depend on the tests before it.
    http_challenge_cache.clear()
    replay = azure_mode(pytestconfig) == "replay"
    uses_cassette = request.node.get_closest_marker("vcr") is not None
    if uses_cassette:
        _upload_files_one_at_a_time(monkeypatch)
    if replay and uses_cassette:
        path = _cassette_path(request)
        if not path.is_file():
            pytest.fail(
                f"cassette {path} does not exist; record it with:\n  "
                f"{rerecord_command(request.node.nodeid)}",
                pytrace=False,
            )
    yield
    http_challenge_cache.clear()
    if replay and uses_cassette and request.node.get_closest_marker("allow_unplayed") is None:
        cassette = request.getfixturevalue("vcr")
        if cassette is not None and not cassette.all_played:
            unplayed = len(cassette) - len(cassette.play_counts)
            pytest.fail(
                f"{unplayed} recorded interaction(s) in {cassette._path} were not played: the code "
                "made fewer requests than when it was recorded. Record again with:\n  "
                f"{rerecord_command(request.node.nodeid)}\nor mark the test "
                "@pytest.mark.allow_unplayed if that is expected.",
                pytrace=False,
            )


def _upload_files_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """azure-ai-ml uploads a code folder's files from a thread pool. vcrpy 9 loses interactions
    recorded concurrently (measured: 1 of 4 parallel requests kept), so while a cassette is in use
    the pool gets one worker: the same requests, in a stable order."""
    from concurrent.futures import ThreadPoolExecutor

    from azure.ai.ml._utils import _asset_utils

    def one_worker(*args: Any, **kwargs: Any) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1)

    monkeypatch.setattr(_asset_utils, "ThreadPoolExecutor", one_worker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    context = item.stash.get(CONTEXT_KEY, None)
    if context is not None and call.when == "call":
        context.passed = report.passed
    if call.excinfo is not None:
        from vcr.errors import CannotOverwriteExistingCassetteException

        error: BaseException | None = call.excinfo.value
        while error is not None and not isinstance(error, CannotOverwriteExistingCassetteException):
            error = error.__cause__ or error.__context__
        if error is not None:
            report.sections.append(
                ("cassette replay miss", explain_miss(error, nodeid=item.nodeid))
            )
    return report
