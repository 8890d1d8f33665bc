"""Component versions (``ml_client.components``): registered, read, listed and replaced as on
AzureML, with the spec rewritten the way the service stores it (``cloud/ml/components.py``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from azure.ai.ml import MLClient, load_component
from azure.ai.ml.entities import Environment
from azure.core.exceptions import ResourceNotFoundError
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for

CURATED = "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu"
COMPONENT_YAML = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: greet
display_name: Greet
description: Says hello to a number and a folder
version: "VERSION"
inputs:
  times:
    type: integer
    default: 2
    optional: true
  folder:
    type: uri_folder
outputs:
  greeting:
    type: uri_folder
command: echo hello ${{inputs.folder}} > ${{outputs.greeting}}/hello.txt
environment: azureml:CURATED:33
""".replace("CURATED", CURATED)
PUT = "ml/create_or_update_component_version"


def component_file(folder: Path, *, version: str = "1", display_name: str = "Greet") -> Path:
    path = folder / f"greet-{version}-{display_name}.yml"
    text = COMPONENT_YAML.replace("VERSION", version).replace("Greet\n", f"{display_name}\n", 1)
    path.write_text(text)
    return path


def unversioned(folder: Path) -> Any:
    path = folder / "greet.yml"
    path.write_text(COMPONENT_YAML.replace('version: "VERSION"\n', ""))
    return load_component(source=path)


def statuses(azure: FakeAzure, operation: str) -> list[int]:
    return [request.status for request in azure.requests if request.operation == operation]


