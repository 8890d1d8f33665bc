"""The listening side of the fake Azure: an HTTP(S) proxy on 127.0.0.1 that terminates TLS.

A client configured with ``HTTPS_PROXY=http://127.0.0.1:<port>`` sends ``CONNECT host:443``; the
server replies ``200``, wraps the socket in TLS with a certificate from the test CA and serves
HTTP/1.1 keep-alive requests on it. A host a fake service answers gets the one certificate whose
SANs cover every fake hostname; any other host gets its own certificate, issued on first use and
cached, so that the client sees the dispatcher's ``HostNotServedByFakeAzure`` answer (which names
the host and the fix) rather than a refused tunnel it would retry for a minute. Plain-http
requests (the OBO endpoint) are served directly. Requests and responses are werkzeug objects; the stdlib's
``BaseHTTPRequestHandler`` reads the request line and headers, werkzeug builds the environ.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request

from azureml_obo_harness.cloud.blob.routes import RAW_HEADERS_KEY
from azureml_obo_harness.cloud.dispatch import Dispatcher
from azureml_obo_harness.cloud.http import ConnectionResetFault
from azureml_obo_harness.serving import PromptShutdownMixin

if TYPE_CHECKING:
    import trustme

TLS_HANDSHAKE_TIMEOUT = 10.0
TCP_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)
"""Linux's option (see ``_acknowledge_at_once``); None where the platform has none."""


