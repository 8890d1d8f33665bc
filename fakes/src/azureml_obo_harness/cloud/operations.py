"""What the fake Azure serves, read off its routes: the README's tables and ``fake-azure operations``.

:func:`served_operations` asks every built-in service for its
:meth:`~azureml_obo_harness.cloud.service.FakeService.served_operations`, so the list is the
route table itself and cannot drift from it. :func:`markdown` renders one table per service;
:func:`update_readme` rewrites the block between :data:`START` and :data:`END` in a file, which is
how the README's copy is regenerated (``fake-azure operations --update README.md``) and what
``tests/cloud/test_served_table.py`` compares it with.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from azureml_obo_harness.cloud.service import ServedOperation

START = "<!-- served-operations:start (generated: fake-azure operations --update README.md) -->"
END = "<!-- served-operations:end -->"
REGENERATE = "fake-azure operations --update README.md"
"""The command that rewrites the README's tables from the routes."""

SERVICE_TITLES = {
    "keyvault": "Key Vault secrets",
    "ml": "AzureML control plane",
    "blob": "Blob",
    "obo": "OBO endpoint",
}
"""The services in the order the README lists them, with their headings."""

WORKSPACE_PREFIX = (
    "/subscriptions/<subscription>/resourceGroups/<resource_group>"
    "/providers/Microsoft.MachineLearningServices/workspaces/<workspace>"
)
WORKSPACE_SHORT = "…/workspaces/<workspace>"


def served_operations() -> list[ServedOperation]:
    """Every operation the built-in services implement, one row per operation and method,
    services in :data:`SERVICE_TITLES` order and each service's rows sorted."""
    from azureml_obo_harness.cloud.server import FakeAzure  # werkzeug and trustme: on use only

    azure = FakeAzure(seed=False)  # never started: only its services' route tables are read
    services = list(azure._dispatcher.services.values())
    order = {name: index for index, name in enumerate(SERVICE_TITLES)}
    services.sort(key=lambda service: order.get(service.name, len(order)))
    rows: list[ServedOperation] = []
    for service in services:
        rows.extend(sorted(service.served_operations(), key=_sort_key))
    return rows


def _sort_key(row: ServedOperation) -> tuple[str, str, str, str]:
    return (row.host, row.path, row.method, row.operation)


def table_rows(rows: Iterable[ServedOperation]) -> list[tuple[str, str, str, str]]:
    """``(service title, operation, REST operationId, request)`` per row, as the README shows
    them (the ARM workspace prefix shortened to ``…/workspaces/<workspace>``)."""
    return [
        (
            SERVICE_TITLES.get(row.service, row.service),
            row.operation,
            row.rest_operation or "",
            f"{row.method} {row.host}{row.path.replace(WORKSPACE_PREFIX, WORKSPACE_SHORT)}",
        )
        for row in rows
    ]


def markdown(rows: Iterable[ServedOperation]) -> str:
    """The tables, one per service under a ``####`` heading, between :data:`START` and
    :data:`END`."""
    lines = [START]
    current = None
    for title, operation, rest, request in table_rows(rows):
        if title != current:
            current = title
            lines += ["", f"#### {title}", "", "| operation | REST operationId | request |"]
            lines.append("|---|---|---|")
        lines.append(f"| `{operation}` | {f'`{rest}`' if rest else '—'} | `{request}` |")
    lines += ["", END]
    return "\n".join(lines)


def parse_markdown(text: str) -> list[tuple[str, str, str, str]]:
    """The rows of the tables between :data:`START` and :data:`END` in ``text`` (the inverse of
    :func:`markdown`); raises ``ValueError`` if the markers are missing."""
    if START not in text or END not in text:
        raise ValueError(f"no block between {START!r} and {END!r}; run: {REGENERATE}")
    block = text.split(START, 1)[1].split(END, 1)[0]
    rows = []
    title = ""
    for line in block.splitlines():
        if line.startswith("#### "):
            title = line[5:].strip()
        elif line.startswith("| `"):
            cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split(" | ")]
            operation, rest, request = cells
            rows.append((title, operation, "" if rest == "—" else rest, request))
    return rows


def update_readme(path: Path, rows: Iterable[ServedOperation]) -> bool:
    """Rewrite the block between the markers in ``path``; True if the file changed. Raises
    ``ValueError`` if the file has no markers (add the two marker lines where the tables go)."""
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise ValueError(f"{path} has no {START!r} ... {END!r} block to rewrite")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    updated = before + markdown(rows) + after
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def add_operations_parser(commands: Any) -> None:
    """Add ``fake-azure operations`` to the command line's subparsers."""
    parser = commands.add_parser("operations", help="list the operations the fake serves")
    parser.add_argument(
        "--markdown", action="store_true", help="print the README's tables (Markdown)"
    )
    parser.add_argument(
        "--update", metavar="FILE", type=Path, help="rewrite the tables' block in FILE"
    )


def run_operations(arguments: argparse.Namespace) -> int:
    """``fake-azure operations [--markdown] [--update FILE]``; returns the exit status."""
    rows = served_operations()
    if arguments.update is not None:
        try:
            changed = update_readme(arguments.update, rows)
        except (OSError, ValueError) as error:
            print(f"fake-azure operations: {error}", file=sys.stderr)
            return 2
        print(f"{arguments.update}: {'updated' if changed else 'already up to date'}")
        return 0
    if arguments.markdown:
        print(markdown(rows))
        return 0
    for title, operation, rest, request in table_rows(rows):
        print(f"{title:22} {operation:44} {rest or '-':44} {request}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m azureml_obo_harness.cloud.operations``: the same as ``fake-azure operations``."""
    parser = argparse.ArgumentParser(prog="fake-azure operations")
    add_operations_parser(parser.add_subparsers(dest="command", required=True))
    return run_operations(parser.parse_args(["operations", *(argv or sys.argv[1:])]))


if __name__ == "__main__":
    sys.exit(main())
