"""The dispatcher: one werkzeug route table over every fake service, fault injection, a request log.

It turns a :class:`~werkzeug.wrappers.Request` into a :class:`~werkzeug.wrappers.Response` and
knows nothing about sockets, so it can also be driven through ``werkzeug.test.Client`` (it is a
WSGI application too). A request no rule matches gets a 501 that names the method, host, path and
query (and the operation, when its service recognised it); a request to a host no service answers
gets a 501 ``HostNotServedByFakeAzure`` that says how to serve or bypass the host.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.faults import Fault, FaultPlan
from azureml_obo_harness.cloud.http import (
    UNSERVED_HOST_CODE,
    ConnectionResetFault,
    ServiceError,
    host_not_served,
    json_response,
    new_request_id,
    not_implemented,
)
from azureml_obo_harness.cloud.service import FakeService, Handler


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake answered (or dropped): what was asked and how it was answered."""

    method: str
    host: str
    path: str
    query: str
    operation: str
    """The fake's operation name (``keyvault/get_secret``); ``unrouted`` if no rule matched,
    ``unserved`` for a host no service answers."""
    status: int
    """The response status; 0 if the connection was reset instead."""
    rest_operation: str | None = None
    """The REST spec's ``operationId`` of :attr:`operation` (``GetSecret``), when its service
    names it in :meth:`~azureml_obo_harness.cloud.service.FakeService.rest_operations`."""


class Dispatcher:
    """Routes requests by Host and path to the services' handlers."""

    def __init__(self, services: Iterable[FakeService], faults: FaultPlan) -> None:
        self.services = {service.name: service for service in services}
        self.faults = faults
        rules = [rule for service in self.services.values() for rule in service.rules()]
        self.url_map = _route_map(rules)
        # Each service's handlers and REST names are asked for on the first request that needs
        # them: ``FakeAzure.reset`` builds a dispatcher before every test, and most tests reach
        # one or two of the services (Blob alone makes ~60 handlers).
        self._service_handlers: dict[str, Mapping[str, Handler]] = {}
        self._service_rest_names: dict[str, Mapping[str, str]] = {}
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()

    @property
    def operations(self) -> list[str]:
        """Every operation name of every service (``keyvault/get_secret``...)."""
        return sorted(name for service in self.services.values() for name in service.operations())

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, in order."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        """Forget the request log (state is untouched)."""
        with self._lock:
            self._log.clear()

    def knows_host(self, host: str) -> bool:
        """True if some service answers ``host`` over TLS (the proxy answers other tunnels with
        the unserved-host error, under a certificate issued for that host)."""
        return any(service.knows_host(host) for service in self.services.values())

    def served_hosts(self) -> list[str]:
        """The host patterns the services route (``<vault>.vault.azure.net``...), for messages."""
        hosts = {str(rule.host) for rule in self.url_map.iter_rules() if rule.host}
        return sorted(host for host in hosts if not _is_loopback(host.partition(":")[0]))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """WSGI entry point, for ``werkzeug.test.Client`` and other WSGI servers."""
        return self.respond(Request(environ))(environ, start_response)

    def respond(self, request: Request) -> Response:
        """The response to ``request``; raises :class:`ConnectionResetFault` to drop the connection."""
        host = request.host.lower().removesuffix(":443")
        routed: list[str] = ["unrouted"]
        try:
            response = self._route(request, host, routed)
        except ConnectionResetFault:
            self._record(request, host, routed[0], 0)
            raise
        except Exception as error:
            # A bug in the fake itself: answer 500 with the cause rather than dropping the
            # connection, so the failing test shows what broke.
            details = "".join(traceback.format_exception(error))
            response = Response(
                f"fake Azure internal error on {request.method} {host}{request.path}:\n{details}",
                status=500,
                content_type="text/plain; charset=utf-8",
            )
        self._record(request, host, routed[0], response.status_code)
        return response

    def _record(self, request: Request, host: str, operation: str, status: int) -> None:
        query = request.query_string.decode()
        record = RecordedRequest(
            request.method,
            host,
            request.path,
            query,
            operation,
            status,
            rest_operation=self._rest_operation(operation),
        )
        with self._lock:
            self._log.append(record)

    def _route(self, request: Request, host: str, routed: list[str]) -> Response:
        service = self._service_for_host(host)
        if service is None and not _is_loopback(host.partition(":")[0]):
            # No service answers this host (over a tunnel or as a plain proxied request): say so
            # at once, in a status no SDK retries, instead of a neighbouring service's 404.
            routed[0] = "unserved"
            return _unserved_response(
                host_not_served(request, host=host, served=self.served_hosts())
            )
        adapter = self.url_map.bind(host, url_scheme=request.scheme)
        try:
            endpoint, args = adapter.match(request.path, method=request.method)
        except HTTPException:
            error = not_implemented(request, service=_name(service))
            return self._render(service, error, request)
        service = self.services[endpoint.split("/", 1)[0]]
        operation = service.operation(endpoint, request)
        routed[0] = operation
        handler = self._handlers_of(service).get(operation)
        if handler is None:
            error = not_implemented(
                request,
                service=service.name,
                operation=operation,
                rest_operation=self._rest_operation(operation),
            )
            return service.render_error(error, request)
        fault = self.faults.take(operation)
        if fault is not None and not fault.after_handling:
            return self._fault_response(service, fault, request)
        try:
            response = handler(request, args)
        except ServiceError as error:
            response = service.render_error(error, request)
        if fault is not None:  # the service did the work; only its answer is lost
            return self._fault_response(service, fault, request)
        return response

    def _handlers_of(self, service: FakeService) -> Mapping[str, Handler]:
        handlers = self._service_handlers.get(service.name)
        if handlers is None:  # two threads may both build them: the first one kept wins
            handlers = self._service_handlers.setdefault(service.name, service.handlers())
        return handlers

    def _rest_operation(self, operation: str) -> str | None:
        """The REST spec's ``operationId`` of ``operation`` (``service/operation``), if the service
        its name starts with names it; ``unrouted`` and ``unserved`` have none."""
        service = self.services.get(operation.partition("/")[0])
        if service is None:
            return None
        names = self._service_rest_names.get(service.name)
        if names is None:  # two threads may both ask: the first answer kept wins
            names = self._service_rest_names.setdefault(service.name, service.rest_operations())
        return names.get(operation)

    def _service_for_host(self, host: str) -> FakeService | None:
        for service in self.services.values():
            if service.knows_host(host):
                return service
        return None

    def _render(
        self, service: FakeService | None, error: ServiceError, request: Request
    ) -> Response:
        if service is None:
            return json_response(
                {"error": {"code": error.code, "message": error.message}}, status=error.status
            )
        return service.render_error(error, request)

    def _fault_response(self, service: FakeService, fault: Fault, request: Request) -> Response:
        # Read the body the client sent, as the real service does: left unread on a keep-alive
        # connection, it would be taken for the start of the next request.
        request.get_data()
        if fault.reset:
            raise ConnectionResetFault(f"injected connection reset for {fault.route}")
        headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
        if fault.body is not None:
            response = Response(fault.body, status=fault.status, content_type=fault.content_type)
            for name, value in headers.items():
                response.headers[name] = value
            return response
        phrase = _phrase(fault.status)
        error = ServiceError(
            fault.status,
            phrase.replace(" ", ""),
            f"Injected fault: {phrase} (fake Azure fault on {fault.route}).",
            headers=headers,
        )
        return service.render_error(error, request)


_RuleKey = tuple[str, tuple[tuple[str, Any], ...]]
_ROUTE_MAPS: dict[tuple[_RuleKey, ...], Map] = {}
_ROUTE_MAPS_BY_IDENTITY: dict[tuple[int, ...], tuple[tuple[Rule, ...], Map]] = {}
"""The same maps by the identity of the rule objects they were built for (kept alive here, so an
id is not reused while its entry stands): services whose rules are :func:`fixed_rules` hand the
same objects to every dispatcher, and finding their map takes no comparison of arguments."""
_ROUTE_MAPS_LOCK = threading.Lock()


def _frozen(value: Any) -> Any:
    """``value`` hashable and in one order: the sets and dicts of a rule's arguments, sorted."""
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, dict):
        return tuple(sorted((name, _frozen(item)) for name, item in value.items()))
    return value


