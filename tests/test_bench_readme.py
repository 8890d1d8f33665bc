"""bench/README.md reports what `python -m bench` prints: its verdicts only, no machine path."""

from __future__ import annotations

import re
from pathlib import Path

from bench.timing import Row, table

README = Path(__file__).resolve().parent.parent / "bench" / "README.md"


def result_rows() -> list[list[str]]:
    rows = re.findall(r"^\| (\d) \|(.*)\|$", README.read_text(), re.M)
    cells = [[cell.strip() for cell in rest.split("|")] for _, rest in rows]
    return [row for row in cells if len(row) == 4]  # figure | measured | budget | holds


def test_every_verdict_is_one_the_tool_prints() -> None:
    printed = {
        line.rsplit("|", 2)[-2].strip()
        for holds in (True, False, None)
        for line in table([Row("1", "f", "1 s", "", holds)]).splitlines()[2:]
    }
    assert printed == {"yes", "**no**", ""}
    verdicts = [row[-1] for row in result_rows()]
    assert verdicts and set(verdicts) <= printed


def test_the_readme_names_no_path_of_the_machine_it_ran_on() -> None:
    assert not re.search(r"(?<![\w`])/(tmp|work|root|home)/", README.read_text())
