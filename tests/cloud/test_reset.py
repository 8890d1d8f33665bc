"""``FakeAzure.reset()``: a reset fake is a fresh one (moto's reset pattern), and the ``fake_azure``
fixture hands out the session's running fake reset, not a restarted one."""

from __future__ import annotations

import dataclasses
import datetime
import re
import threading
from typing import Any

import pytest
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.custom import CustomService

from tests.cloud.helpers import KEY_VAULT, bearer, session_for

SECRET_URL = f"{values.VAULT_URL}/secrets/{values.SECRET_NAME}?api-version=7.4"
NEW_USER_OID = "00000000-0000-0000-0000-00000000beef"

_RANDOM = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\s\"']*")
_TIME_NAMES = re.compile(r"created|updated|modified|expires|_time$|_at$|^time|date", re.I)


def world(azure: FakeAzure) -> Any:
    """Everything the fake holds, as plain data: every attribute of every backend, service state,
    fault, request and grant, reached by walking the objects (so a new piece of state is compared
    without this function knowing it). Wall-clock times and random ids are replaced by
    placeholders: two fresh fakes differ only in those."""
    seen: set[int] = set()

    def walk(value: Any, name: str = "") -> Any:
        if isinstance(value, str):
            return _TIMESTAMP.sub("<time>", _RANDOM.sub("<id>", value))
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return "<time>" if _TIME_NAMES.search(name) else value
        if isinstance(value, bytes):
            return value
        if isinstance(value, datetime.datetime | datetime.date):
            return "<time>"
        if isinstance(value, dict):
            return sorted((repr(walk(k)), walk(v, str(k))) for k, v in value.items())
        if isinstance(value, list | tuple):
            return [walk(item, name) for item in value]
        if isinstance(value, set | frozenset):
            return sorted(repr(walk(item, name)) for item in value)
        if callable(value) or isinstance(value, type(threading.Lock()) | type(threading.RLock())):
            return f"<{type(value).__name__}>"
        if id(value) in seen:
            return f"<seen {type(value).__name__}>"
        seen.add(id(value))
        fields = (
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            if dataclasses.is_dataclass(value)
            else getattr(value, "__dict__", None)
        )
        if fields is None:
            return f"<{type(value).__name__}>"
        state = {key: walk(item, key) for key, item in fields.items()}
        return (type(value).__name__, sorted(state.items()))

    return {
        "user": walk(azure.user),
        "seeded": azure.seeded,
        "workspace": walk(azure.workspace),
        "keyvault": walk(azure.keyvault),
        "ml": walk(azure.ml),
        "blob": walk(azure.blob),
        "obo": walk(azure.obo),
        "faults": walk(azure.faults),
        "requests": walk(azure.requests),
        "routes": azure.routes,
        "services": [walk(service) for service in azure._dispatcher.services.values()],
    }


def dirty(azure: FakeAzure) -> None:
    """Change every kind of state a test can change, through the helpers and the backends."""
    azure.set_secret(values.SECRET_NAME, "another value")
    azure.set_secret("second-secret", "x")
    azure.add_vault("other-vault")
    azure.grant(values.USER_OBJECT_ID, [])
    azure.grant(NEW_USER_OID, ["all"])
    azure.grant_storage(values.USER_OBJECT_ID, ["read", "write", "delete"])
    azure.add_blob("more", "file.txt", b"data")
    azure.add_compute("gpu-cluster")
    azure.add_job_output("some-job", "user_logs/std_log.txt", b"log")
    azure.fail_job("some-job")
    azure.ml_clock.advance(120)
    azure.auto_advance_jobs(5)
    azure.ml.page_size = 2
    azure.keyvault.settle_reads = 3
    azure.obo.refuse_connections = True
    azure.obo.consented = {"https://vault.azure.net"}
    azure.obo.lifetime = 10
    azure.faults.add("keyvault/get_secret", status=500, times=None)
    azure.user = dataclasses.replace(azure.user, object_id=NEW_USER_OID)


def test_world_sees_a_change_of_any_kind() -> None:
    """The comparison below can fail: each change of ``dirty`` alone makes the world differ."""
    fresh = world(FakeAzure())
    changes = [
        lambda a: a.set_secret("second-secret", "x"),
        lambda a: a.grant(NEW_USER_OID, ["get"]),
        lambda a: a.grant_storage(NEW_USER_OID, ["read"]),
        lambda a: a.ml_clock.advance(1),
        lambda a: a.auto_advance_jobs(5),
        lambda a: setattr(a.keyvault, "settle_reads", 1),
        lambda a: setattr(a.obo, "refuse_connections", True),
        lambda a: a.faults.add("keyvault/get_secret"),
        lambda a: a.add_compute("gpu-cluster"),
    ]
    for change in changes:
        azure = FakeAzure()
        change(azure)
        assert world(azure) != fresh


def test_two_fresh_fakes_have_the_same_world() -> None:
    assert world(FakeAzure()) == world(FakeAzure())


