"""A socketserver loop that stops at once: what the fake Azure and the user token bridge serve on.

socketserver's ``serve_forever`` notices a ``shutdown()`` only at its next poll (every half
second by default), so every stop waits half a poll interval on average. The fake Azure paid it
at every test's stop (53 stops, 2.5 s of a serial run); the bridge, with a 0.05 s poll, at every
job's end (1.1 s of a 21.5 s serial run, sampled with py-spy, before it used this loop).
:class:`PromptShutdownMixin` also waits on a socket that
:meth:`~PromptShutdownMixin.shutdown` writes to, so the loop returns as soon as it is asked.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from typing import Any

_LISTENING = "listening"
"""The selector's mark on the listening socket (the wake-up socket has none)."""


class PromptShutdownMixin:
    """For a ``socketserver.BaseServer`` subclass, listed before it: ``serve_forever`` returns as
    soon as ``shutdown()`` is called, which waits for it (and returns at once if it never ran).

    Its ``serve_forever`` does not close the server when the loop ends (werkzeug's would):
    ``server_close()`` stays the owner's to call, after ``shutdown()``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()  # not serving yet: a shutdown() before serve_forever() returns at once
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(*args, **kwargs)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections until :meth:`shutdown` (``poll_interval``: how often
        ``service_actions`` runs while no connection arrives)."""
        self._stopped.clear()
        try:
            with selectors.DefaultSelector() as selector:
                listening: Any = self  # a BaseServer: selectors take it by its fileno()
                selector.register(listening, selectors.EVENT_READ, data=_LISTENING)
                selector.register(self._wake_reader, selectors.EVENT_READ)
                while not self._stopping.is_set():
                    ready = [key.data for key, _ in selector.select(poll_interval)]
                    if self._stopping.is_set():
                        break
                    if _LISTENING in ready:
                        self._accept()
                    self.service_actions()  # type: ignore[attr-defined]
        except (OSError, ValueError):
            # a stop right after the start: server_close() may close the sockets before this
            # thread has registered them. A stop asked for is no error; anything else is.
            if not self._stopping.is_set():
                raise
        finally:
            self._stopped.set()

    def _accept(self) -> None:
        """Take one waiting connection and hand it on (socketserver's steps for one request)."""
        server: Any = self
        try:
            request, client_address = server.get_request()
        except OSError:
            return  # the client gave up, or the server was closed
        if not server.verify_request(request, client_address):
            server.shutdown_request(request)
            return
        try:
            server.process_request(request, client_address)
        except Exception:
            server.handle_error(request, client_address)
            server.shutdown_request(request)

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` and wait until it has returned."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")
        self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()  # type: ignore[misc]
        self._wake_reader.close()
        self._wake_writer.close()
