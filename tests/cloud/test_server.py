"""FakeAzure as a whole: lifecycle, the proxy, unknown routes and injected faults."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Mapping

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.keyvault.secrets import SecretClient
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.dispatch import Dispatcher
from azureml_obo_harness.cloud.faults import FaultPlan
from azureml_obo_harness.cloud.http import ServiceError, json_response
from azureml_obo_harness.cloud.proxy import FakeAzureServer
from azureml_obo_harness.cloud.service import FakeService, Handler
from azureml_obo_harness.credential import FakeCredential
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from tests.cloud.helpers import KEY_VAULT, bearer, session_for

SECRET_URL = f"{values.VAULT_URL}/secrets/{values.SECRET_NAME}/?api-version=2026-04-01"


def fake_azure_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("fake-azure")]


def test_stop_joins_every_thread_even_with_open_keep_alive_connections() -> None:
    others = fake_azure_threads()  # the session's fake of the fixture may be running
    with FakeAzure() as azure:
        session = session_for(azure)
        session.get(SECRET_URL)  # leaves a kept-alive tunnel open
        assert len([thread for thread in fake_azure_threads() if thread not in others]) >= 2

    assert [thread for thread in fake_azure_threads() if thread not in others] == []
    session.close()


def test_a_server_stopped_before_its_thread_serves_ends_at_once_and_quietly() -> None:
    # FakeAzure.stop() right after start(): close() may run before the server thread has begun
    # serve_forever(), so shutdown() must not wait for a loop that never ran, and the loop that
    # starts late, on closed sockets, must return without an error.
    server = FakeAzureServer(
        Dispatcher([], FaultPlan(lambda: {})), ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    )
    closing = threading.Thread(target=server.close)
    closing.start()
    closing.join(timeout=5)
    assert not closing.is_alive()

    server.serve_forever()  # returns, raising nothing


def test_stop_removes_the_ca_directory() -> None:
    with FakeAzure() as azure:
        ca_path = azure.ca_path
        assert ca_path.read_text().startswith("-----BEGIN CERTIFICATE-----")

    assert not ca_path.parent.exists()


def test_environ_points_a_process_at_the_fake(fake_azure: FakeAzure) -> None:
    env = fake_azure.environ()

    assert env["HTTPS_PROXY"] == f"http://127.0.0.1:{fake_azure.port}"
    assert env["OBO_ENDPOINT"] == f"http://127.0.0.1:{fake_azure.port}/token"
    assert env["REQUESTS_CA_BUNDLE"] == env["SSL_CERT_FILE"] == str(fake_azure.ca_path)
    assert env["NO_PROXY"] == "127.0.0.1,localhost"
    assert env["AZUREML_ARM_WORKSPACE_NAME"] == values.WORKSPACE_NAME
    assert env["AZUREML_RUN_ID"] == env["MLFLOW_RUN_ID"] == values.PARENT_RUN_ID
    assert env["OBO_JOB_VAULT_URL"] == values.VAULT_URL
    assert env["OBO_JOB_SECRET_NAME"] == values.SECRET_NAME
    assert env["AZUREML_OBO_ENABLED"] == "True"


def test_environ_of_a_stopped_fake_says_how_to_start_it() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        FakeAzure().environ()


def test_connect_to_an_unknown_host_is_accepted(fake_azure: FakeAzure) -> None:
    with socket.create_connection(("127.0.0.1", fake_azure.port), timeout=5) as client:
        client.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        answer = client.recv(4096).decode()

    assert answer.startswith("HTTP/1.1 200")


def test_unimplemented_route_is_501_naming_method_and_path(fake_azure: FakeAzure) -> None:
    url = f"{values.VAULT_URL}/keys/my-key?api-version=2026-04-01"

    response = session_for(fake_azure).post(url, headers=bearer(KEY_VAULT))

    assert response.status_code == 501
    message = response.json()["error"]["message"]
    assert "POST fake-vault.vault.azure.net/keys/my-key" in message
    assert "does not implement" in message


def test_a_501_names_the_query_with_sorted_keys(fake_azure: FakeAzure) -> None:
    url = f"{values.VAULT_URL}/keys/my-key?z=1&api-version=2026-04-01&a=2"

    response = session_for(fake_azure).post(url, headers=bearer(KEY_VAULT))

    assert "/keys/my-key?a=2&api-version=2026-04-01&z=1" in response.json()["error"]["message"]


def test_a_501_masks_a_sas_signature(fake_azure: FakeAzure) -> None:
    url = f"{values.VAULT_URL}/keys/my-key?sig=c2VjcmV0&sv=2020-10-02"

    response = session_for(fake_azure).post(url, headers=bearer(KEY_VAULT))

    message = response.json()["error"]["message"]
    assert "c2VjcmV0" not in message
    assert "?sig=***&sv=2020-10-02" in message


def test_fault_for_an_unknown_route_is_rejected(fake_azure: FakeAzure) -> None:
    with pytest.raises(ValueError, match="keyvault/get_secret"):
        fake_azure.faults.add("keyvault/get_secrets")


def test_injected_503_with_retry_after_is_retried_by_the_sdk(fake_azure_env: FakeAzure) -> None:
    fake_azure_env.faults.add("keyvault/get_secret", status=503, times=2, retry_after=0)
    client = SecretClient(values.VAULT_URL, FakeCredential())

    secret = client.get_secret(values.SECRET_NAME)

    assert secret.value == values.SECRET_VALUE
    statuses = [r.status for r in fake_azure_env.requests if r.operation == "keyvault/get_secret"]
    assert statuses == [503, 503, 401, 200]


def test_injected_fault_is_in_the_services_error_shape(fake_azure_env: FakeAzure) -> None:
    fake_azure_env.faults.add("keyvault", status=429, times=None)
    client = SecretClient(values.VAULT_URL, FakeCredential(), retry_total=0)

    with pytest.raises(HttpResponseError) as raised:
        client.get_secret(values.SECRET_NAME)

    assert raised.value.status_code == 429
    assert raised.value.error is not None and raised.value.error.code == "TooManyRequests"


def test_injected_connection_reset_drops_the_connection(fake_azure: FakeAzure) -> None:
    fake_azure.faults.add("keyvault/get_secret", reset=True)

    with pytest.raises(requests.exceptions.ConnectionError):
        session_for(fake_azure).get(SECRET_URL)

    assert [request.status for request in fake_azure.requests] == [0]


def test_injected_non_json_body_is_sent_verbatim(fake_azure: FakeAzure) -> None:
    fake_azure.faults.add("ml/create_or_update_job", status=502, body="<html>Bad gateway</html>")
    url = (
        f"https://management.azure.com/subscriptions/{values.SUBSCRIPTION_ID}/resourceGroups/"
        f"{values.RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/"
        f"{values.WORKSPACE_NAME}/jobs/x?api-version=2025-01-01-preview"
    )

    response = session_for(fake_azure).put(url, json={})

    assert (response.status_code, response.text) == (502, "<html>Bad gateway</html>")


def test_fault_is_used_up_after_its_times(fake_azure: FakeAzure) -> None:
    fault = fake_azure.faults.add("keyvault/get_secret", status=500, times=1)
    session = session_for(fake_azure)

    first, second = session.get(SECRET_URL), session.get(SECRET_URL)

    assert (first.status_code, second.status_code, fault.hits) == (500, 401, 1)


def test_four_clients_can_share_the_fake_concurrently(fake_azure: FakeAzure) -> None:
    errors: list[BaseException] = []

    def read_secrets() -> None:
        session = session_for(fake_azure)
        try:
            for _ in range(20):
                response = session.get(SECRET_URL, headers=bearer(KEY_VAULT))
                assert response.json()["value"] == values.SECRET_VALUE
        except BaseException as error:
            errors.append(error)
        finally:
            session.close()

    workers = [threading.Thread(target=read_secrets) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert len(fake_azure.requests) == 80


def test_only_the_fakes_loopback_address_is_let_through_the_network_block(
    fake_azure: FakeAzure, request: pytest.FixtureRequest
) -> None:
    if not request.config.getoption("--block-network"):
        pytest.skip("runs under pytest-recording's --block-network (pyproject addopts)")

    with pytest.raises(RuntimeError, match="Network is disabled"):
        socket.create_connection(("127.0.0.2", fake_azure.port), timeout=1)


class InventoryService(FakeService):
    """A service that implements GET /items and recognises, but does not implement, DELETE."""

    name = "inventory"
    tls_hostnames = ("inventory.fake.invalid",)

    def rules(self) -> list[Rule]:
        return [
            Rule(
                "/items", host=INVENTORY_HOST, endpoint="inventory/items", methods=["GET", "DELETE"]
            )
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {"inventory/list_items": lambda request, args: json_response({"value": []})}

    def operation(self, endpoint: str, request: Request) -> str:
        return "inventory/list_items" if request.method == "GET" else "inventory/delete_items"

    def rest_operations(self) -> Mapping[str, str]:
        return {"inventory/list_items": "Items_List", "inventory/delete_items": "Items_Delete"}

    def knows_host(self, host: str) -> bool:
        return host == INVENTORY_HOST

    def render_error(self, error: ServiceError, request: Request) -> Response:
        return json_response(
            {"error": {"code": error.code, "message": error.message}}, status=error.status
        )


INVENTORY_HOST = "inventory.fake.invalid"


def test_a_request_records_its_rest_operation() -> None:
    with FakeAzure(seed=False, extra_services=[InventoryService()]) as azure:
        session_for(azure).get(f"https://{INVENTORY_HOST}/items")

        assert [(r.operation, r.rest_operation) for r in azure.requests] == [
            ("inventory/list_items", "Items_List")
        ]


def test_a_recognised_operation_without_a_handler_is_a_501_by_its_rest_name() -> None:
    with FakeAzure(seed=False, extra_services=[InventoryService()]) as azure:
        response = session_for(azure).delete(f"https://{INVENTORY_HOST}/items?force=true")

    assert response.status_code == 501
    message = response.json()["error"]["message"]
    assert "Items_Delete / inventory/delete_items" in message
    assert f"DELETE {INVENTORY_HOST}/items?force=true" in message


def test_a_request_of_a_service_without_rest_names_records_none(fake_azure: FakeAzure) -> None:
    session_for(fake_azure).get(f"http://127.0.0.1:{fake_azure.port}/token?resource=x")

    assert fake_azure.requests[0].rest_operation is None


class CountingInventoryService(InventoryService):
    """An inventory that counts how often it is asked for its handlers and REST names."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def handlers(self) -> Mapping[str, Handler]:
        self.asked.append("handlers")
        return super().handlers()

    def rest_operations(self) -> Mapping[str, str]:
        self.asked.append("rest_operations")
        return super().rest_operations()


