"""Every named value in a cassette, wherever it sits: the fields the scan judges by name.

A cassette is YAML (vcrpy) or JSON (the Azure SDK test proxy's ``Entries``); either way it is a
tree of mappings whose string leaves may hold more structure: a JSON body inside a YAML string, a
URL with a query string, a form-encoded body, JSON inside a JSON string. :func:`fields` walks all of
it and yields each leaf with the name it sits under, the lines of the file that hold it, and the
request URL of the interaction it belongs to (a Key Vault secret's ``value`` is only a secret
inside a secret's URL). An XML body (Blob's answers) is a tree too: each element's text is named
with its parent's name and its own, ``UserDelegationKey.Value`` (Blob's generic ``Key`` and
``Value`` elements are a blob's index tags, not secrets).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FORM = re.compile(r"[\w.~%+\-\[\]]+=[^&\s;]*(?:&[\w.~%+\-\[\]]+=[^&\s;]*)*")
_URI_KEYS = ("uri", "RequestUri")
_MAX_NESTING = 20  # JSON inside strings inside JSON...: deep enough for anything real


@dataclass(frozen=True)
class Field:
    """A string value and the name it sits under (a mapping key, header, query or form name)."""

    name: str
    value: str
    line: int
    """First line (1-based) of the text that holds the value."""
    last_line: int
    uri: str
    """The request URL of the interaction the value belongs to, or ``""``."""


def fields(text: str) -> Iterator[Field]:
    """Every named string in ``text`` (YAML or JSON); nothing when it parses as neither."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        try:
            data = json.loads(text)
        except ValueError:
            return
        yield from _data(data, "", "", 1, text.count("\n") + 1, 0)
        return
    if root is not None:
        yield from _node(root, "", "")


def _node(node: yaml.Node, name: str, uri: str) -> Iterator[Field]:
    if isinstance(node, yaml.MappingNode):
        pairs = [(_scalar(k), v) for k, v in node.value]
        uri = _interaction_uri(pairs) or uri
        for key, child in pairs:
            yield from _node(child, key if key is not None else name, uri)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _node(child, name, uri)
    elif isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        if value is not None:
            yield from _string(
                value, name, uri, node.start_mark.line + 1, node.end_mark.line + 1, 0
            )


def _scalar(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag.endswith(":binary"):
        try:
            return base64.b64decode(node.value).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return str(node.value)


def _interaction_uri(pairs: list[tuple[str | None, yaml.Node]]) -> str:
    """The request URL when this mapping is an interaction (vcrpy) or an entry (test proxy)."""
    for key, child in pairs:
        if key in _URI_KEYS:
            return _scalar(child) or ""
        if key == "request" and isinstance(child, yaml.MappingNode):
            for sub_key, sub in child.value:
                if _scalar(sub_key) == "uri":
                    return _scalar(sub) or ""
    return ""


def _data(data: Any, name: str, uri: str, line: int, last: int, depth: int) -> Iterator[Field]:
    if isinstance(data, dict):
        found = next((data[k] for k in _URI_KEYS if isinstance(data.get(k), str)), None)
        request = data.get("request")
        if found is None and isinstance(request, dict) and isinstance(request.get("uri"), str):
            found = request["uri"]
        uri = found or uri
        for key, child in data.items():
            yield from _data(child, str(key), uri, line, last, depth)
    elif isinstance(data, list):
        for child in data:
            yield from _data(child, name, uri, line, last, depth)
    elif isinstance(data, str):
        yield from _string(data, name, uri, line, last, depth)


def _string(value: str, name: str, uri: str, line: int, last: int, depth: int) -> Iterator[Field]:
    yield Field(name, value, line, last, uri)
    if depth >= _MAX_NESTING:
        return
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            data = json.loads(stripped)
        except ValueError:
            pass
        else:
            yield from _data(data, name, uri, line, last, depth + 1)
            return
    if stripped[:1] == "<":
        yield from _xml(stripped, uri, line, last, depth + 1)
        return
    if stripped.startswith(("http://", "https://")) and "?" in stripped:
        query = urlsplit(stripped).query
    elif _FORM.fullmatch(stripped):
        query = stripped
    else:
        return
    for key, item in parse_qsl(query, keep_blank_values=True):
        yield from _string(item, key, uri, line, last, depth + 1)


def _xml(text: str, uri: str, line: int, last: int, depth: int) -> Iterator[Field]:
    """Each element's text in an XML document, named ``Parent.Element`` (no namespaces); nothing
    when ``text`` is not well-formed XML, or declares a DTD (Azure's XML never does; its entities
    are not expanded here)."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return
    try:
        root = ElementTree.fromstring(text)
    except (ElementTree.ParseError, ValueError):
        return
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        content = (element.text or "").strip()
        if not content or not isinstance(element.tag, str):
            continue
        parent = parents.get(element)
        name = (
            _local(element.tag) if parent is None else f"{_local(parent.tag)}.{_local(element.tag)}"
        )
        yield from _string(content, name, uri, line, last, depth)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
