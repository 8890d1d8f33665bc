"""A `responses` callback that answers like Key Vault: the real 401 challenge first, then the answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from azureml_obo_harness.values import TENANT_ID

# The real service's answer to a request without a token (docs/protocol.md#key-vault-challenge).
CHALLENGE = {
    "WWW-Authenticate": f'Bearer authorization="https://login.microsoftonline.com/{TENANT_ID}", '
    'resource="https://vault.azure.net"'
}
UNAUTHORIZED = {
    "error": {
        "code": "Unauthorized",
        "message": "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.",
    }
}

Callback = Callable[[Any], tuple[int, dict[str, str], str]]


def challenging_vault(status: int, body: dict[str, object]) -> Callback:
    """Challenge a request without ``Authorization``; answer ``status``/``body`` otherwise."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        if "Authorization" not in request.headers:
            return 401, CHALLENGE, json.dumps(UNAUTHORIZED)
        return status, {}, json.dumps(body)

    return answer
