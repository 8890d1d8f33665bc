"""A local OBO endpoint that serves the signed-in user's own tokens to ``AzureMLOnBehalfOfCredential``.

On AzureML, a job with ``identity: user_identity`` gets the submitting user's tokens from a
loopback endpoint named by ``OBO_ENDPOINT`` (``GET <endpoint>?resource=R``, answered with
``access_token``/``expires_in``/``expires_on``/``resource``: docs/protocol.md#obo-token-response-and-caching). This
module serves the same protocol on a developer's machine, with tokens of an upstream credential
(``DefaultAzureCredential`` by default: ``az login``, azd, environment...), so unchanged OBO code
runs against real Azure as the signed-in user::

    with user_token_bridge(DefaultAzureCredential()) as bridge:
        subprocess.run(command, env={**os.environ, **bridge.environ()})

Security properties (each tested in ``tests/test_obo_bridge.py``):

- it binds ``127.0.0.1`` only;
- its URL carries an unguessable per-bridge path (``secrets.token_urlsafe(32)``); any other path,
  method or ``Host`` gets a bare 404, so nothing else on the machine can get tokens by asking;
- it issues tokens only for an allow-list of resources (:data:`DEFAULT_ALLOWED_RESOURCES`),
  refusing any other with a 403 that names it;
- tokens are never logged, printed or written: the log says which resource was asked for and the
  outcome, never the token or the secret path; ``repr`` and errors do not carry them either;
- it stops (and the port closes) when the ``with`` block ends.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from azure.core.credentials import TokenCredential

from azureml_obo_harness.serving import PromptShutdownMixin

logger = logging.getLogger(__name__)

DEFAULT_ALLOWED_RESOURCES = (
    "https://management.azure.com",
    "https://vault.azure.net",
    "https://storage.azure.com",
    "https://ml.azure.com",
)
"""ARM, Key Vault, Storage and AzureML: what an OBO job reads and submits with."""

LOOPBACK = "127.0.0.1"


def _normalized(resource: str) -> str:
    return resource.strip().rstrip("/").lower()


@dataclass(frozen=True)
class BridgeRequest:
    """One token request the bridge answered on its path: the resource and what happened."""

    resource: str
    outcome: Literal["issued", "refused", "failed"]


class _BridgeServer(PromptShutdownMixin, ThreadingHTTPServer):
    """The bridge's HTTP server: a thread per request, and a stop that does not wait for a poll."""

    daemon_threads = True


