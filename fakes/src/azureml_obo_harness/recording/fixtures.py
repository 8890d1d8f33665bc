"""The harness's fixtures; every one is a decision a team overrides in its own ``conftest.py``.

Registered by :mod:`azureml_obo_harness.recording.plugin` after every other plugin (see there why). Override a
fixture by defining one of the same name; to extend rather than replace, ask for it::

    @pytest.fixture
    def extra_sanitizing_rules(extra_sanitizing_rules):
        return [*extra_sanitizing_rules, drop_contoso_header]
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from azureml_obo_harness import values
from azureml_obo_harness.cloud.pytest_plugin import extra_fake_services, fake_azure, fake_azure_env
from azureml_obo_harness.recording.context import RecordingContext
from azureml_obo_harness.recording.coordinates import (
    FAKE_COORDINATES,
    AzureCoordinates,
    live_coordinates,
)
from azureml_obo_harness.recording.diagnostics import rerecord_command
from azureml_obo_harness.recording.matchers import MATCH_ON
from azureml_obo_harness.recording.naming import cassette_name
from azureml_obo_harness.recording.plugin import CONTEXT_KEY, azure_mode, cassette_dir
from azureml_obo_harness.recording.sanitize import Sanitizer

# Only light modules are imported here: this module is loaded in every pytest run of an environment
# that has the harness, so the SDKs, vcrpy, werkzeug and trustme are imported by the fixtures that
# need them, when a test asks for one.

__all__ = [
    "extra_fake_services",
    "fake_azure",
    "fake_azure_env",
]  # fixtures of azureml_obo_harness.cloud


@pytest.fixture
def fake_credential(azure_test_isolation: None) -> Any:
    """A fresh :class:`~azureml_obo_harness.credential.FakeCredential` (for unit tests that need no cassette)."""
    from azureml_obo_harness.credential import FakeCredential

    return FakeCredential()


@pytest.fixture(scope="session")
def azure_coordinates(pytestconfig: pytest.Config) -> AzureCoordinates:
    """The workspace, vault and secret the tests use (override to use other fakes)."""
    if azure_mode(pytestconfig) == "live":
        coordinates = live_coordinates()
        assert isinstance(coordinates, AzureCoordinates)
        return coordinates
    return FAKE_COORDINATES


@pytest.fixture(scope="session")
def fake_azure_session(
    pytestconfig: pytest.Config, extra_fake_services: list[Any]
) -> Iterator[Any]:
    """In fake mode, one :class:`FakeAzure` for the session (with ``extra_fake_services``) and its
    variables in ``os.environ``; else None."""
    if azure_mode(pytestconfig) != "fake":
        yield None
        return
    from azureml_obo_harness.cloud import FakeAzure

    saved = dict(os.environ)
    with FakeAzure(extra_services=extra_fake_services) as azure:
        os.environ.update(azure.environ())
        try:
            yield azure
        finally:
            os.environ.clear()
            os.environ.update(saved)


@pytest.fixture(scope="session")
def obo_bridge_upstream() -> Any:
    """The credential whose tokens ``--obo-bridge`` serves: ``DefaultAzureCredential`` (override
    to sign in another way)."""
    from azureml_obo_harness.bridge import default_upstream_credential

    return default_upstream_credential()


@pytest.fixture(scope="session")
def live_obo_bridge(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> Iterator[Any]:
    """With ``--obo-bridge`` (live only): a running
    :class:`~azureml_obo_harness.bridge.UserTokenBridge` for the session, its ``OBO_ENDPOINT`` in
    ``os.environ``, so the live credential is ``AzureMLOnBehalfOfCredential`` acting as you; else
    None. Tokens are never logged or written; the endpoint stops with the session."""
    if not pytestconfig.getoption("--obo-bridge", default=False):
        yield None
        return
    from azureml_obo_harness.bridge import user_token_bridge

    upstream = request.getfixturevalue("obo_bridge_upstream")  # built only when asked for
    saved = dict(os.environ)
    with user_token_bridge(upstream) as bridge:
        os.environ.update(bridge.environ())
        try:
            yield bridge
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _sync_credential(mode: str) -> Any:
    if mode == "replay":
        from azureml_obo_harness.credential import FakeCredential

        return FakeCredential()
    if mode == "fake":
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

        return AzureMLOnBehalfOfCredential()
    # Live: azure-identity's chain (OBO on AzureML, az login elsewhere). A team whose code signs in
    # another way overrides the credential fixtures.
    from azureml_obo_harness.recording.live_credential import live_credential

    return live_credential()


@pytest.fixture
def azure_credential(
    pytestconfig: pytest.Config,
    fake_azure_session: Any,
    live_obo_bridge: Any,
    recording_context: RecordingContext,
    azure_test_isolation: None,
) -> Any:
    """The credential for the mode: fake in replay, the real OBO credential against the fake
    Azure, the production chain live (every token it issues is then known to the leak scan)."""
    from azureml_obo_harness.recording.credentials import TokenWitness

    mode = azure_mode(pytestconfig)
    credential = _sync_credential(mode)
    if mode == "live":
        return TokenWitness(credential, recording_context.sanitizer.remember_secret)
    return credential


@pytest.fixture
def async_azure_credential(
    pytestconfig: pytest.Config,
    fake_azure_session: Any,
    live_obo_bridge: Any,
    recording_context: RecordingContext,
    azure_test_isolation: None,
) -> Any:
    """The async twin of ``azure_credential`` (recording modes run the sync credential in a thread:
    azure-ai-ml's async OBO credential is broken in 1.35.2)."""
    mode = azure_mode(pytestconfig)
    if mode == "replay":
        from azureml_obo_harness.credential import AsyncFakeCredential

        return AsyncFakeCredential()
    from azureml_obo_harness.recording.credentials import AsyncOverSync, TokenWitness

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
    from azureml_obo_harness.recording.persister import write_atomically

    live = azure_mode(pytestconfig) == "live"
    sanitizer = Sanitizer(
        known=azure_coordinates.real_to_fake() if live else {},
        extra_rules=extra_sanitizing_rules,
        # Live, a downloaded blob is the user's data: the fake blob's content takes its place.
        # Against the fake Azure every blob is fake already, and is kept as served.
        blob_content=values.BLOB_CONTENT if live else None,
    )
    context = RecordingContext(sanitizer=sanitizer, rerecord=rerecord_command(request.node.nodeid))
    request.node.stash[CONTEXT_KEY] = context
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
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """vcrpy settings; never a record_mode (it would override --record-mode).

    A test with a cassette (pytest-recording opens one only for a test marked ``vcr``) gets its
    recording context here, before pytest-recording builds its VCR (the persister reads it).
    pytest-recording's ``--block-network`` reads this fixture too, for every test: one without a
    cassette gets the settings alone, so no coordinates are looked up (live, they would fail
    without a workspace) and no sanitizer is built for it. (A harness fixture that needs the
    context, such as ``unique_name``, asks for it itself.)
    """
    if request.node.get_closest_marker("vcr") is not None:
        request.getfixturevalue("recording_context")
    return {
        "match_on": list(MATCH_ON),
        "decode_compressed_response": True,
        "ignore_localhost": True,  # the OBO endpoint: a token exchange is never recorded
        "allow_playback_repeats": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(pytestconfig: pytest.Config) -> str:
    """One folder for every cassette, one file per test: ``--cassette-dir``, else
    ``$OBO_CASSETTE_DIR``, else ``<rootdir>/cassettes``."""
    return str(cassette_dir(pytestconfig))


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """``<test module>.<test name>``: named from the test id, unique across modules (the plugin
    refuses, at collection, two tests that would share one)."""
    return cassette_name(request.node)


@pytest.fixture
def unique_name(
    pytestconfig: pytest.Config, recording_context: RecordingContext
) -> Callable[[str], str]:
    """``unique_name(name)``: ``name`` itself in replay; ``name`` plus a random suffix when
    recording (against the fake Azure or live), sanitized back to ``name`` in the cassette.

    For names a service keeps, such as a parent run whose child job is looked up before it is
    submitted: every recording then starts from a name the workspace has never seen, so recording
    twice in one workspace behaves the same both times, and the cassette still replays with the
    fixed name.
    """
    replay = azure_mode(pytestconfig) == "replay"

    def make(name: str) -> str:
        if replay:
            return name
        real = f"{name}-{secrets.token_hex(4)}"
        recording_context.sanitizer.remember(real, name)
        return real

    return make


@pytest.fixture
def replay_skipped_sleeps(pytestconfig: pytest.Config) -> Iterator[list[float]]:
    """In replay (the default mode), the Azure SDKs' retry back-off and ``Retry-After`` waits are
    skipped (a recorded or fake response arrives at once anyway); this is the list of the waits
    skipped during the test. In the recording modes nothing is skipped and the list stays empty.

    Only tests that use the harness get this (every harness fixture asks for it, through
    ``azure_test_isolation``); azure-core's own sleep is untouched everywhere else.
    """
    skipped: list[float] = []
    if azure_mode(pytestconfig) != "replay":
        yield skipped
        return
    from azure.core.pipeline.transport import (
        AsyncHttpTransport,
        AsyncioRequestsTransport,
        HttpTransport,
    )

    def skip(self: Any, duration: float) -> None:
        skipped.append(duration)

    async def skip_async(self: Any, duration: float) -> None:
        skipped.append(duration)

    # On the base classes: every transport that does not override sleep inherits the skip,
    # including wrappers such as azure-storage's TransportWrapper.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HttpTransport, "sleep", skip)
        patch.setattr(AsyncHttpTransport, "sleep", skip_async)
        patch.setattr(AsyncioRequestsTransport, "sleep", skip_async)
        yield skipped


@pytest.fixture
def azure_test_isolation(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, replay_skipped_sleeps: list[float]
) -> Iterator[None]:
    """What every test that uses the harness gets: retry waits skipped in replay
    (``replay_skipped_sleeps``) and Key Vault's challenge cache empty before and after; with a
    cassette, code uploads one file at a time, and in replay a missing cassette is an error and
    every recorded interaction must be played.

    Every harness fixture asks for it; a test (or a whole folder, through an autouse fixture of its
    own conftest) may ask for it directly.
    """
    # Key Vault caches the 401 challenge per host for the whole process: without this, whether a
    # test sees the challenge would depend on the tests before it.
    _clear_key_vault_challenges()
    replay = azure_mode(pytestconfig) == "replay"
    uses_cassette = request.node.get_closest_marker("vcr") is not None
    with ExitStack() as stack:
        if uses_cassette:
            from azureml_obo_harness.recording.upload_pool import one_upload_worker

            stack.enter_context(one_upload_worker())
        if replay and uses_cassette:
            path = _cassette_path(request)
            if not path.is_file():
                pytest.fail(
                    f"cassette {path} does not exist; record it with:\n  "
                    f"{rerecord_command(request.node.nodeid)}",
                    pytrace=False,
                )
        yield
    _clear_key_vault_challenges()
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


@pytest.fixture(autouse=True)
def _azure_cassette_rules(request: pytest.FixtureRequest) -> None:
    """A test marked ``vcr`` gets ``azure_test_isolation``; any other test, nothing at all.

    Autouse so that it runs after pytest-recording's own autouse fixture has opened the cassette
    (this plugin is registered last): the isolation's teardown then sees the cassette before it
    is closed, to check that every recorded interaction was played.
    """
    if request.node.get_closest_marker("vcr") is not None:
        request.getfixturevalue("azure_test_isolation")


def _clear_key_vault_challenges() -> None:
    """Empty Key Vault's challenge cache, if azure-keyvault-secrets has one yet (a cache not
    imported is empty: this imports nothing)."""
    cache = sys.modules.get("azure.keyvault.secrets._shared.http_challenge_cache")
    if cache is not None:
        cache.clear()
