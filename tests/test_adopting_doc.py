"""docs/adopting.md, followed as written in an empty folder: files from its code blocks, then its
offline commands in order (the interpreter running this suite has the project installed, which is
what the guide's `pip install` step does)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from azureml_obo_harness.scan import scan_text

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "adopting.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
FIRST_CASSETTE = "test_first_obo.test_the_job_reads_its_secret_as_the_user.yaml"


def guide_steps() -> list[tuple[str, str]]:
    """The guide in order: ``("file", path, text)`` for a code block whose first line is
    ``# <path>`` (a file it has a team write), ``("run", command)`` for a pytest or scan command
    (live ones left out: they need Azure)."""
    steps: list[tuple[str, str]] = []
    for language, body in FENCE.findall(GUIDE.read_text()):
        first, _, rest = body.partition("\n")
        if re.fullmatch(r"# [\w./-]+\.(py|toml)", first):
            steps.append((first[2:], rest))
        elif language == "bash":
            for line in body.splitlines():
                live = "--record-mode" in line and "--azure=fake" not in line
                if line.startswith(("pytest ", "cassette-scan")) and not live:
                    steps.append(("$", line))
    return steps


def test_the_guide_writes_a_test_a_rule_and_a_route_and_records_then_replays() -> None:
    steps = guide_steps()
    assert {path for path, _ in steps if path != "$"} == {
        "pyproject.toml",
        "tests/test_first_obo.py",
        "tests/conftest.py",
        "tests/test_flags.py",
    }
    assert [command for kind, command in steps if kind == "$"] == [
        "pytest tests/test_first_obo.py --azure=fake --record-mode=rewrite",
        "cassette-scan cassettes",
        "pytest --block-network",
        "cassette-scan cassettes",
        "pytest tests/test_first_obo.py --azure=fake --record-mode=rewrite",
        "pytest tests/test_flags.py --azure=fake --record-mode=rewrite",
        "pytest --block-network",
    ]


def test_following_the_guide_in_an_empty_folder_gives_a_replayed_obo_test(tmp_path: Path) -> None:
    result = None
    for kind, text in guide_steps():
        if kind != "$":  # a file: a second block for the same file adds to it
            path = tmp_path / kind
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text((path.read_text() if path.exists() else "") + text)
            continue
        argv = shlex.split(text)
        program = [sys.executable]
        if argv[0] == "pytest":
            program += ["-m", "pytest", "-p", "no:cacheprovider"]
        result = subprocess.run(
            [*program, *argv[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, f"{text}\n{result.stdout}\n{result.stderr}"
    cassette = (tmp_path / "cassettes" / FIRST_CASSETTE).read_text()
    assert scan_text(cassette) == []
    assert "x-ms-keyvault-region" not in cassette  # the guide's sanitizing rule
    assert (
        tmp_path / "cassettes" / "test_flags.test_the_job_reads_its_feature_flag.yaml"
    ).is_file()
    assert result is not None and "2 passed" in result.stdout  # the last command replays both


@pytest.mark.parametrize("option", ["--azure", "--cassette-dir"])
def test_the_guide_names_the_plugins_options(option: str) -> None:
    assert f"`{option}`" in GUIDE.read_text()
