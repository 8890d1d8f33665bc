"""The contract between the dispatcher and one fake service's HTTP layer (moto's ``responses.py``).

A service contributes werkzeug :class:`~werkzeug.routing.Rule` objects whose endpoint names are
``service/operation`` and whose ``host`` patterns name the real Azure hostnames; the dispatcher
matches a request, applies faults, then calls :meth:`FakeService.handle`. Errors raised as
:class:`~azureml_obo_harness.cloud.http.ServiceError` come back through :meth:`FakeService.render_error`, so every
service answers in its own error shape.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import ServiceError

Handler = Callable[[Request, Mapping[str, Any]], Response]


class FakeService(ABC):
    """One fake Azure service's HTTP layer over its plain-Python backend."""

    name: str
    tls_hostnames: tuple[str, ...] = ()
    """Hostnames (``*.`` wildcards allowed, one label deep) the fake's TLS certificate must cover
    beyond the built-in services'; an added service names its own here."""

    @abstractmethod
    def rules(self) -> list[Rule]:
        """The route table; each rule's endpoint must be a key of :meth:`handlers`."""

    @abstractmethod
    def handlers(self) -> Mapping[str, Handler]:
        """Operation name (``service/operation``) -> handler."""

    @abstractmethod
    def knows_host(self, host: str) -> bool:
        """True if this service answers ``host`` (a CONNECT to any other host is refused)."""

    @abstractmethod
    def render_error(self, error: ServiceError, request: Request) -> Response:
        """``error`` in the service's own error shape (JSON envelope, storage XML, ...)."""

    def operation(self, endpoint: str, request: Request) -> str:
        """The operation a matched request performs; services that multiplex a URL override it."""
        return endpoint

    def operations(self) -> list[str]:
        """Every operation name, for fault injection and error messages."""
        return sorted(self.handlers())
