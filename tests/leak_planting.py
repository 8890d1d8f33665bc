"""Planting leaks into interactions: shared by the sanitizer's properties and the scan's corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from vcr.serialize import CASSETTE_FORMAT_VERSION
from vcr.serializers import yamlserializer

VAULT_SECRET_URI = "https://fake-vault.vault.azure.net/secrets/s/?api-version=2026-04-01"
LOCATIONS = ("header", "query", "json", "form")


@dataclass(frozen=True)
class Secret:
    """One planted leak: its kind, the field it sits under (None: any name), the text planted
    and the part of it that must disappear."""

    kind: str
    field: str | None
    planted: str
    core: str


def clean_interaction() -> dict[str, Any]:
    """A Key Vault secret read with nothing in it to hide (its URL makes ``value`` the secret)."""
    return {
        "request": {
            "method": "POST",
            "uri": VAULT_SECRET_URI,
            "body": None,
            "headers": {"Accept": ["application/json"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": None},
        },
    }


def plant(
    interaction: dict[str, Any], secret: Secret, location: str, key: str, depth: int
) -> dict[str, Any]:
    """Put ``secret`` into ``interaction`` at ``location`` (under ``key`` and ``depth`` levels of
    JSON where it has no field name of its own) and return the interaction."""
    request, response = interaction["request"], interaction["response"]
    name = secret.field or key
    # A value under its own field name is a value: encoded as such in a URL or a form.
    value = quote(secret.planted, safe="") if secret.field else secret.planted
    if location == "header":
        request["headers"][secret.field or f"x-custom-{key}"] = [secret.planted]
    elif location == "query":
        request["uri"] += f"&{name}={value}"
    elif location == "json":
        nested: Any = {name: secret.planted}
        for level in range(depth):
            nested = {f"{key}{level}": nested} if level % 2 == 0 else [nested]
        request["body"] = response["body"]["string"] = json.dumps({"outer": nested})
    else:
        request["body"] = response["body"]["string"] = f"grant_type=x&{name}={value}&other=1"
        form = ["application/x-www-form-urlencoded"]
        request["headers"]["Content-Type"] = response["headers"]["Content-Type"] = form
    return interaction


def skeleton(secret: Secret, location: str, key: str, depth: int) -> str:
    """The planted cassette's text without the secret, lowered: the fixed text around it."""
    empty = Secret(secret.kind, secret.field, "", "")
    return cassette_text(plant(clean_interaction(), empty, location, key, depth)).lower()


def cassette_text(interaction: dict[str, Any]) -> str:
    """The text the persister writes: vcrpy's own YAML serializer (libyaml's, where installed)."""
    return yamlserializer.serialize(
        {"version": CASSETTE_FORMAT_VERSION, "interactions": [interaction]}
    )
