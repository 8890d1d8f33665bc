"""Fixtures for the fake Azure tests.

Network: pyproject's addopts run every test with pytest-recording's ``--block-network``, which
(in pytest-recording 0.14.1) patches ``socket.connect`` for the whole process and blocks loopback
too. Its ``allowed_hosts`` fixture decides what passes, reading a ``block_network`` marker, then
``--allowed-hosts``, then ``vcr_config``. Overriding that fixture here, for this directory only,
admits exactly ``127.0.0.1`` (the regex is matched from the start, hence the ``$`` anchor: a bare
``127.0.0.1`` would also admit ``127.0.0.10``). Every client in these tests reaches the fake
through ``HTTPS_PROXY=http://127.0.0.1:<port>``, so nothing else ever needs a connection.

``fake_azure`` and ``fake_azure_env`` come from the installed harness plugin, like every fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

LOOPBACK_ONLY = [r"^127\.0\.0\.1$"]


@pytest.fixture
def allowed_hosts() -> list[str]:
    """Overrides pytest-recording's fixture: the fake Azure's loopback address, nothing else."""
    return LOOPBACK_ONLY


@pytest.fixture
def ml_client(fake_azure_env: Any) -> Any:
    """A real ``MLClient`` on the fake's seeded workspace, signed in with a ``FakeCredential``."""
    from azure.ai.ml import MLClient
    from azureml_obo_harness.credential import FakeCredential
    from azureml_obo_harness.values import RESOURCE_GROUP, SUBSCRIPTION_ID, WORKSPACE_NAME

    return MLClient(FakeCredential(), SUBSCRIPTION_ID, RESOURCE_GROUP, WORKSPACE_NAME)


@pytest.fixture
def code_dir(tmp_path: Path) -> Path:
    """A job's code folder holding one ``main.py``."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "main.py").write_text("print('training')\n")
    return source
