"""The lower bound for any recording tool: canned responses served at ``requests``' adapter.

:func:`serving` patches ``requests.adapters.HTTPAdapter.send`` (no vcrpy, no urllib3 connection) to
answer each request with the next recorded response for its method, host and GUID-templated path,
in recording order. Everything above the adapter (azure-core's pipeline, the SDKs) runs as usual.
"""

from __future__ import annotations

import io
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import requests
import yaml
from azureml_obo_harness.recording.matchers import path_template
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict

Key = tuple[str, str, str]


def _key(method: str, url: str) -> Key:
    parts = urlsplit(url)
    return method.upper(), parts.hostname or "", path_template(parts.path or "/")


def canned_responses(cassette: Path) -> dict[Key, list[dict[str, Any]]]:
    """The cassette's responses by (method, host, path template), in recording order."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(cassette.read_text(encoding="utf-8"), Loader=loader)
    canned: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for interaction in data["interactions"]:
        request = interaction["request"]
        canned[_key(request["method"], request["uri"])].append(interaction["response"])
    return dict(canned)


def _response(adapter: Any, request: Any, recorded: dict[str, Any]) -> requests.Response:
    body = recorded["body"]["string"]
    content = body.encode() if isinstance(body, str) else body
    headers = HTTPHeaderDict()
    for name, values in recorded["headers"].items():
        for value in values:
            headers.add(name, value)
    if "Content-Length" in headers:  # sanitizing may have changed the body's length
        headers["Content-Length"] = str(len(content))
    raw = HTTPResponse(
        body=io.BytesIO(content),
        headers=headers,
        status=recorded["status"]["code"],
        reason=recorded["status"]["message"],
        preload_content=False,
        decode_content=False,
    )
    response: requests.Response = adapter.build_response(request, raw)
    return response


@contextmanager
def serving(canned: dict[Key, list[dict[str, Any]]]) -> Iterator[dict[Key, deque[Any]]]:
    """Serve ``canned`` (a fresh queue per key) until the block ends; yields what is left."""
    queues = {key: deque(responses) for key, responses in canned.items()}

    def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        queue = queues.get(_key(request.method, request.url))
        if not queue:
            raise AssertionError(f"stub: nothing canned for {request.method} {request.url}")
        return _response(adapter, request, queue.popleft())

    with mock.patch.object(requests.adapters.HTTPAdapter, "send", send):
        yield queues
