"""``cassette-scan``: the leak scan as a command (pre-commit, CI, ``tox``)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from azureml_obo_harness.scan.allowlist import DEFAULT_ALLOW_FILE, load_allow_list
from azureml_obo_harness.scan.finding import Finding
from azureml_obo_harness.scan.kinds import KINDS
from azureml_obo_harness.scan.scanner import scan_files

DESCRIPTION = """\
Scan cassettes (files, or every file under a folder) for real secrets and identities: tokens,
keys, SAS signatures, passwords and client secrets, Key Vault secret values, user names, e-mail
addresses, client IPs and GUIDs outside the fake set. It needs nothing from the recording run, so
it checks cassettes written by other tools or edited by hand too.

Prints one "file:line: kind: masked excerpt" line per finding, then a summary line; exits 1 on any
finding, 2 on bad usage, 0 when clean."""

EPILOG = f"""\
Known-fake values a team's cassettes carry on purpose go in an allow-list ({DEFAULT_ALLOW_FILE}
here, or --allow-file): "KIND VALUE  # why", reviewed like code.
Kinds: {", ".join(KINDS)}."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cassette-scan",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="cassette files or folders")
    parser.add_argument(
        "--allow-file",
        type=Path,
        metavar="FILE",
        help=f"the allow-list (default: {DEFAULT_ALLOW_FILE} in the current folder, if any)",
    )
    parser.add_argument(
        "--explain", metavar="KIND", help="say what a kind of finding is and how to fix it"
    )
    parser.add_argument("--kinds", action="store_true", help="list every kind with its title")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``cassette-scan PATH...``: print each finding and a summary; exit 1 if any, 2 on bad usage."""
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.kinds:
        width = max(len(name) for name in KINDS)
        for each in KINDS.values():
            print(f"{each.name:<{width}}  {each.title}")
        return 0
    if args.explain is not None:
        kind = KINDS.get(args.explain)
        if kind is None:
            print(
                f"cassette-scan: no kind {args.explain!r}; the kinds are: {', '.join(KINDS)}",
                file=sys.stderr,
            )
            return 2
        print(kind.explain())
        return 0
    if not args.paths:
        parser.print_usage(sys.stderr)
        print("cassette-scan: name at least one cassette file or folder", file=sys.stderr)
        return 2
    allow = load_allow_list(args.allow_file)
    report = scan_files([Path(p) for p in args.paths], allow=allow)
    findings = allow.problems + report.findings
    for finding in findings:
        print(finding)
    print(_summary(args.paths, len(report.files), findings, allow.path, len(allow.entries)))
    for entry in allow.unused if not findings else []:
        print(f"{allow.path}:{entry.line}: note: this entry allowed nothing; remove it if stale")
    return 1 if findings else 0


def _summary(
    paths: Sequence[str], files: int, findings: Sequence[Finding], allow: str, entries: int
) -> str:
    scanned = f"cassette-scan: scanned {files} file(s) in {', '.join(paths)}"
    if allow:
        scanned += f" (allow-list {allow}: {entries} entr{'y' if entries == 1 else 'ies'})"
    if not findings:
        return f"{scanned}: no findings"
    kinds = Counter(finding.rule for finding in findings)
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return (
        f"{scanned}: {len(findings)} finding(s) ({counts}); "
        "`cassette-scan --explain KIND` says how to fix each"
    )