def _rule_key(rule: Rule) -> _RuleKey:
    """Everything a rule is made of (its string and every constructor argument), hashable."""
    arguments = rule.get_empty_kwargs()
    return rule.rule, tuple(sorted((name, _frozen(value)) for name, value in arguments.items()))


def _route_map(rules: list[Rule]) -> Map:
    """The compiled route map of ``rules``, built once a process for each distinct rule set.

    Building one compiles a regular expression per rule (about 25 ms for the built-in services'
    ~56 rules), and :meth:`FakeAzure.reset` builds a new dispatcher before each test with the
    same rules. A map is only read once built (``bind`` makes an adapter of its own per request),
    so the dispatchers of several fakes may share one. Rules seen before, the same objects, find
    their map by identity; other rules by what they are made of (:func:`_rule_key`).
    """
    identity = tuple(map(id, rules))
    with _ROUTE_MAPS_LOCK:
        known = _ROUTE_MAPS_BY_IDENTITY.get(identity)
    if known is not None:
        return known[1]
    key = tuple(_rule_key(rule) for rule in rules)
    with _ROUTE_MAPS_LOCK:
        route_map = _ROUTE_MAPS.get(key)
    if route_map is None:
        compiled = [_MatchOnlyRule(rule.rule, **rule.get_empty_kwargs()) for rule in rules]
        # strict_slashes=False: Key Vault GETs "/secrets/name/" but PUTs "/secrets/name".
        route_map = Map(compiled, host_matching=True, strict_slashes=False, merge_slashes=False)
    with _ROUTE_MAPS_LOCK:
        # fakes with many different extra services: keep both bounded
        for cache in (_ROUTE_MAPS, _ROUTE_MAPS_BY_IDENTITY):
            if len(cache) >= 16:
                cache.clear()
        route_map = _ROUTE_MAPS.setdefault(key, route_map)
        _ROUTE_MAPS_BY_IDENTITY[identity] = (tuple(rules), route_map)
        return route_map


class _MatchOnlyRule(Rule):
    """A rule that matches but never builds URLs: werkzeug compiles two URL builders per rule
    (Python source, ``exec``'d) when a map is built, about 10 ms a rule, which with some fifty
    rules was most of the fake's start-up time. The fake only matches requests."""

    def _compile_builder(self, append_unknown: bool = True) -> Any:
        def build(self: Rule, **values: Any) -> tuple[str, str]:
            raise NotImplementedError("the fake Azure's route map matches URLs; it builds none")

        return build


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status{status}"


def _name(service: FakeService | None) -> str:
    return service.name if service else "no service for this host"


def _is_loopback(host: str) -> bool:
    """The fake's own address (the OBO endpoint is plain http on it)."""
    return host.strip("[]") in ("127.0.0.1", "localhost", "::1")


def _unserved_response(error: ServiceError) -> Response:
    """The unserved-host answer: JSON, and the code in ``x-ms-error-code`` too, which the storage
    SDK reads when the body is not its XML."""
    body = {"error": {"code": error.code, "message": error.message}}
    headers = {"x-ms-error-code": UNSERVED_HOST_CODE, "x-ms-request-id": new_request_id()}
    return json_response(body, status=error.status, headers=headers)
