"""Adding a service the fake Azure does not serve: a host pattern and a route table, nothing more.

::

    from azureml_obo_harness.cloud import FakeAzure
    from azureml_obo_harness.cloud.custom import CustomService

    flags = {"feature-x": True}

    def get_flag(request, args):  # werkzeug Request, the <arguments> of host and path
        if args["flag"] not in flags:
            raise ServiceError(404, "FlagNotFound", f"No flag {args['flag']!r}.")
        return {"flag": args["flag"], "enabled": flags[args["flag"]]}  # JSON, status 200

    service = CustomService(
        "flags", host="<team>.flags.contoso.example", routes={"GET /flags/<flag>": get_flag}
    )
    with FakeAzure(extra_services=[service]) as azure:
        ...  # https://obo.flags.contoso.example/flags/feature-x answers through azure.proxy_url

In tests, override the ``extra_fake_services`` fixture instead: the harness's fake Azure (recording
with ``--azure=fake``) and ``fake_azure`` then serve it too. For a service with state worth
inspecting and errors in its own shape, subclass :class:`~azureml_obo_harness.cloud.service.FakeService` the way
``fakes/src/azureml_obo_harness/cloud/keyvault/`` does (``models.py`` state, ``routes.py`` HTTP).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import ServiceError, json_response, new_request_id
from azureml_obo_harness.cloud.service import FakeService, Handler

RouteHandler = Callable[[Request, Mapping[str, Any]], Any]
"""Takes the request and the path's ``<arguments>``; returns a werkzeug ``Response``, or anything
JSON-serializable (sent as a 200), or raises :class:`~azureml_obo_harness.cloud.http.ServiceError`."""

_PLACEHOLDER = re.compile(r"<[^>]+>")
_ROUTE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>/\S*)$")


class CustomService(FakeService):
    """A fake service from a werkzeug host pattern and ``{"METHOD /path/<arg>": handler}``.

    ``host`` is a real hostname or a pattern with one ``<placeholder>`` per label
    (``<team>.flags.contoso.example``); the TLS certificate covers it (placeholders become ``*``),
    and the proxy lets a CONNECT to a matching host through. Errors are
    answered as ``{"error": {"code", "message"}}`` JSON, the ARM/data-plane shape most Azure
    services share. Operation names are ``<name>/<handler name>`` for fault injection
    (``azure.faults.add("flags/get_flag", status=503)``).
    """

    def __init__(self, name: str, *, host: str, routes: Mapping[str, RouteHandler]) -> None:
        if "/" in name or not name:
            raise ValueError(f"service name {name!r} must be non-empty and without '/'")
        self.name = name
        self.host = host.lower()
        self.tls_hostnames = (_PLACEHOLDER.sub("*", self.host),)
        self._host_pattern = re.compile(f"^{_PLACEHOLDER.sub('[^.]+', re.escape(self.host))}$")
        self._rules: list[Rule] = []
        self._handlers: dict[str, Handler] = {}
        for route, handler in routes.items():
            match = _ROUTE.match(route)
            if match is None:
                raise ValueError(f"route {route!r} must read 'METHOD /path', e.g. 'GET /kv/<key>'")
            operation = f"{name}/{getattr(handler, '__name__', 'handler')}"
            if operation in self._handlers:
                operation = f"{operation}_{len(self._handlers)}"
            self._rules.append(
                Rule(match["path"], host=self.host, endpoint=operation, methods=[match["method"]])
            )
            self._handlers[operation] = _as_handler(handler)

    def rules(self) -> list[Rule]:
        return list(self._rules)

    def handlers(self) -> Mapping[str, Handler]:
        return dict(self._handlers)

    def knows_host(self, host: str) -> bool:
        return self._host_pattern.match(host.lower()) is not None

    def render_error(self, error: ServiceError, request: Request) -> Response:
        body = {"error": {"code": error.code, "message": error.message}}
        headers = {"x-ms-request-id": new_request_id(), **error.headers}
        return json_response(body, status=error.status, headers=headers)


def _as_handler(handler: RouteHandler) -> Handler:
    def handle(request: Request, args: Mapping[str, Any]) -> Response:
        result = handler(request, args)
        return result if isinstance(result, Response) else json_response(result)

    return handle