def raw_version(azure: FakeAzure, api_version: str, *, version: str = "1") -> dict[str, Any]:
    response = session_for(azure).get(
        f"{WORKSPACE_URL}/components/greet/versions/{version}?api-version={api_version}",
        headers=bearer(ARM),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_registered_component_reads_back_with_its_inputs_outputs_and_environment(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    created = ml_client.components.create_or_update(load_component(component_file(tmp_path)))

    got = ml_client.components.get("greet", version="1")

    assert statuses(fake_azure_env, PUT) == [201]
    for component in (created, got):
        assert (component.name, component.version, component.display_name) == (
            "greet",
            "1",
            "Greet",
        )
        assert component.is_deterministic is True
        assert component.inputs["times"].optional is True
        assert component.inputs["folder"].optional is False
        assert component.inputs["times"].default == 2
        assert set(component.outputs) == {"greeting"}
        assert component.environment == (
            f"azureml://registries/azureml/environments/{CURATED}/versions/33"
        )
        assert component.command.startswith("echo hello ${{inputs.folder}}")


def test_the_stored_spec_is_the_services_text_form_without_the_clients_keys(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.components.create_or_update(load_component(component_file(tmp_path)))

    properties = raw_version(fake_azure_env, "2024-01-01-preview")["properties"]
    spec = properties["componentSpec"]

    assert "_source" not in spec and "id" not in spec
    assert spec["is_deterministic"] == "True"
    assert spec["inputs"]["times"] == {
        "type": "integer",
        "default": "2",
        "optional": "True",
    }
    assert spec["inputs"]["folder"]["optional"] == "False"
    assert spec["resources"] == {"instance_count": "1"}
    assert properties["description"] is None  # the spec keeps the component's own
    assert spec["description"] == "Says hello to a number and a folder"


@pytest.mark.parametrize(
    ("api_version", "newer_fields"),
    # 2022-10-01 and 2024-01-01-preview as recorded; 2023-04-01 is the fake's choice for the
    # versions between, which no recording shows (cloud/ml/components.py).
    [("2022-10-01", False), ("2023-04-01", False), ("2024-01-01-preview", True)],
)
def test_the_versions_own_fields_follow_the_api_version(
    fake_azure_env: FakeAzure,
    ml_client: MLClient,
    tmp_path: Path,
    api_version: str,
    newer_fields: bool,
) -> None:
    ml_client.components.create_or_update(load_component(component_file(tmp_path)))

    properties = raw_version(fake_azure_env, api_version)["properties"]

    added = {"autoDeleteSetting", "stage", "provisioningState"}
    assert (added <= set(properties)) is newer_fields
    assert not (added & set(properties)) or newer_fields
    assert set(properties) - added == {
        "description",
        "tags",
        "properties",
        "isArchived",
        "isAnonymous",
        "componentSpec",
    }


def test_registering_a_version_again_replaces_it_in_place(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.components.create_or_update(load_component(component_file(tmp_path)))

    ml_client.components.create_or_update(
        load_component(component_file(tmp_path, display_name="Greeter"))
    )

    assert statuses(fake_azure_env, PUT) == [201, 200]
    assert ml_client.components.get("greet", version="1").display_name == "Greeter"
    assert [c.version for c in ml_client.components.list(name="greet")] == ["1"]


def test_an_anonymous_component_registered_again_is_the_first_registration_with_201(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)
    url = (
        f"{WORKSPACE_URL}/components/azureml_anonymous/versions/"
        "00000000-0000-0000-0000-0000000000c1?api-version=2024-01-01-preview"
    )
    spec = {"name": "azureml_anonymous", "version": "1", "type": "command", "command": "echo hi"}
    body = {"properties": {"isAnonymous": True, "componentSpec": spec}}

    first = session.put(url, json=body, headers=bearer(ARM))
    again = session.put(url, json=body, headers=bearer(ARM))

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()  # the first registration, its systemData included
    assert again.headers["Location"].split("?")[0] == url.split("?")[0]


def test_a_component_without_a_version_gets_1_then_the_containers_timestamp_version(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    first = ml_client.components.create_or_update(unversioned(tmp_path))
    second = ml_client.components.create_or_update(unversioned(tmp_path))

    assert first.version == "1"  # the container was not found
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{7}", second.version)
    assert statuses(fake_azure_env, "ml/get_component_container") == [404, 200]
    assert ml_client.components.get("greet").version == second.version  # the default
    assert ml_client.components.get("greet", label="latest").version == second.version
    assert sorted(c.version for c in ml_client.components.list(name="greet")) == sorted(
        ["1", second.version]
    )
    assert [c.name for c in ml_client.components.list()] == ["greet"]


def test_a_components_container_names_no_latest_version_and_a_timestamp_next(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.components.create_or_update(load_component(component_file(tmp_path)))

    container = (
        session_for(fake_azure_env)
        .get(
            f"{WORKSPACE_URL}/components/greet?api-version=2024-01-01-preview", headers=bearer(ARM)
        )
        .json()
    )

    assert container["properties"]["latestVersion"] is None
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{7}", container["properties"]["nextVersion"]
    )
    assert set(container["systemData"]) == {"createdAt", "lastModifiedAt"}


def test_the_default_version_is_named_by_the_default_label(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.components.create_or_update(load_component(component_file(tmp_path)))

    resource = raw_version(fake_azure_env, "2024-01-01-preview", version="azureml_default")

    assert resource["name"] == "1"
    assert resource["id"].endswith("/components/greet/labels/default")


def test_an_unknown_component_version_is_the_services_404(ml_client: MLClient) -> None:
    with pytest.raises(ResourceNotFoundError, match="Could not find asset with name greet"):
        ml_client.components.get("greet", version="7")


def test_a_version_without_a_spec_is_the_services_400(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).put(
        f"{WORKSPACE_URL}/components/greet/versions/1?api-version=2024-01-01-preview",
        json={"properties": {"isAnonymous": False}},
        headers=bearer(ARM),
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The field componentSpec is required."


def test_a_curated_environment_the_workspace_does_not_hold_is_the_registrys(
    ml_client: MLClient, tmp_path: Path
) -> None:
    path = component_file(tmp_path)
    path.write_text(path.read_text().replace(f"{CURATED}:33", "AzureML-Minimal:2"))

    component = ml_client.components.create_or_update(load_component(path))

    assert component.environment == (
        "azureml://registries/azureml/environments/AzureML-Minimal/versions/2"
    )


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ("my-env:3", "azureml:my-env:3"),
        ("AzureML-Minimal@latest", "azureml:AzureML-Minimal@latest"),
    ],
)
def test_an_environment_the_fake_cannot_answer_for_is_refused_by_name(
    fake_azure_env: FakeAzure, tmp_path: Path, environment: str, named: str
) -> None:
    spec = {"type": "command", "command": "echo", "environment": f"azureml:{environment}"}
    response = session_for(fake_azure_env).put(
        f"{WORKSPACE_URL}/components/greet/versions/1?api-version=2024-01-01-preview",
        json={"properties": {"componentSpec": spec}},
        headers=bearer(ARM),
    )

    assert response.status_code == 501
    error = response.json()["error"]
    assert error["code"] == "NotImplementedByFake"
    assert named in error["message"] and "ComponentVersions_CreateOrUpdate" in error["message"]
    assert statuses(fake_azure_env, "ml/get_component_version") == []
    assert not [a for a in fake_azure_env.workspace.assets.values() if a.kind == "components"]


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({"type": "pipeline", "jobs": {}}, "of type 'pipeline'"),
        ("echo hello", "not a JSON object"),
    ],
)
def test_a_spec_the_fake_does_not_model_is_refused_by_name(
    fake_azure: FakeAzure, spec: Any, named: str
) -> None:
    response = session_for(fake_azure).put(
        f"{WORKSPACE_URL}/components/greet/versions/1?api-version=2024-01-01-preview",
        json={"properties": {"componentSpec": spec}},
        headers=bearer(ARM),
    )

    assert response.status_code == 501
    assert named in response.json()["error"]["message"]


def test_a_registered_environment_of_the_workspace_is_a_components_environment(
    ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.environments.create_or_update(
        Environment(name="my-env", version="3", image="mcr.microsoft.com/azureml/minimal:latest")
    )
    path = component_file(tmp_path)
    path.write_text(path.read_text().replace(f"{CURATED}:33", "my-env:3"))

    component = ml_client.components.create_or_update(load_component(path))

    assert component.environment.endswith("my-env/versions/3")


def test_a_curated_environment_at_latest_is_pinned_to_its_newest_version(
    ml_client: MLClient, tmp_path: Path
) -> None:
    path = component_file(tmp_path)
    path.write_text(path.read_text().replace(f"{CURATED}:33", f"{CURATED}@latest"))

    component = ml_client.components.create_or_update(load_component(path))

    assert component.environment == (
        f"azureml://registries/azureml/environments/{CURATED}/versions/33"
    )
