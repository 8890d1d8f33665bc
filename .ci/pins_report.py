"""What the newest releases change against constraints.txt, as Markdown for a job summary.

The weekly `newest` workflow installs the project without constraints (`--upgrade`), pipes
`pip freeze` into this script and appends its output to `$GITHUB_STEP_SUMMARY`:

    python3 -m pip freeze --exclude-editable | python3 .ci/pins_report.py constraints.txt

Only the constraint lines whose environment marker holds for the running Python are compared (a
`; python_version < "3.11"` pin is 3.10's alone). Exits 0 whatever changed: the report is for a
person to read; the suite run after it says whether the newest releases still pass.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name


def pinned_versions(constraints_text: str) -> dict[str, str]:
    """``{canonical name: version}`` of every ``name==version`` line that applies to this Python.

    Raises ``ValueError`` naming the line for a line that is neither a comment nor an exact pin
    (constraints.txt holds exact pins only).
    """
    pins: dict[str, str] = {}
    for number, raw in enumerate(constraints_text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise ValueError(f"line {number}: {raw!r} is not a requirement ({error})") from None
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError(f"line {number}: {raw!r} is not an exact pin (name==version)")
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def installed_versions(freeze_text: str) -> dict[str, tuple[str, str]]:
    """``{canonical name: (name as frozen, version)}`` of the ``name==version`` lines of ``pip freeze``."""
    installed: dict[str, tuple[str, str]] = {}
    for line in freeze_text.splitlines():
        name, separator, version = line.strip().partition("==")
        if separator and not name.startswith(("#", "-")):
            installed[canonicalize_name(name)] = (name, version)
    return installed


def report(pins: dict[str, str], installed: dict[str, tuple[str, str]], *, python: str) -> str:
    """The Markdown report: a table of every installed package whose version differs from its pin
    or that has none, then the pins nothing installed (build requirements such as setuptools, or a
    package the newest releases no longer need), then how many pins still hold."""
    rows = [
        f"| {name} | {pins.get(key, 'not pinned')} | {version} |"
        for key, (name, version) in sorted(installed.items())
        if pins.get(key) != version
    ]
    unused = sorted(key for key in pins if key not in installed)
    same = sum(1 for key, version in pins.items() if installed.get(key, ("", ""))[1] == version)
    lines = [f"## Newest releases against constraints.txt, Python {python}", ""]
    if rows:
        lines += ["| package | constraints.txt | newest |", "|---|---|---|", *rows, ""]
    else:
        lines += ["Nothing changed: every installed package is at its pinned version.", ""]
    if unused:
        lines += [f"Pinned but not installed here: {', '.join(unused)}.", ""]
    lines.append(f"{same} of {len(pins)} pins unchanged, {len(rows)} packages differ.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Read ``pip freeze`` on stdin, print the report for the constraints file named."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("constraints", type=Path, help="the constraints file (constraints.txt)")
    arguments = parser.parse_args(argv)
    try:
        pins = pinned_versions(arguments.constraints.read_text())
    except (OSError, ValueError) as error:
        print(f"pins_report: {arguments.constraints}: {error}", file=sys.stderr)
        return 2
    python = platform.python_version()
    print(report(pins, installed_versions(sys.stdin.read()), python=python), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
