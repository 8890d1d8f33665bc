"""The fake Azure's speed: start-up time and Key Vault get-secret round trips per second.

Clients are threads, each with its own keep-alive connection through the fake's proxy (``CONNECT``
then TLS, as every real client does). Two kinds of client are measured: plain ``requests``
sessions sending ``GET /secrets/<name>`` with a fake bearer token (the server's capacity), and the
real ``azure.keyvault.secrets.SecretClient`` with ``FakeCredential`` (what a test pays, SDK
pipeline included).

Where one get-secret's time goes (:func:`cpu_split`): the calling thread's CPU time (the SDK and
``requests``, the client side) against the rest of the process's (the fake's handler threads,
the server side), kept-alive and with a new client each time (``CONNECT``, TLS and Key Vault's
challenge included, as every test's first request pays them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.tokens import mint_token

SECRET_URL = f"{values.VAULT_URL}/secrets/{values.SECRET_NAME}?api-version=7.5"


def start_seconds() -> float:
    """Seconds from ``FakeAzure()`` to a started fake (CA and certificate included)."""
    start = time.perf_counter()
    azure = FakeAzure().start()
    elapsed = time.perf_counter() - start
    azure.stop()
    return elapsed


def per_test_seconds() -> tuple[float, float]:
    """What the ``fake_azure`` fixture pays per test: a new fake built, started and stopped (what
    it did before issue 14), and a running fake reset (what it does now); each after one request
    through a keep-alive connection, which the stop or the reset must drop."""
    azure = FakeAzure().start()
    session = _session(azure)
    session.get(SECRET_URL, headers=_bearer())
    start = time.perf_counter()
    azure.stop()
    fresh = FakeAzure().start()
    restart = time.perf_counter() - start
    session.get(
        SECRET_URL, headers=_bearer(), proxies={"https": fresh.proxy_url}, verify=str(fresh.ca_path)
    )
    start = time.perf_counter()
    fresh.reset()
    reset = time.perf_counter() - start
    fresh.stop()
    session.close()
    return restart, reset


def _session(azure: FakeAzure) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"https": azure.proxy_url}
    session.verify = str(azure.ca_path)
    return session


def _bearer() -> dict[str, str]:
    now = int(time.time())
    token = mint_token(audience="https://vault.azure.net", issued_at=now, expires_on=now + 3600)
    return {"Authorization": f"Bearer {token}"}


def _requests_client(azure: FakeAzure) -> Callable[[], None]:
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"https": azure.proxy_url}
    session.verify = str(azure.ca_path)
    now = int(time.time())
    token = mint_token(audience="https://vault.azure.net", issued_at=now, expires_on=now + 3600)
    headers = {"Authorization": f"Bearer {token}"}

    def get() -> None:
        response = session.get(SECRET_URL, headers=headers, timeout=10)
        if response.status_code != 200 or response.json()["value"] != values.SECRET_VALUE:
            raise AssertionError(f"unexpected answer {response.status_code}")

    return get


def _secret_client(azure: FakeAzure) -> Any:
    """The real ``SecretClient`` with ``FakeCredential``, pointed at ``azure`` by its arguments."""
    from azure.keyvault.secrets import SecretClient
    from azureml_obo_harness.credential import FakeCredential

    return SecretClient(
        values.VAULT_URL,
        FakeCredential(),
        proxies={"https": azure.proxy_url},
        connection_verify=str(azure.ca_path),
    )


def _read_seeded_secret(client: Any) -> None:
    """One get-secret of the seeded secret through ``client``, its value checked."""
    if client.get_secret(values.SECRET_NAME).value != values.SECRET_VALUE:
        raise AssertionError("unexpected secret value")


def _sdk_client(azure: FakeAzure) -> Callable[[], None]:
    client = _secret_client(azure)

    def get() -> None:
        _read_seeded_secret(client)

    return get


CLIENTS: dict[str, Callable[[FakeAzure], Callable[[], None]]] = {
    "requests": _requests_client,
    "SecretClient": _sdk_client,
}


def round_trips_per_second(client: str, threads: int, *, seconds: float = 2.0) -> float:
    """Get-secret round trips per second, all ``threads`` together, over about ``seconds``."""
    with FakeAzure() as azure:
        gets = [CLIENTS[client](azure) for _ in range(threads)]
        for get in gets:
            get()  # connect, handshake, Key Vault's challenge: not part of the steady state
        counts = [0] * threads
        errors: list[BaseException] = []
        barrier = threading.Barrier(threads + 1)
        deadline: list[float] = []

        def work(slot: int, get: Callable[[], None]) -> None:
            barrier.wait()
            try:
                while time.perf_counter() < deadline[0]:
                    get()
                    counts[slot] += 1
            except BaseException as error:  # reported below
                errors.append(error)

        workers = [threading.Thread(target=work, args=(slot, get)) for slot, get in enumerate(gets)]
        for worker in workers:
            worker.start()
        start = time.perf_counter()
        deadline.append(start + seconds)
        barrier.wait()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return sum(counts) / elapsed


def cpu_split(new_client: bool, *, calls: int = 300) -> tuple[float, float, float]:
    """Per get-secret with the real ``SecretClient``: wall seconds, the calling thread's CPU
    seconds (the client) and the rest of the process's (the fake). ``new_client``: a new client
    for every get (a new tunnel, TLS handshake and challenge), else one kept-alive client."""
    with FakeAzure() as azure:
        kept = _sdk_client(azure)
        kept()  # connect, handshake, challenge: once, before

        def fresh() -> None:
            with _secret_client(azure) as client:
                _read_seeded_secret(client)

        get = fresh if new_client else kept
        wall, thread, process = time.perf_counter(), time.thread_time(), time.process_time()
        for _ in range(calls):
            get()
        wall = time.perf_counter() - wall
        thread = time.thread_time() - thread
        process = time.process_time() - process
    return wall / calls, thread / calls, (process - thread) / calls


def median(values_: list[float]) -> float:
    ordered = sorted(values_)
    return ordered[len(ordered) // 2]


def measure(runs: int) -> dict[str, Any]:
    """Median start-up time and round trips per second for each client kind and 1 or 4 threads."""
    results: dict[str, Any] = {"start": median([start_seconds() for _ in range(runs)])}
    per_test = [per_test_seconds() for _ in range(max(runs, 3))]
    results["restart"] = median([restart for restart, _ in per_test])
    results["reset"] = median([reset for _, reset in per_test])
    for client in CLIENTS:
        for threads in (1, 4):
            rates = [round_trips_per_second(client, threads) for _ in range(runs)]
            results[f"{client}/{threads}"] = median(rates)
    for kind in ("kept", "new"):
        splits = [cpu_split(kind == "new") for _ in range(runs)]
        results[f"split/{kind}"] = tuple(
            median([split[part] for split in splits]) for part in range(3)
        )
    return results
