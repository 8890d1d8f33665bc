"""Replay matchers (plain vcrpy matcher functions) and the volatile parts of Azure requests.

A recorded request matches a live one on method, scheme, host, port, path and query, after the
volatile parts are taken out: GUIDs in the path (the SDK names code assets with a fresh uuid4), SAS
parameters, and the code hash (it changes with any edit of the child's code).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from azureml_obo_harness.recording.sanitize import SAS_PARAMETERS
from azureml_obo_harness.scan import GUID_PATTERN

_GUID = re.compile(GUID_PATTERN)
VOLATILE_QUERY = frozenset({*SAS_PARAMETERS, "sv", "sr", "sp", "srt", "ss", "hash"})
MATCH_ON = ("method", "scheme", "host", "port", "path_template", "query_stable")


def path_template(path: str) -> str:
    """``/codes/3f2a...-.../versions`` -> ``/codes/{guid}/versions``."""
    return _GUID.sub("{guid}", path)


def stable_query(uri: str) -> list[tuple[str, str]]:
    """The query of ``uri`` without its volatile parameters, sorted."""
    pairs = parse_qsl(urlsplit(uri).query, keep_blank_values=True)
    return sorted((k, v) for k, v in pairs if k not in VOLATILE_QUERY)


def path_template_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: paths equal once GUIDs are templated."""
    a, b = path_template(r1.path), path_template(r2.path)
    if a != b:
        raise AssertionError(f"{a} != {b}")


def query_stable_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: queries equal without SAS parameters and the code hash."""
    a, b = stable_query(r1.uri), stable_query(r2.uri)
    if a != b:
        raise AssertionError(f"{a} != {b}")