def test_a_reset_fake_is_a_fresh_one() -> None:
    azure = FakeAzure()
    dirty(azure)

    azure.reset()

    assert world(azure) == world(FakeAzure())


def test_a_reset_unseeded_fake_is_a_fresh_unseeded_one() -> None:
    azure = FakeAzure(seed=False)
    azure.add_vault("v")

    azure.reset()

    assert world(azure) == world(FakeAzure(seed=False))


def test_a_running_fake_reset_serves_the_seeded_world_with_an_empty_log() -> None:
    with FakeAzure() as azure:
        port, ca = azure.port, azure.ca_path.read_bytes()
        session = session_for(azure)
        azure.set_secret(values.SECRET_NAME, "changed")
        azure.faults.add("keyvault/get_secret", status=500, times=None)
        assert session.get(SECRET_URL, headers=bearer(KEY_VAULT)).status_code == 500

        azure.reset()
        response = session_for(azure).get(SECRET_URL, headers=bearer(KEY_VAULT))

        assert response.status_code == 200
        assert response.json()["value"] == values.SECRET_VALUE
        assert [(r.operation, r.status) for r in azure.requests] == [("keyvault/get_secret", 200)]
        assert (azure.port, azure.ca_path.read_bytes()) == (port, ca)
        session.close()


def connection_threads(azure: FakeAzure) -> list[str]:
    """The threads serving a connection of this fake (another fake's, or the session fake's,
    kept alive by a client an earlier test left for the garbage collector, are not its own)."""
    prefix = f"fake-azure-{azure.port}-connection-"
    return [t.name for t in threading.enumerate() if t.name.startswith(prefix)]


def test_reset_drops_the_connections_opened_before_it() -> None:
    with FakeAzure() as azure:
        session = session_for(azure)
        session.get(SECRET_URL, headers=bearer(KEY_VAULT))  # leaves a kept-alive tunnel open
        assert connection_threads(azure)

        azure.reset()

        assert connection_threads(azure) == []
        # the client reconnects, as after a restart, and the fake counts only the new request
        assert session.get(SECRET_URL, headers=bearer(KEY_VAULT)).status_code == 200
        assert len(azure.requests) == 1
        session.close()


def temperature(request: Any, args: Any) -> dict[str, int]:
    return {"celsius": 21}


def test_reset_keeps_the_extra_services() -> None:
    thermostat = CustomService(
        "thermostat", host="thermostat.example.com", routes={"GET /temperature": temperature}
    )
    azure = FakeAzure(extra_services=[thermostat])

    azure.reset()

    assert azure.extra_services == [thermostat]
    assert "thermostat/temperature" in azure.routes


INNER = (
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-o",
    "asyncio_default_fixture_loop_scope=function",
)
"""The inner runs' options (the tests of one module run in file order: no random-order plugin)."""

FIXTURE_TESTS = """
    import requests
    from azureml_obo_harness import values

    seen = []

    def test_first(fake_azure):
        seen.append((fake_azure, fake_azure.port))
        fake_azure.set_secret(values.SECRET_NAME, "changed by the first test")
        fake_azure.faults.add("keyvault/get_secret", status=500, times=None)
        fake_azure.clear_requests()

    def test_second(fake_azure):
        first, port = seen[0]
        assert fake_azure is first and fake_azure.port == port  # reused, not restarted
        assert fake_azure.keyvault.get_secret(values.VAULT_NAME, values.SECRET_NAME).value == (
            values.SECRET_VALUE
        )
        assert fake_azure.faults.take("keyvault/get_secret") is None
        fake_azure.stop()

    def test_third(fake_azure):
        assert fake_azure.running and fake_azure is not seen[0][0]  # stopped: a new one
"""


def test_the_fixture_reuses_one_running_fake_reset_before_each_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_reuse=FIXTURE_TESTS)

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=3)


def test_the_fixture_starts_another_fake_for_other_extra_services(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_a_plain="""
        from tests.cloud import test_reset

        def test_plain(fake_azure):
            test_reset.KEPT.append(fake_azure)
        """,
        test_b_with_a_service="""
        import pytest
        from azureml_obo_harness.cloud.custom import CustomService
        from tests.cloud import test_reset

        @pytest.fixture(scope="session")
        def extra_fake_services():
            return [CustomService("thermostat", host="thermostat.example.com",
                                  routes={"GET /temperature": test_reset.temperature})]

        def test_served(fake_azure):
            (plain,) = test_reset.KEPT
            assert fake_azure is not plain and not plain.running
            assert "thermostat/temperature" in fake_azure.routes
        """,
    )
    KEPT.clear()

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=2)


KEPT: list[FakeAzure] = []
"""The fakes an inner run's tests were given (this module is imported there too)."""


def test_a_fake_of_the_fixture_stops_with_the_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_kept="""
        from tests.cloud import test_reset

        def test_uses(fake_azure):
            assert fake_azure.running
            test_reset.KEPT.append(fake_azure)
        """
    )
    KEPT.clear()

    pytester.runpytest(*INNER).assert_outcomes(passed=1)

    (azure,) = KEPT
    assert not azure.running
