"""The README's table of what the fake Azure serves is the route table's: regenerated, never edited.

The README holds the output of ``fake-azure operations --update README.md`` between two marker
lines; this test reads it back and compares it, row by row, with what the services' routes serve
today, so an operation added, removed or renamed without regenerating the table fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from azureml_obo_harness.cloud.__main__ import main
from azureml_obo_harness.cloud.operations import (
    END,
    REGENERATE,
    START,
    markdown,
    parse_markdown,
    served_operations,
    table_rows,
    update_readme,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_lists_exactly_what_the_routes_serve() -> None:
    documented = parse_markdown(README.read_text(encoding="utf-8"))
    served = table_rows(served_operations())

    missing = [row for row in served if row not in documented]
    stale = [row for row in documented if row not in served]
    assert not missing and not stale, (
        "README.md's table of served operations differs from the routes.\n"
        + "".join(f"  served, not in the README: {' | '.join(row)}\n" for row in missing)
        + "".join(f"  in the README, not served: {' | '.join(row)}\n" for row in stale)
        + f"Regenerate it: {REGENERATE}"
    )


def test_every_service_has_a_table() -> None:
    titles = {row[0] for row in table_rows(served_operations())}

    assert titles == {"Key Vault secrets", "AzureML control plane", "Blob", "OBO endpoint"}


def test_the_markdown_reads_back_as_the_same_rows() -> None:
    rows = served_operations()

    assert parse_markdown(markdown(rows)) == table_rows(rows)


def test_update_rewrites_only_the_marked_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{START}\nold table\n{END}\nafter\n", encoding="utf-8")

    changed = update_readme(readme, served_operations())

    text = readme.read_text(encoding="utf-8")
    assert changed
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{END}\nafter\n")
    assert "old table" not in text and "`keyvault/get_secret`" in text


def test_a_file_without_the_markers_is_refused_naming_them(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n", encoding="utf-8")

    with pytest.raises(ValueError, match="served-operations:start"):
        update_readme(readme, served_operations())


def test_the_command_prints_the_readme_tables(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["operations", "--markdown"])

    assert status == 0
    assert capsys.readouterr().out.strip() == markdown(served_operations())
