"""The serve loop of the fake Azure and the user token bridge: a stop does not wait for a poll."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from azureml_obo_harness.serving import PromptShutdownMixin

NEVER = 3600.0
"""A poll interval no test outlives: a stop that waited for the next poll would hang the test."""


@pytest.fixture
def allowed_hosts() -> list[str]:
    """Loopback only (pytest-recording's ``--block-network`` reads this): the servers here."""
    return [r"^127\.0\.0\.1$"]


class _NoContent(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(PromptShutdownMixin, ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def server() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _NoContent)
    yield server
    server.server_close()  # its loop threads are daemons: a failed test cannot hold the run


def _get(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(b"GET / HTTP/1.0\r\n\r\n")
        return client.recv(64)


def test_shutdown_wakes_a_loop_that_would_not_poll_again_for_an_hour(server: _Server) -> None:
    loop = threading.Thread(target=server.serve_forever, args=(NEVER,), daemon=True)
    loop.start()
    assert _get(server.server_address[1]).startswith(b"HTTP/1.0 204")  # it serves

    stopping = threading.Thread(target=server.shutdown, daemon=True)
    stopping.start()
    stopping.join(timeout=30)
    assert not stopping.is_alive(), "shutdown() waited for the next poll"
    loop.join(timeout=30)
    assert not loop.is_alive()


def test_a_shutdown_before_the_loop_started_returns_and_the_late_loop_ends_quietly(
    server: _Server,
) -> None:
    server.shutdown()  # never served: returns at once
    server.server_close()
    server.serve_forever(poll_interval=NEVER)  # starts on closed sockets: returns, raising nothing


def test_an_error_of_the_loop_that_no_stop_asked_for_is_raised(server: _Server) -> None:
    server.server_close()  # closed, but no shutdown() was asked for
    with pytest.raises((OSError, ValueError)):
        server.serve_forever(poll_interval=NEVER)
