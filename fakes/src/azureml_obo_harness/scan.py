"""The leak scan: find real secrets and identities in cassettes before they reach disk or git.

``cassette-scan PATH...`` scans cassette files (or every file under a folder) and prints one
``file:line: rule: what`` line per finding, exiting 1 if there is any. The recorder runs the same
scan over a cassette's text before writing it, adding every real value the run has seen.

Rules (each finding names one):

- ``jwt``: a JSON Web Token that is not one of the fakes' (``azureml_obo_harness.tokens`` signs them FAKE-SIGNATURE);
- ``bearer``: an ``Authorization``-style bearer credential that is not the sanitized placeholder;
- ``sas-signature``: a SAS ``sig=`` value other than the sanitized one;
- ``account-key``: a storage account key (64 bytes, base64) or a connection string's ``AccountKey=``;
- ``pem``: a PEM block (certificate or private key);
- ``guid``: a GUID outside the fake set (fake GUIDs start ``00000000-0000-0000-0000-``);
- ``real-value``: a value the run saw for real (a token, the secret's value, a subscription id...).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from azureml_obo_harness.tokens import is_fake_token

FAKE_GUID_PREFIX = "00000000-0000-0000-0000-"
SANITIZED = "sanitized"
"""What the sanitizer puts where a credential was: ``Bearer sanitized``, ``sig=sanitized``."""

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
# A challenge (``Bearer authorization="..."``) names parameters; a credential is one opaque value.
BEARER = re.compile(r"\b(?:Bearer|PoP)\s+(?![A-Za-z_]+=\\?\")([A-Za-z0-9._~+/=-]{8,})")
# Values end at a separator, a quote or a backslash (an escaped quote inside JSON text).
SAS_SIG = re.compile(r"(?:[?&]|\b)sig=([^&\"'\s\\]+)")
ACCOUNT_KEY = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==|AccountKey=([^;\"'\s\\]+)")
PEM_HEADER = re.compile(r"-----BEGIN [A-Z0-9 ]+-----")
# The secret shapes above are public: the sanitizer scrubs exactly what the scan looks for.
GUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
"""A GUID, as text: the sanitizer, the matchers and the scan share it."""
_GUID = re.compile(rf"(?<![0-9a-fA-F]){GUID_PATTERN}(?![0-9a-fA-F])")
MIN_REAL_VALUE_LENGTH = 6
"""Real values shorter than this are not searched for: they would match everywhere by chance."""


@dataclass(frozen=True)
class Finding:
    """One suspected leak: where it is, which rule found it, and a redacted glimpse of it."""

    path: str
    line: int
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.what}"


def redact(value: str) -> str:
    """Show enough of ``value`` to find it, never enough to use it."""
    return f"{value[:4]}... ({len(value)} chars)" if len(value) > 8 else f"({len(value)} chars)"


def _line_findings(line: str, real_values: Sequence[str]) -> Iterator[tuple[str, str]]:
    for match in JWT.finditer(line):
        if not is_fake_token(match.group(0)):
            yield "jwt", f"a JSON Web Token that is not a fake one: {redact(match.group(0))}"
    for match in BEARER.finditer(line):
        token = match.group(1)
        if token != SANITIZED and not is_fake_token(token) and not JWT.fullmatch(token):
            yield "bearer", f"a bearer credential: {redact(token)}"
    for match in SAS_SIG.finditer(line):
        if match.group(1) != SANITIZED:
            yield "sas-signature", f"a SAS signature: sig={redact(match.group(1))}"
    for match in ACCOUNT_KEY.finditer(line):
        key = match.group(1) if match.group(1) is not None else match.group(0)
        if key != SANITIZED:
            yield "account-key", f"a storage account key: {redact(key)}"
    if PEM_HEADER.search(line):
        yield "pem", "a PEM block (certificate or private key)"
    for match in _GUID.finditer(line):
        if not match.group(0).startswith(FAKE_GUID_PREFIX):
            yield "guid", f"a GUID outside the fake set: {match.group(0)[:8]}-..."
    lowered = line.lower()
    for value in real_values:
        if value.lower() in lowered:
            yield "real-value", f"a value this run saw for real: {redact(value)}"


def scan_text(text: str, *, path: str = "<text>", real_values: Iterable[str] = ()) -> list[Finding]:
    """Every finding in ``text``, line by line; ``real_values`` are searched for verbatim too."""
    values = sorted(
        {v for v in real_values if v and len(v) >= MIN_REAL_VALUE_LENGTH}, key=len, reverse=True
    )
    return [
        Finding(path, number, rule, what)
        for number, line in enumerate(text.splitlines(), start=1)
        for rule, what in _line_findings(line, values)
    ]


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def scan_paths(paths: Iterable[Path]) -> list[Finding]:
    """Scan files and folders (recursively). A path that does not exist is a finding of its own."""
    findings: list[Finding] = []
    for path in paths:
        if not path.exists():
            findings.append(Finding(str(path), 0, "missing", "no such file or folder"))
    for file in _files(p for p in paths if p.exists()):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            findings.append(Finding(str(file), 0, "binary", "not UTF-8 text; cannot be scanned"))
            continue
        findings.extend(scan_text(text, path=str(file)))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """``cassette-scan PATH...``: print each finding; exit 1 if any, 2 on bad usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print("usage: cassette-scan PATH...\n\n" + (__doc__ or "").split("\n\n")[1])
        return 0 if args else 2
    findings = scan_paths([Path(arg) for arg in args])
    for finding in findings:
        print(finding)
    files = len(list(_files(Path(a) for a in args if Path(a).exists())))
    print(
        f"azureml_obo_harness.scan: {len(findings)} finding(s) in {files} file(s)", file=sys.stderr
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
