"""The leak scan: find real secrets and identities in cassettes before they reach disk or git.

``cassette-scan PATH...`` (:func:`main`) scans cassette files, or every file under a folder, on its
own: it needs nothing from the run that recorded them. The recorder runs the same scan
(:func:`scan_text`) over a cassette's text before writing it, adding every real value it replaced.

Each finding names a kind (:data:`KINDS`, ``cassette-scan --explain KIND``): secrets by their
shape wherever they are (``jwt``, ``bearer``, ``sas-signature``, ``account-key``,
``connection-string``, ``pem``, ``guid``, ``email``, ``ip-address`` in Key Vault's network info),
secrets by the name of the field that holds them in headers, query strings, JSON at any depth and
form bodies (``token-field``, ``credential-field``, ``secret-value``, ``user-name``,
``ip-address``), and, while recording, ``real-value``.
"""

from __future__ import annotations

from azureml_obo_harness.scan.allowlist import AllowList, load_allow_list, parse_allow_list
from azureml_obo_harness.scan.cli import main
from azureml_obo_harness.scan.finding import Finding, redact
from azureml_obo_harness.scan.kinds import KINDS, Kind
from azureml_obo_harness.scan.patterns import (
    ACCOUNT_KEY,
    BEARER,
    FAKE_GUID_PREFIX,
    GUID_PATTERN,
    JWT,
    PEM_HEADER,
    SANITIZED,
    SAS_SIG,
)
from azureml_obo_harness.scan.scanner import (
    MIN_REAL_VALUE_LENGTH,
    Report,
    scan_files,
    scan_paths,
    scan_text,
)

__all__ = [
    "ACCOUNT_KEY",
    "BEARER",
    "FAKE_GUID_PREFIX",
    "GUID_PATTERN",
    "JWT",
    "KINDS",
    "MIN_REAL_VALUE_LENGTH",
    "PEM_HEADER",
    "SANITIZED",
    "SAS_SIG",
    "AllowList",
    "Finding",
    "Kind",
    "Report",
    "load_allow_list",
    "main",
    "parse_allow_list",
    "redact",
    "scan_files",
    "scan_paths",
    "scan_text",
]
