"""The recording harness as a pytest plugin: modes, credentials, cassettes, replay checks.

Modes are chosen on the command line only (a ``record_mode`` in ``vcr_config`` would silently win
over ``--record-mode``, so this plugin never sets one):

- replay (default): ``--record-mode=none``; cassettes only, network blocked, ``FakeCredential``;
- fake: ``--azure=fake --record-mode=once|rewrite``; records against :class:`FakeAzure`, with the
  real ``AzureMLOnBehalfOfCredential`` talking to the fake OBO endpoint;
- live: ``--record-mode=once|rewrite`` without ``--azure``; records against the real workspace named
  by environment variables, with the production credential chain.

Installing the project registers this module as a pytest plugin (entry point ``pytest11``, named
``azureml_obo_harness.recording.plugin``, so an old ``pytest_plugins = ["azureml_obo_harness.recording.plugin"]`` is a no-op).
It holds the options and hooks; the fixtures live in :mod:`azureml_obo_harness.recording.fixtures`, which
:func:`pytest_configure` registers after every other plugin. pytest-recording defines fixtures of
the same names (``vcr_config``, ``vcr_cassette_dir``, ``default_cassette_name``) and, between
plugins, the one registered last wins: entry points load in no defined order, so ours are
registered once they all have (a ``conftest.py`` of the team's still overrides any of them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from azureml_obo_harness.recording.activation import uses_harness
from azureml_obo_harness.recording.context import RecordingContext
from azureml_obo_harness.recording.coordinates import (
    BLOB_VARIABLE,
    COORDINATE_VARIABLES,
    FAKE_COORDINATES,
    AzureCoordinates,
    live_coordinates,
)
from azureml_obo_harness.recording.diagnostics import explain_miss
from azureml_obo_harness.recording.matchers import (
    path_template_matcher,
    query_stable_matcher,
)
from azureml_obo_harness.recording.naming import refuse_shared_cassettes

CONTEXT_KEY = pytest.StashKey[RecordingContext]()
ITEM_KEY = pytest.StashKey[pytest.Item]()
FIXTURES_PLUGIN = "azureml_obo_harness.recording.fixtures"
CASSETTE_DIR_VARIABLE = "OBO_CASSETTE_DIR"
LIVE_VARIABLES = tuple(COORDINATE_VARIABLES.values())
"""What live recording needs, each from the first variable set (inside an AzureML job, AzureML
sets the ``AZUREML_ARM_*`` ones); see :mod:`azureml_obo_harness.recording.coordinates`."""
LIVE_BLOB_VARIABLE = BLOB_VARIABLE

__all__ = ["FAKE_COORDINATES", "AzureCoordinates", "azure_mode", "cassette_dir"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("azure", "AzureML OBO harness")
    group.addoption(
        "--azure",
        choices=("fake",),
        default=None,
        help="record against the fake Azure on loopback instead of a real workspace "
        "(with --record-mode=once or rewrite)",
    )
    group.addoption(
        "--obo-bridge",
        action="store_true",
        default=False,
        help="live: record with AzureMLOnBehalfOfCredential, served your own tokens "
        "(DefaultAzureCredential: az login...) by a local OBO endpoint, so the production "
        "credential path records on this machine",
    )
    group.addoption(
        "--cassette-dir",
        default=None,
        metavar="DIR",
        help=f"where cassettes are read and written (default: ${CASSETTE_DIR_VARIABLE}, else "
        "<rootdir>/cassettes); e.g. a job output folder when recording on AzureML",
    )


def azure_mode(config: pytest.Config) -> str:
    """``replay``, ``fake`` or ``live``, from ``--azure`` and ``--record-mode``."""
    record_mode = config.getoption("--record-mode", default="none") or "none"
    if config.getoption("--azure") == "fake":
        return "fake"
    return "replay" if record_mode == "none" else "live"


def cassette_dir(config: pytest.Config) -> Path:
    """``--cassette-dir``, else ``$OBO_CASSETTE_DIR``, else ``<rootdir>/cassettes``."""
    chosen = config.getoption("--cassette-dir", default=None) or os.environ.get(
        CASSETTE_DIR_VARIABLE
    )
    return Path(chosen).resolve() if chosen else Path(config.rootpath) / "cassettes"


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_unplayed: recorded interactions may go unplayed")
    # Every plugin (entry points, -p, conftest pytest_plugins) is registered by now, and fixtures
    # are collected at session start in registration order: registered here, ours come last.
    if config.pluginmanager.get_plugin(FIXTURES_PLUGIN) is None:
        from azureml_obo_harness.recording import fixtures

        config.pluginmanager.register(fixtures, FIXTURES_PLUGIN)
    mode = azure_mode(config)
    if mode == "fake" and (config.getoption("--record-mode") or "none") == "none":
        raise pytest.UsageError(
            "--azure=fake records cassettes: add --record-mode=rewrite (record all again) or "
            "--record-mode=once (record missing cassettes only)"
        )
    if config.getoption("--obo-bridge", default=False) and mode != "live":
        raise pytest.UsageError(
            "--obo-bridge records live as you: give it with --record-mode=once or rewrite, "
            "without --azure=fake (the fake Azure has an OBO endpoint of its own)"
        )


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    # vcrpy is imported here, not at the top: pytest-recording must import it first to rewrite
    # the asserts of vcr.matchers, and this plugin may be loaded before it.
    from azureml_obo_harness.recording.index import use_indexed_cassettes
    from azureml_obo_harness.recording.persister import SafePersister

    vcr.register_matcher("path_template", path_template_matcher)
    vcr.register_matcher("query_stable", query_stable_matcher)
    use_indexed_cassettes(vcr)  # replay lookups by match key, not a scan of every interaction
    # The persister writes with the context of the test being set up (not of the last one that
    # had a context): only our vcr_config asks for recording_context, so a missing context means
    # another vcr_config won and nothing would be sanitized.
    item = config.stash.get(ITEM_KEY, None)
    context = None if item is None else item.stash.get(CONTEXT_KEY, None)
    if context is None:
        raise pytest.UsageError(
            "the harness's vcr_config fixture was not used: a plugin or conftest.py defines its own "
            "vcr_config without the harness's. Override vcr_config by extending it, e.g.\n"
            "  @pytest.fixture\n  def vcr_config(vcr_config): return {**vcr_config, ...}\n"
            "Nothing was recorded (cassettes would not be sanitized)."
        )
    vcr.register_persister(SafePersister(context))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    refuse_shared_cassettes(items)
    # Live recording needs a real workspace, but only if a collected test uses the harness: a
    # team's own --record-mode run of other vcr-free tests must not need one.
    if azure_mode(config) == "live" and any(uses_harness(item) for item in items):
        coordinates = live_coordinates()
        if isinstance(coordinates, list):
            raise pytest.UsageError(
                "live recording (--record-mode other than none) needs a real workspace; set:\n  "
                + "\n  ".join(coordinates)
                + "\nor record against the fake Azure with --azure=fake."
            )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[ITEM_KEY] = item


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    context = item.stash.get(CONTEXT_KEY, None)
    if context is not None and call.when == "call":
        context.passed = report.passed
    if call.excinfo is not None and item.get_closest_marker("vcr") is not None:
        from vcr.errors import CannotOverwriteExistingCassetteException

        error: BaseException | None = call.excinfo.value
        while error is not None and not isinstance(error, CannotOverwriteExistingCassetteException):
            error = error.__cause__ or error.__context__
        if error is not None:
            report.sections.append(
                ("cassette replay miss", explain_miss(error, nodeid=item.nodeid))
            )
    return report
