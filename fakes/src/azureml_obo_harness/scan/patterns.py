"""What a secret or an identity looks like, and what a fake one looks like.

One module for both sides of the leak net: the sanitizer scrubs exactly these shapes and fields,
and the scan flags exactly these, so a cassette the recorder wrote always scans clean and a cassette
someone changed after does not.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from azureml_obo_harness import values
from azureml_obo_harness.tokens import is_fake_token

FAKE_GUID_PREFIX = "00000000-0000-0000-0000-"
SANITIZED = "sanitized"
"""What the sanitizer puts where a credential was: ``Bearer sanitized``, ``sig=sanitized``."""

# -- shapes: found in any text, whatever the field ---------------------------------------------
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
# A challenge (``Bearer authorization="..."``) names parameters; a credential is one opaque value.
BEARER = re.compile(r"\b(?:Bearer|PoP)\s+(?![A-Za-z_]+=\\?\")([A-Za-z0-9._~+/=-]{8,})")
# Values end at a separator, a quote or a backslash (an escaped quote inside JSON text).
SAS_SIG = re.compile(r"(?:[?&]|\b)sig=([^&\"'\s\\]+)")
ACCOUNT_KEY = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==|AccountKey=([^;\"'\s\\]+)")
# The other secret parts of Azure connection strings (Service Bus, Event Hubs, SQL, Storage SAS):
# after a ``;``, as connection strings separate them (a URL's ``&password=`` is a field's).
CONNECTION_SECRET = re.compile(
    r"(?<=;)\s*(?:SharedAccessKey|SharedAccessSignature|Password|Pwd)=([^;\"'\s\\]+)", re.I
)
PEM_HEADER = re.compile(r"-----BEGIN [A-Z0-9 ]+-----")
GUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
"""A GUID, as text: the sanitizer, the matchers and the scan share it."""
GUID = re.compile(rf"(?<![0-9a-fA-F]){GUID_PATTERN}(?![0-9a-fA-F])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# IPv6 in full or compressed form (at least two colons, hex groups); checked by ``ipaddress``.
IPV6 = re.compile(r"(?<![0-9A-Fa-f:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")
# Key Vault's ``x-ms-keyvault-network-info: conn_type=Ipv4;addr=203.0.113.9;...``.
NETWORK_INFO_ADDR = re.compile(r"\baddr=([0-9A-Fa-f.:]+)")

# -- fields: secret by their name, wherever they are (headers, query, JSON, forms) ---------------
TOKEN_FIELDS = frozenset(
    {
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "token",
        "obotoken",
        "sastoken",
        "assertion",
        "clientassertion",
        "authorization",
        "proxyauthorization",
        "xazuremltoken",
        "oboaccesstoken",
    }
)
"""Normalized names (:func:`field_name`) of fields that hold a token."""
CREDENTIAL_FIELDS = frozenset(
    {
        "clientsecret",
        "password",
        "passwd",
        "pwd",
        "secret",
        "key",
        "apikey",
        "xapikey",
        "accountkey",
        "primarykey",
        "secondarykey",
        "sharedaccesskey",
        "sharedkey",
        "privatekey",
        "ocpapimsubscriptionkey",
        "xmsencryptionkey",
        "userdelegationkeyvalue",
    }
)
"""Normalized names of fields that hold a password, a client secret or a key (an XML element is
named with its parent's name: Blob's ``<UserDelegationKey><Value>`` is ``UserDelegationKey.Value``)."""
USER_FIELDS = frozenset(
    {"createdby", "lastmodifiedby", "username", "upn", "uniquename", "nameofuser"}
    | {"userpuid", "puid", "useraltsecid", "altsecid"}
)
"""Normalized names of fields that name a user (``systemData.createdBy``, token claims...) or
identify one by an id that is no GUID (run history's ``createdBy.userPuId``, the ``puid`` claim:
a Microsoft account's unique id, 16 hex digits; ``userAltSecId``/``altsecid``)."""
CONNECTION_STRING_FIELDS = frozenset({"connectionstring", "sasuri"})
CLIENT_IP_FIELDS = frozenset(
    {
        "xmskeyvaultnetworkinfo",
        "xforwardedfor",
        "xrealip",
        "xclientip",
        "xmsclientip",
        "xoriginatingip",
        "trueclientip",
        "forwarded",
        "clientip",
        "clientipaddress",
        "calleripaddress",
        "sourceip",
        "sourceipaddress",
        "remoteip",
        "remoteaddr",
        "ipaddress",
    }
)
"""Normalized names of headers and fields that carry the caller's address."""

FAKE_EMAIL_DOMAINS = ("invalid", "test", "example", "localhost")
"""Top-level domains reserved for tests and documentation (RFC 2606, RFC 6761)."""
FAKE_EMAIL_HOSTS = ("example.com", "example.net", "example.org")
# Loopback plus the ranges reserved for documentation (RFC 5737, RFC 3849); the fake IP is one.
FAKE_IP = "192.0.2.1"
FAKE_IPV6 = "2001:db8::1"
_FAKE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
_PLACEHOLDERS = frozenset(
    {"", SANITIZED, "redacted", "[redacted]", "<redacted>", "removed", "null", "none", "***"}
)
_FAKE_SHAPED = frozenset({values.USER_DELEGATION_KEY, values.STORAGE_ACCOUNT_KEY})
"""Fakes that must keep a real value's shape (base64 the SDK decodes), so cannot say ``fake``."""
_VAULT_HOST = re.compile(
    r"\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)$", re.I
)


def field_name(name: str) -> str:
    """The name a field is known by, whatever its spelling: ``client_secret``, ``clientSecret``
    and ``Client-Secret`` are all ``clientsecret``."""
    return re.sub(r"[-_.\s]", "", name).lower()


SOURCE_CONTROL_FIELDS = {field_name(name): fake for name, fake in values.SOURCE_CONTROL.items()}
"""Normalized names of the git properties of a submitted job, with the fake each becomes."""


def is_placeholder(value: str) -> bool:
    """A value that stands in for a secret: ``sanitized`` (and ``Bearer sanitized``), other
    recorders' ``REDACTED``-style markers, anything named ``fake...`` and the fakes' own tokens."""
    text = value.strip()
    scheme, _, rest = text.partition(" ")
    if rest and scheme.lower() in ("bearer", "pop", "basic", "sharedkey"):
        text = rest.strip()
    lowered = text.lower()
    return (
        lowered in _PLACEHOLDERS
        or set(lowered) <= {"*", "x"}
        or lowered.startswith("fake")
        or lowered.endswith(" sanitized>")
        or text in _FAKE_SHAPED
        or is_fake_token(text)
    )


def is_fake_guid(guid: str) -> bool:
    """GUIDs of the fake set are all zeros but for their last group."""
    return guid.lower().startswith(FAKE_GUID_PREFIX)


def is_fake_email(address: str) -> bool:
    """An address in a domain reserved for tests (``.invalid``, ``.test``, ``example.com``...)."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    return domain.rpartition(".")[2] in FAKE_EMAIL_DOMAINS or any(
        domain == host or domain.endswith(f".{host}") for host in FAKE_EMAIL_HOSTS
    )


def is_fake_ip(text: str) -> bool:
    """Loopback, unspecified, or in a documentation range: no one's address. Not an address at
    all (``1.2.3.4.5``, ``::``-looking version strings) counts as fake too: nothing to hide."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return True
    return (
        address.is_loopback
        or address.is_unspecified
        or any(address in network for network in _FAKE_NETWORKS)
    )


def is_fake_user(name: str) -> bool:
    """The fake user (by name or upn), a GUID (an object id: the GUID rule judges it), a fake
    e-mail address, a placeholder."""
    return (
        name in (values.DEFAULT_USER.name, values.DEFAULT_USER.upn)
        or is_placeholder(name)
        or GUID.fullmatch(name.strip()) is not None
        or ("@" in name and is_fake_email(name))
    )


def ip_addresses(text: str) -> list[str]:
    """Every IPv4 and IPv6 address written in ``text``."""
    found = [m.group(0) for m in IPV4.finditer(text)]
    for match in IPV6.finditer(text):
        try:
            ipaddress.IPv6Address(match.group(0))
        except ValueError:
            continue
        found.append(match.group(0))
    return found


def is_vault_secret_uri(uri: str) -> bool:
    """A Key Vault secret (or deleted secret) URL: its bodies carry the secret's value."""
    parts = urlsplit(uri)
    path = parts.path.lower()
    return _VAULT_HOST.search(parts.hostname or "") is not None and (
        path.startswith("/secrets/") or path.startswith("/deletedsecrets/")
    )
