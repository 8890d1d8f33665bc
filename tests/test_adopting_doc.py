"""docs/adopting.md, followed as written in an empty folder.

Every code block of the guide is a step: a block whose first line is ``# <path>`` is a file the
team writes (a second block for the same file adds to it), every line of a ``bash`` block is a
command. The commands run in order in one shell, so ``. .venv/bin/activate`` holds for the rest.
A command that cannot run offline is named in ``NOT_RUN`` with the reason, and the test fails if
the guide gains a command that is neither run nor named there.

The install step runs for real, offline: ``python3 -m venv .venv`` creates the team's venv (from
the interpreter running this suite), which is then given a ``.pth`` line adding this suite's own
site-packages after its own, so the harness's dependencies are already there; the guide's
``pip install "$HARNESS/fakes" ...`` then runs with ``--no-index --no-build-isolation --no-deps``:
pip builds the harness from its path with this environment's setuptools (the job's ``test``
extra) and installs it, its ``pytest11`` entry point and its ``cassette-scan`` command into the
team's venv. No index is asked (the suite runs without network); a folder name is never assumed
(``HARNESS`` is this checkout, wherever it is). After that, the team's ``python`` must import the
harness from its own venv, not from this suite's.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from azureml_obo_harness.scan import scan_text
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "adopting.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
FILE_BLOCK = re.compile(r"# ([\w./-]+\.(?:py|toml)|\.gitignore)")
FIRST_CASSETTE = "test_first_obo.test_the_job_reads_its_secret_as_the_user.yaml"

# The guide's commands that need what an offline run does not have, and why.
NOT_RUN = {
    "HARNESS=../azureml-obo-harness": "the test sets HARNESS to this checkout",
    'pip install "azureml-obo-harness @ git+https://<host>/<org>/<repo>#subdirectory=fakes"'
    " azure-keyvault-secrets pytest-asyncio": "a git URL needs the network",
    "export AZURE_SUBSCRIPTION_ID=<subscription> AZURE_RESOURCE_GROUP=<rg> "
    "AZUREML_WORKSPACE_NAME=<ws>": "live recording needs Azure",
    "export OBO_JOB_VAULT_URL=https://<vault>.vault.azure.net OBO_JOB_SECRET_NAME=<secret>": (
        "live recording needs Azure"
    ),
    "pytest tests/test_first_obo.py --record-mode=rewrite": "live recording needs Azure",
    "az ml job create --file record.job.yaml --resource-group <rg> --workspace-name <ws> "
    "--query name -o tsv": "AzureML",
    "az ml job download --name <job> --output-name cassettes --download-path . "
    "--resource-group <rg> --workspace-name <ws>": "AzureML",
    "cp named-outputs/cassettes/*.yaml cassettes/": "the output of the AzureML job above",
}
PIP_OFFLINE = "pip install --no-index --no-build-isolation --no-deps "


def guide_steps() -> list[tuple[str, str]]:
    """The guide in order: ``(path, text)`` for a file, ``("$", command)`` for a command."""
    steps: list[tuple[str, str]] = []
    for language, body in FENCE.findall(GUIDE.read_text()):
        first, _, rest = body.partition("\n")
        if match := FILE_BLOCK.fullmatch(first):
            steps.append((match.group(1), rest))
        elif language == "bash":
            steps += [("$", line) for line in body.splitlines() if line.strip()]
    return steps


def commands() -> list[str]:
    return [text for kind, text in guide_steps() if kind == "$"]


def offline_command(command: str) -> str:
    """The command as the test runs it: pip without an index, pytest through the venv's python
    (``pytest`` itself is the harness's dependency, installed with ``--no-deps`` it has no script),
    and the venv made from this interpreter and given this suite's site-packages."""
    if command == "python3 -m venv .venv":
        purelib = sysconfig.get_path("purelib")
        site = Path(".venv") / Path(purelib).relative_to(sys.prefix)
        # addsitedir, not a bare path: this suite's own .pth files (an editable install's) count.
        add_site = f"import site; site.addsitedir({purelib!r})"
        return (
            f"{shlex.quote(sys.executable)} -m venv .venv"
            # Python 3.11's venv brings setuptools 65, too old to build the harness.
            " && { .venv/bin/python -m pip uninstall --quiet --yes setuptools 2>/dev/null || true; }"
            f" && echo {shlex.quote(add_site)} > {site}/suite-packages.pth"
        )
    if command.startswith("pip install "):
        return PIP_OFFLINE + command.removeprefix("pip install ")
    if command.startswith("pytest "):
        return "python -m pytest " + command.removeprefix("pytest ")
    return command


def test_the_guide_runs_every_offline_command_and_names_the_others() -> None:
    guide = commands()
    assert [c for c in guide if c in NOT_RUN] == list(NOT_RUN)  # each named one is in the guide
    assert [c for c in guide if c not in NOT_RUN] == [
        "python3 -m venv .venv",
        ". .venv/bin/activate",
        'pip install "$HARNESS/fakes" azure-keyvault-secrets pytest-asyncio',
        "git init",
        "pytest tests/test_first_obo.py --azure=fake --record-mode=rewrite",
        "cassette-scan cassettes",
        "pytest --block-network",
        "cassette-scan cassettes",
        "git add .gitignore pyproject.toml tests/ cassettes/",
        'git commit -m "First replayed OBO test"',
        "pytest tests/test_first_obo.py --azure=fake --record-mode=rewrite",
        "pytest tests/test_flags.py --azure=fake --record-mode=rewrite",
        "pytest --block-network",
    ]


def test_the_guide_writes_gitignore_pytest_config_a_test_a_rule_and_a_route() -> None:
    assert [path for path, _ in guide_steps() if path != "$"] == [
        ".gitignore",
        "pyproject.toml",
        "tests/test_first_obo.py",
        "tests/conftest.py",
        "tests/conftest.py",
        "tests/test_flags.py",
    ]


def test_the_guides_install_line_depends_on_no_folder_name() -> None:
    [install] = [c for c in commands() if c.startswith("pip install") and "$HARNESS" in c]
    assert '"$HARNESS/fakes"' in install
    [git_url] = [c for c in commands() if "git+https://" in c]
    assert "#subdirectory=fakes" in git_url and git_url.startswith(
        'pip install "azureml-obo-harness @'
    )


def build_requirement_met() -> bool:
    """Whether this environment's setuptools can build the harness (its build-system needs 77+)."""
    try:
        return Version(importlib.metadata.version("setuptools")) >= Version("77")
    except importlib.metadata.PackageNotFoundError:
        return False


@pytest.mark.skipif(
    not build_requirement_met(),
    reason="this environment's setuptools cannot build the harness offline (needs 77 or later): "
    'reinstall the test extras, pip install -e ./fakes -e ".[test]"',
)
def test_following_the_guide_in_an_empty_folder_gives_a_committed_replayed_obo_test(
    tmp_path: Path,
) -> None:
    team, blocks = tmp_path / "team", tmp_path / "blocks"
    team.mkdir()
    blocks.mkdir()
    script = ["set -e"]
    for number, (kind, text) in enumerate(guide_steps()):
        if kind != "$":  # a file, written when the guide reaches it; a second block adds to it
            (blocks / str(number)).write_text(text)
            script.append(
                f"mkdir -p {shlex.quote(str(Path(kind).parent))}"
                f" && cat {blocks / str(number)} >> {shlex.quote(kind)}"
            )
        elif text not in NOT_RUN:
            script += [f"echo {shlex.quote('+++ ' + text)}", offline_command(text)]
            if text.startswith("pip install"):
                script.append('python -c "import azureml_obo_harness as h; print(h.__file__)"')
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "VIRTUAL_ENV"))},
        "HARNESS": str(ROOT),
        "GIT_AUTHOR_NAME": "Team",
        "GIT_AUTHOR_EMAIL": "team@example.invalid",
        "GIT_COMMITTER_NAME": "Team",
        "GIT_COMMITTER_EMAIL": "team@example.invalid",
    }
    environ.pop("PIP_CONSTRAINT", None)  # tox's constraints are this project's, not the team's
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=team,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]

    # The harness the team's python imports is the one the install step put in the team's venv.
    installed = result.stdout.split("+++ git init")[0].splitlines()[-1]
    assert installed.startswith(str(team / ".venv")), installed
    # Every pytest run is quiet: not one warning, from the SDKs or anything else.
    summaries = re.findall(r"^=+ (.* in [\d.]+s.*) =+$", result.stdout, re.M)
    assert len(summaries) == 5, result.stdout[-3000:]
    assert not [summary for summary in summaries if "warning" in summary], summaries
    assert "2 passed" in summaries[-1]  # the last command replays both tests

    cassette = (team / "cassettes" / FIRST_CASSETTE).read_text()
    assert scan_text(cassette) == []
    assert "x-ms-keyvault-region" not in cassette  # the guide's sanitizing rule
    flags = team / "cassettes" / "test_flags.test_the_job_reads_its_feature_flag.yaml"
    assert flags.is_file()
    committed = set(_git(team, "ls-files").split())
    assert {".gitignore", "pyproject.toml", "tests/test_first_obo.py"} <= committed
    assert f"cassettes/{FIRST_CASSETTE}" in committed
    ignored = [
        p for p in committed if p.startswith((".venv/", ".pytest_cache/")) or "__pycache__" in p
    ]
    assert ignored == []  # .gitignore kept them out of the commit


def _git(folder: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("option", ["--azure", "--cassette-dir"])
def test_the_guide_names_the_plugins_options(option: str) -> None:
    assert f"`{option}`" in GUIDE.read_text()