class FakeAzureRequestHandler(WSGIRequestHandler):
    """Serves one client connection: plain requests, or a CONNECT tunnel with TLS inside."""

    protocol_version = "HTTP/1.1"
    server: FakeAzureServer
    tunnel_host: str | None = None

    def setup(self) -> None:
        super().setup()
        # Nagle's algorithm would hold a response's first segment until the client ACKs the
        # previous one (TLS 1.3's session tickets, or the headers of a plain response), and the
        # client delays that ACK by up to 40 ms: every new connection's first request paid it.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the peer (or stop()) already closed the socket
        finally:
            self.server.untrack(self.connection)
            if self.tunnel_host is not None:
                self.connection.close()  # the TLS socket; socketserver only knows the raw one

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError):
            # A client that hangs up mid-request, a failed TLS handshake (the client does not trust
            # the CA), or stop() shutting the socket down: all end this connection, none the server.
            self.close_connection = True

    def run_wsgi(self) -> None:
        """Every HTTP method lands here (werkzeug maps ``do_*`` to it)."""
        if self.command == "CONNECT":
            self._open_tunnel()
        else:
            self._serve_request()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silent: the dispatcher keeps a structured request log instead."""

    def log_message(self, format: str, *args: Any) -> None:
        """Silent (see :meth:`log_request`)."""

    # -- CONNECT ---------------------------------------------------------------------------------

    def _open_tunnel(self) -> None:
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]").lower()
        if not host or not port.isdigit():
            self._refuse(400, f"fake Azure: CONNECT takes host:port, not {self.path!r}.")
            return
        context = self.server.tls_context_for(host)
        if context is None:
            self._refuse(
                502,
                f"fake Azure: no fake service answers {self.path}. Seed the resource, serve the "
                "host with FakeAzure(extra_services=[...]), or add it to NO_PROXY.",
            )
            return
        self.send_response_only(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        raw = self.connection
        self.rfile.close()
        raw.settimeout(TLS_HANDSHAKE_TIMEOUT)
        tls = context.wrap_socket(raw, server_side=True)
        tls.settimeout(None)
        self.server.retrack(raw, tls)
        self.connection = tls
        self.rfile = tls.makefile("rb", self.rbufsize)  # type: ignore[assignment]
        self.wfile = tls.makefile("wb")
        self.tunnel_host = host if port == "443" else f"{host}:{port}"
        self.close_connection = False

    def _refuse(self, status: int, message: str) -> None:
        body = message.encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    # -- requests --------------------------------------------------------------------------------

    def _serve_request(self) -> None:
        self._acknowledge_at_once()  # the body, if the client holds it back for this ACK
        environ = self.make_environ()
        if self.tunnel_host is not None:
            environ["wsgi.url_scheme"] = "https"
            environ["SERVER_PORT"] = "443"
            environ.setdefault("HTTP_HOST", self.tunnel_host)
        environ[RAW_HEADERS_KEY] = list(self.headers.items())
        request = Request(environ)
        try:
            response = self.server.dispatcher.respond(request)
        except ConnectionResetFault:
            self._reset()
            return
        request.get_data()  # drain an unread body, or it would be parsed as the next request
        app_iter, status, headers = response.get_wsgi_response(environ)
        code, _, reason = status.partition(" ")
        self.send_response_only(int(code), reason)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "date" for name, _ in headers):
            self.send_header("Date", formatdate(usegmt=True))
        self.end_headers()
        if self.command != "HEAD":
            for chunk in app_iter:
                self.wfile.write(chunk)
        self.wfile.flush()

    def _acknowledge_at_once(self) -> None:
        """ACK what arrives next without the kernel's delay (Linux ``TCP_QUICKACK``; a no-op
        elsewhere).

        A client sends a request's headers and its body in two writes, and with Nagle's algorithm
        on (the SDKs' sockets through a proxy have no ``TCP_NODELAY``) it sends the body only once
        the headers are ACKed; Linux delays that ACK up to 40 ms while the server has nothing to
        send. Every PUT and POST with a body paid it: 46 ms against 4 ms for a GET. The kernel
        leaves quick-ACK mode on its own, so it is asked again before each request is read.
        """
        if TCP_QUICKACK is not None:
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)

    def _reset(self) -> None:
        """Drop the connection with a TCP RST and no response (an injected fault)."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()


class FakeAzureServer(PromptShutdownMixin, ThreadedWSGIServer):
    """A threaded server whose handler threads are joined and whose connections are tracked, and
    whose loop stops at once (:class:`~azureml_obo_harness.serving.PromptShutdownMixin`).

    Misuse: it must be stopped through :meth:`close` (not ``server_close`` alone), or keep-alive
    connections keep their handler threads blocked and the join waits for the clients.
    """

    daemon_threads = True  # joined by close(); daemon only so a wedged client cannot block exit

    def __init__(
        self,
        dispatcher: Dispatcher,
        tls_context: ssl.SSLContext,
        *,
        port: int = 0,
        authority: trustme.CA | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.tls_context = tls_context
        self.authority = authority
        self._host_contexts: dict[str, ssl.SSLContext] = {}
        self._host_contexts_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._connections_lock = threading.Lock()
        super().__init__("127.0.0.1", port, dispatcher, handler=FakeAzureRequestHandler)

    def tls_context_for(self, host: str) -> ssl.SSLContext | None:
        """The TLS context for a tunnel to ``host``: the shared one for a served host, else one
        with a certificate for ``host`` alone from :attr:`authority` (issued once, then cached).
        None if the host is unserved and there is no authority to issue from."""
        if self.dispatcher.knows_host(host):
            return self.tls_context
        if self.authority is None:
            return None
        with self._host_contexts_lock:
            context = self._host_contexts.get(host)
            if context is None:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                self.authority.issue_cert(host).configure_cert(context)
                self._host_contexts[host] = context
            return context

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection on its own thread, remembered so that close() can join it."""
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"fake-azure-{self.server_address[1]}-connection-{client_address[1]}",
            daemon=True,
        )
        with self._connections_lock:
            self._handler_threads = {item for item in self._handler_threads if item.is_alive()}
            self._handler_threads.add(thread)
        thread.start()

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def retrack(self, old: socket.socket, new: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(old)
            self._connections.add(new)

    def close(self, *, timeout: float = 10.0) -> None:
        """Stop accepting, shut every open connection down, join all handler threads.

        Raises ``RuntimeError`` if a handler thread is still alive after ``timeout`` seconds.
        """
        self.shutdown()
        self.server_close()  # the listening socket: nothing new can connect from here on
        self.drop_connections(timeout=timeout)

    def drop_connections(self, *, timeout: float = 10.0) -> None:
        """Shut every open connection down and join their handler threads; keep listening
        (``FakeAzure.reset``: the clients of the previous test reconnect, as after a restart).

        Raises ``RuntimeError`` if a handler thread is still alive after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._connections_lock:
                connections = list(self._connections)
                threads = [thread for thread in self._handler_threads if thread.is_alive()]
            if not threads:
                return
            for connection in connections:
                # the plain socket method: SSLSocket.shutdown would also drop its TLS state under
                # the feet of the handler thread still reading from it; OSError: already closed
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(connection, socket.SHUT_RDWR)
            for thread in threads:
                thread.join(timeout=0.05)
            if time.monotonic() > deadline:
                names = ", ".join(thread.name for thread in threads)
                raise RuntimeError(f"fake Azure handler threads did not stop: {names}")