class UserTokenBridge:
    """The bridge's state and server; see the module docstring. Use :func:`user_token_bridge`."""

    def __init__(
        self,
        upstream: TokenCredential,
        *,
        allow: Iterable[str] = DEFAULT_ALLOWED_RESOURCES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._upstream = upstream
        self.allowed_resources = tuple(dict.fromkeys(r.strip().rstrip("/") for r in allow if r))
        self._allowed = {_normalized(resource) for resource in self.allowed_resources}
        self._clock = clock
        self._path = f"/{secrets.token_urlsafe(32)}/token"
        self._server: _BridgeServer | None = None
        self._thread: threading.Thread | None = None
        self._requests: list[BridgeRequest] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        # Never the path: it is what lets a process ask for tokens.
        state = f"port {self.port}" if self._server is not None else "stopped"
        return f"<UserTokenBridge on {LOOPBACK} ({state}), allowing {list(self.allowed_resources)}>"

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> UserTokenBridge:
        """Bind ``127.0.0.1`` on a free port and serve on a background thread."""
        if self._server is not None:
            raise RuntimeError("this bridge is already running; stop() it first")
        self._server = _BridgeServer((LOOPBACK, 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name="obo-user-token-bridge",
            daemon=True,
        )
        self._thread.start()
        logger.info("user token bridge serving on %s:%d", LOOPBACK, self.port)
        return self

    def stop(self) -> None:
        """Stop serving and close the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if server is not None:
            logger.info("user token bridge stopped")

    def __enter__(self) -> UserTokenBridge:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- how to reach it -------------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server socket is bound to."""
        host, port = self._running().server_address[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def endpoint(self) -> str:
        """The value for ``OBO_ENDPOINT``. It carries the secret path: give it to the job's
        process only (its environment), never to a log or a file."""
        return f"http://{LOOPBACK}:{self.port}{self._path}"

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The variables that make ``AzureMLOnBehalfOfCredential`` use this bridge:
        ``OBO_ENDPOINT``, ``AZUREML_OBO_ENABLED=True``, and ``NO_PROXY``/``no_proxy`` from ``base``
        (default ``os.environ``) plus ``127.0.0.1``, so a configured HTTP proxy never sees the
        endpoint's path. Set them before the credential is created (it reads them once)."""
        base = os.environ if base is None else base
        bypass = [
            item.strip()
            for item in (base.get("NO_PROXY") or base.get("no_proxy") or "").split(",")
            if item.strip()
        ]
        for host in (LOOPBACK, "localhost"):
            if host not in bypass:
                bypass.append(host)
        no_proxy = ",".join(bypass)
        return {
            "OBO_ENDPOINT": self.endpoint,
            "AZUREML_OBO_ENABLED": "True",
            "NO_PROXY": no_proxy,
            "no_proxy": no_proxy,
        }

    @property
    def requests(self) -> list[BridgeRequest]:
        """Every token request received on the bridge's path, in order."""
        with self._lock:
            return list(self._requests)

    # -- the protocol ----------------------------------------------------------------------------

    def _is_own(self, path: str, host: str) -> bool:
        own_hosts = {f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"}
        return hmac.compare_digest(path.encode(), self._path.encode()) and host in own_hosts

    def _record(self, resource: str, outcome: Literal["issued", "refused", "failed"]) -> None:
        with self._lock:
            self._requests.append(BridgeRequest(resource, outcome))
        logger.info("user token bridge: %s for resource %s", outcome, resource)

    def answer(self, resource: str) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for a token request for ``resource``."""
        if not resource:
            return 400, _error("UserError", "The 'resource' query parameter is required.")
        if _normalized(resource) not in self._allowed:
            self._record(resource, "refused")
            return 403, _error(
                "ResourceNotAllowed",
                f"The local OBO bridge does not issue tokens for {resource!r}: it allows "
                f"{', '.join(self.allowed_resources)}. Add it with --allow-resource {resource} "
                "(or allow=[...]) if the job needs it.",
            )
        try:
            token = self._upstream.get_token(f"{resource.rstrip('/')}/.default")
        except Exception as error:  # any credential failure is the job's ClientAuthenticationError
            self._record(resource, "failed")
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            return 401, _error(
                "UpstreamCredentialError",
                f"The signed-in user's credential could not get a token for {resource}: "
                f"{first_line} (sign in with az login, or check the upstream credential).",
            )
        self._record(resource, "issued")
        expires_in = max(int(token.expires_on - self._clock()), 0)
        return 200, {
            "access_token": token.token,
            "expires_in": str(expires_in),
            "expires_on": str(int(token.expires_on)),
            "resource": resource,
            "token_type": "Bearer",
        }

    def _running(self) -> _BridgeServer:
        if self._server is None:
            raise RuntimeError("the bridge is not running: use `with user_token_bridge(...)`")
        return self._server


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _handler_for(bridge: UserTokenBridge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "obo-user-token-bridge"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            # The request line carries the secret path: never logged (the bridge logs the resource).
            pass

        def _send(self, status: int, body: dict[str, Any] | None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _not_found(self) -> None:
            # Bare: says nothing of what would have been found.
            self._send(404, None)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if not bridge._is_own(parts.path, self.headers.get("Host", "")):
                self._not_found()
                return
            resource = (parse_qs(parts.query).get("resource") or [""])[0]
            status, body = bridge.answer(resource)
            self._send(status, body)

        def _other_method(self) -> None:
            self._not_found()

        do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _other_method

    return Handler


def default_upstream_credential() -> TokenCredential:
    """``DefaultAzureCredential()``: ``az login``, azd, environment variables, ... (no network
    call until the first token)."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


@contextmanager
def user_token_bridge(
    upstream: TokenCredential | None = None,
    *,
    allow: Iterable[str] = DEFAULT_ALLOWED_RESOURCES,
) -> Iterator[UserTokenBridge]:
    """A running :class:`UserTokenBridge` for the ``with`` block, stopped when it ends.

    ``upstream`` is the credential whose tokens it serves (default
    :func:`default_upstream_credential`); ``allow`` the resources it issues tokens for. Give
    ``bridge.environ()`` to the process that runs the OBO code (or set it in ``os.environ`` before
    creating ``AzureMLOnBehalfOfCredential``).
    """
    bridge = UserTokenBridge(upstream or default_upstream_credential(), allow=allow)
    with bridge:
        yield bridge
