"""What the in-process pytest runs of the plugin tests share (``pytester.runpytest``).

``pytester`` snapshots ``sys.modules`` before an inner run and, after it, drops every module the
run imported: a module the outer process has not imported yet is imported again by every inner
run that needs it. The Azure SDKs, vcrpy, the fake Azure's server and Hypothesis (whose pytest
plugin imports it at the end of every run) take seconds to import; imported once here, at
collection, every inner run finds them loaded (the inner runs still import their own test modules,
conftest and ``obo_job``'s modules afresh, so an edited test file is always read again).
"""

from __future__ import annotations

import importlib

INNER_RUN_IMPORTS = (
    "azure.ai.ml.identity",
    "azure.core.rest._requests_basic",
    "azure.keyvault.secrets",
    "azureml_obo_harness.cloud",
    "azureml_obo_harness.recording.credentials",
    "azureml_obo_harness.recording.index",
    "azureml_obo_harness.recording.persister",
    "hypothesis.internal.observability",  # by hypothesis's pytest_terminal_summary
    "pytest_recording._vcr",
    "requests",
    "vcr",
)
"""What an inner recording or replay run imports that the outer run has not always imported."""

INNER_RUN_OPTIONS = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")
"""Options of every inner run: no ``.pytest_cache`` in the project, and pytest-asyncio's loop scope
set as this project's own configuration sets it (unset, pytest-asyncio warns at configure time, a
warning the outer run would collect once per inner run)."""


def preload_inner_run_imports() -> None:
    """Import :data:`INNER_RUN_IMPORTS` in this process, so inner runs find them loaded."""
    for name in INNER_RUN_IMPORTS:
        importlib.import_module(name)