def test_a_service_is_asked_for_its_handlers_when_a_request_needs_them_and_once() -> None:
    inventory = CountingInventoryService()
    with FakeAzure(seed=False, extra_services=[inventory]) as azure:
        session_for(azure).get(f"{values.VAULT_URL}/secrets/x?api-version=2026-04-01")
        assert inventory.asked == []  # a reset or a request of another service builds none
        for _ in range(3):
            assert session_for(azure).get(f"https://{INVENTORY_HOST}/items").status_code == 200
        assert inventory.asked == ["handlers", "rest_operations"]
        azure.reset()  # a new world: asked again on its first request
        session_for(azure).delete(f"https://{INVENTORY_HOST}/items")
        assert inventory.asked == ["handlers", "rest_operations"] * 2
        assert [(r.operation, r.rest_operation) for r in azure.requests] == [
            ("inventory/delete_items", "Items_Delete")
        ]


class GrowingInventoryService(InventoryService):
    """An inventory whose route table depends on its state: ``/archive`` once it has one."""

    def __init__(self) -> None:
        self.archived = False

    def rules(self) -> list[Rule]:
        extra = [Rule("/archive", host=INVENTORY_HOST, endpoint="inventory/items")]
        return super().rules() + (extra if self.archived else [])


def test_a_service_whose_rules_change_is_routed_by_its_rules_of_the_moment() -> None:
    inventory = GrowingInventoryService()
    with FakeAzure(seed=False, extra_services=[inventory]) as azure:
        before = session_for(azure).get(f"https://{INVENTORY_HOST}/archive").status_code
        inventory.archived = True
        azure.reset()  # a new dispatcher asks every service for its rules again
        after = session_for(azure).get(f"https://{INVENTORY_HOST}/archive").status_code

    assert (before, after) == (501, 200)


def test_fixed_rules_are_the_same_rule_objects_in_a_new_list_each_time() -> None:
    from azureml_obo_harness.cloud.keyvault.models import KeyVaultBackend
    from azureml_obo_harness.cloud.keyvault.routes import KeyVaultService

    first, second = KeyVaultService(KeyVaultBackend()), KeyVaultService(KeyVaultBackend())
    rules = first.rules()
    rules.clear()  # the caller's list: the service's table is untouched

    again = second.rules()
    assert again and all(a is b for a, b in zip(again, first.rules(), strict=True))
    assert again is not first.rules()
