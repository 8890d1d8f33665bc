"""The fake AzureML control plane accepts every api-version the installed azure-ai-ml sends."""

from __future__ import annotations

import re
from pathlib import Path

import azure.ai.ml
from azure.ai.ml._restclient.arm_ml_service._configuration import (
    MachineLearningServicesMgmtClientConfiguration,
)
from azureml_obo_harness.cloud.api_versions import ml as ml_versions

_PINNED = re.compile(r"api_version=\"(\d{4}-\d{2}-\d{2}(?:-preview)?)\"")


def sdk_api_versions() -> set[str]:
    """The ARM api-versions azure-ai-ml's clients are built with: its ``MLClient`` pins one per
    client (``partial(MachineLearningServicesMgmtClient, api_version=...)``), and the generated
    client's own default."""
    source = (Path(azure.ai.ml.__file__).parent / "_ml_client.py").read_text(encoding="utf-8")
    pinned = set(_PINNED.findall(source))
    configuration = MachineLearningServicesMgmtClientConfiguration(
        credential=object(), subscription_id="00000000-0000-0000-0000-000000000000"
    )
    return pinned | {configuration.api_version}


def test_the_sdk_pins_several_api_versions() -> None:
    # Guards the extraction below: an SDK refactor that hid the versions would make the next
    # test pass vacuously.
    assert len(sdk_api_versions()) >= 5


def test_every_api_version_the_sdk_sends_is_accepted() -> None:
    assert sdk_api_versions() - ml_versions.ACCEPTED == set()


def test_the_accepted_versions_name_their_source() -> None:
    assert "Azure/azure-rest-api-specs" in ml_versions.SOURCE
    assert re.search(r"[0-9a-f]{40}", ml_versions.SOURCE)


def test_stable_and_preview_versions_are_told_apart() -> None:
    assert all(version.endswith("-preview") for version in ml_versions.PREVIEW)
    assert not any(version.endswith("-preview") for version in ml_versions.STABLE)
