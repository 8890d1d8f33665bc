"""The contract between the dispatcher and one fake service's HTTP layer (moto's ``responses.py``).

A service contributes werkzeug :class:`~werkzeug.routing.Rule` objects whose endpoint names are
``service/operation`` and whose ``host`` patterns name the real Azure hostnames; the dispatcher
matches a request, applies faults, then calls :meth:`FakeService.handle`. Errors raised as
:class:`~azureml_obo_harness.cloud.http.ServiceError` come back through :meth:`FakeService.render_error`, so every
service answers in its own error shape.
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import ServiceError

Handler = Callable[[Request, Mapping[str, Any]], Response]
_Service = TypeVar("_Service", bound="FakeService")


def fixed_rules(
    rules: Callable[[_Service], list[Rule]],
) -> Callable[[_Service], list[Rule]]:
    """For a service's :meth:`FakeService.rules` that depends on nothing of the instance: the
    table is built once per class, and every call returns the same :class:`Rule` objects (in a new
    list), by which the dispatcher finds the route map it compiled for them without comparing
    every rule's arguments again (:meth:`FakeAzure.reset` builds every service anew)."""
    built: dict[type, list[Rule]] = {}
    lock = threading.Lock()

    @functools.wraps(rules)
    def cached(self: _Service) -> list[Rule]:
        with lock:
            table = built.get(type(self))
            if table is None:
                table = built[type(self)] = rules(self)
        return list(table)

    return cached


@dataclass(frozen=True)
class ServedOperation:
    """One operation a fake service answers, as the README's table lists it."""

    service: str
    operation: str
    """The fake's name, as faults and :attr:`RecordedRequest.operation` use it."""
    rest_operation: str | None
    """The REST spec's ``operationId`` (``GetSecret``, ``BlockBlob_GetBlockList``), if known."""
    method: str
    host: str
    path: str
    """The path template, with the query or headers that select the operation if any."""


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

    def rest_operations(self) -> Mapping[str, str]:
        """Operation name -> the REST spec's ``operationId`` (``keyvault/get_secret`` ->
        ``GetSecret``), recorded on every request as :attr:`RecordedRequest.rest_operation`.

        List operations the service recognises but does not implement too (an operation
        :meth:`operation` returns that has no handler): their 501 then names the REST operation.
        """
        return {}

    def served_operations(self) -> list[ServedOperation]:
        """What this service answers, one row per implemented operation and method.

        The default reads :meth:`rules`: a rule whose endpoint has a handler is one row per
        method. A service whose :meth:`operation` picks among several operations on one rule
        (Blob's ``comp``/``restype``) overrides this to describe each with its selecting query.
        """
        handlers = self.handlers()
        rest = self.rest_operations()
        rows = []
        for rule in self.rules():
            if rule.endpoint not in handlers:
                continue
            methods = set(rule.methods or ())
            if "GET" in methods:
                methods.discard("HEAD")  # werkzeug adds HEAD to every GET rule
            methods.discard("OPTIONS")
            for method in sorted(methods):
                rows.append(
                    ServedOperation(
                        service=self.name,
                        operation=str(rule.endpoint),
                        rest_operation=rest.get(str(rule.endpoint)),
                        method=method,
                        host=rule.host or "",
                        path=rule.rule,
                    )
                )
        return rows
