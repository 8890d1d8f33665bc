"""docs/adopting.md, followed as written in an empty folder.

Every code block of the guide is a step, taken in the guide's order: a block whose first line is
``# <path>`` is a file the team writes when the guide reaches it (a second block for the same file
adds to it), every line of a ``bash`` block is a command, each run or named in ``NOT_RUN`` with
the reason it cannot run offline; the test fails if the guide gains a command that is neither.

The install step is proven once, for real and offline, in a venv of the team's own. ``python3 -m
venv .venv`` creates it from the interpreter running this suite, ``--without-pip`` (ensurepip alone
costs seconds), with a ``.pth`` line adding its folder ``.venv/suite-packages`` after its own
site-packages. Before the guide's ``pip install "$HARNESS/fakes" ...``, that folder gets links to
what pip would have downloaded, and nothing else of this environment: every distribution the
harness's ``pyproject.toml`` and the command's other names require, with their requirements, and
pip and the harness's build requirements (flit_core) for the install itself (``tests/team_venv.py``:
each requirement's name and version is checked there). The command then runs as ``.venv/bin/python
-m pip install --no-index --no-build-isolation --no-deps ...``: this suite's pip, run by the team's
interpreter (as ``pip --python`` would, less the second pip start-up that costs), builds the
harness from its path with that flit_core and installs it, its ``pytest11`` entry point and its
``cassette-scan`` command into the team's venv. No index is asked (the suite runs without network); a folder name is never
assumed (``HARNESS`` is this checkout, wherever it is). The team's venv's own python then must
import the harness from that venv (not from this suite's), find the distribution's entry points
there, see no distribution but the harness and the linked ones (not Hypothesis, pytest-xdist or
the example job: a requirement the harness forgot to declare is missing there as it would be for
a team) and no pytest plugin but theirs, and ``.venv/bin/cassette-scan --help`` must run.

The install is proven once for what it reads (``tests/proven_install.py``): the team's folder is
kept in pytest's cache with the key of the install its venv passed these checks for (a digest of
this interpreter, this environment's distributions, the harness's files, the guide and this test's
own code). A run that finds the venv proven for its key empties the rest of the folder, skips the
guide's two install commands and checks the venv it found exactly as it checks a new one, then
follows the guide from there; a change to anything the install reads, ``pytest --cache-clear``
or a run without the cache makes the venv and proves the install again.

Every shell command (the venv, pip, git) runs in bash in the team's folder, the venv activated
(``. .venv/bin/activate`` sourced) once the guide has activated it, in the environment
:func:`team_environ` takes from this process's once, as the test's head start is prepared. The
steps up to the first that runs in this process (the venv, the install and its checks, ``git
init``, the first files, the team's first pytest in its own interpreter) are that head start
(``tests/head_start.py``): in a serial run they are taken in a thread from the end of collection,
their processes on the machine's other core while this process runs the tests before this one
(at 399d478 the test took 2.5-3.5 s of the serial suite; now 0.3 s at its turn), and the test goes
on from where they stopped. A new interpreter pays the
Azure SDKs' import floor (seconds), so only the guide's first pytest command runs in one, the
team's venv's ``python -m pytest``: it loads the plugin from the installed wheel, and it imports
the SDKs afresh, so their import-time warnings (azure-ai-ml's schemas call marshmallow APIs that
warn) meet the team's filters there; in this process the SDKs are imported already and would
never warn. The guide's other pytest commands run in this process (``pytester``: the team's folder
is the root and its ``pyproject.toml`` the only configuration, the warning filters those the
team's venv's python starts with, none of this suite's), and ``cassette-scan`` through its
``main``; the harness they use is this suite's install of the ``fakes/`` the wheel was built from.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import io
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import sysconfig
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from azureml_obo_harness.scan import main as cassette_scan
from azureml_obo_harness.scan import scan_text
from packaging.utils import canonicalize_name

from tests import head_start, team_venv
from tests.cloud.conftest import allowed_hosts  # loopback only: the team's runs' fake Azure
from tests.inner_runs import preload_inner_run_imports
from tests.proven_install import TeamFolder, install_key, team_folder
from tests.team_venv import (
    INSTALL_TOOLS,
    build_requirements,
    link_distributions,
    project_requirements,
    requirement_closure,
)

__all__ = ["allowed_hosts"]

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "adopting.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
FILE_BLOCK = re.compile(r"# ([\w./-]+\.(?:py|toml)|\.gitignore)")
FIRST_CASSETTE = "test_first_obo.test_the_job_reads_its_secret_as_the_user.yaml"

HOME = str(Path.home())  # before pytester sets HOME to the team's folder: the shell keeps it

preload_inner_run_imports()  # the team's runs in this process import the SDKs once, here

# The guide's commands that need what an offline run does not have, and why.
NOT_RUN = {
    "HARNESS=/path/to/your/clone/of/azureml-obo-harness": "the test sets HARNESS to this checkout",
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
PIP_OFFLINE = ".venv/bin/python -m pip install --no-index --no-build-isolation --no-deps "
LINKED = "suite-packages"
"""The folder of the team's venv that holds the links to this environment's distributions."""


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
    """A shell command of the guide as the test runs it: the venv made from this interpreter,
    without pip, its path given the folder of links to :func:`what_the_index_would_give`;
    pip is this suite's (linked there), run by the team's python, installing into the team's venv
    without an index."""
    if command == "python3 -m venv .venv":
        purelib = sysconfig.get_path("purelib")
        site = Path(".venv") / Path(purelib).relative_to(sys.prefix)
        # addsitedir, not a bare path: the linked distributions' .pth files count.
        add_site = f"import site, sys; site.addsitedir(sys.prefix + '/{LINKED}')"
        return (
            f"{shlex.quote(sys.executable)} -m venv --without-pip .venv"
            f" && mkdir .venv/{LINKED}"
            f" && echo {shlex.quote(add_site)} > {site}/{LINKED}.pth"
        )
    if command.startswith("pip install "):
        return PIP_OFFLINE + command.removeprefix("pip install ")
    if command.startswith("pytest "):
        return "python -m pytest " + command.removeprefix("pytest ")
    return command


def what_the_index_would_give(team: Path, install: str) -> set[str]:
    """What the guide's ``pip install`` would otherwise download: every distribution the
    command's projects and names require, with pip and each project's build requirements, which
    the install itself needs (their names). Each requirement is checked here, its name and version
    (:func:`requirement_closure`), so pip then installs the harness from its path with
    ``--no-deps``: its resolver would check the same set again, in 2.3 s more (measured). Before
    the install, the test links them into the team's venv (``link_distributions``)."""
    requirements = list(INSTALL_TOOLS)
    for argument in shlex.split(
        install.removeprefix("pip install ").replace("$HARNESS", str(ROOT))
    ):
        project = team / argument  # a path is the team folder's, or absolute
        is_project = (project / "pyproject.toml").is_file()
        if is_project:
            requirements += project_requirements(project) + build_requirements(project)
        else:
            requirements.append(argument)
    return set(requirement_closure(requirements))


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
        "cassette-scan cassettes",
        "git add tests/ cassettes/",
        'git commit -m "A sanitizing rule and a fake route"',
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


def _cannot_install_offline() -> str:
    """What this environment lacks to install the harness offline into a venv without pip (pip,
    which installs it into the team's venv, and the harness's build requirements, for
    ``--no-build-isolation``); empty if nothing."""
    try:
        requirement_closure([*INSTALL_TOOLS, *build_requirements(ROOT / "fakes")])
    except AssertionError as missing:
        return str(missing)
    return ""


CANNOT_INSTALL_OFFLINE = _cannot_install_offline()


# From the team's venv: where the harness is imported from, what its distribution installed, and
# the warning filters a new interpreter starts with (the in-process runs start from the same).
TEAM_VENV_REPORT = """
import importlib.metadata, json, warnings
import azureml_obo_harness
harness = importlib.metadata.distribution("azureml-obo-harness")
print(json.dumps({
    "module": azureml_obo_harness.__file__,
    "distribution": str(harness.locate_file("")),
    "entry_points": sorted([e.group, e.name, e.value] for e in harness.entry_points),
    "distributions": sorted({d.metadata["Name"] for d in importlib.metadata.distributions()}),
    "plugins": sorted({e.name for e in importlib.metadata.entry_points(group="pytest11")}),
    "filters": [  # a message or module is a compiled pattern, a string or None
        [action, getattr(message, "pattern", message), category.__module__,
         category.__qualname__, getattr(module, "pattern", module), lineno]
        for action, message, category, module, lineno in warnings.filters
    ],
}))
"""
INSTALLED_ENTRY_POINTS = [
    ["console_scripts", "cassette-scan", "azureml_obo_harness.scan:main"],
    ["pytest11", "azureml_obo_harness.recording.plugin", "azureml_obo_harness.recording.plugin"],
]


def team_environ() -> dict[str, str]:
    """The environment of the guide's shell commands: this process's, less pytest's, tox's and a
    venv's own variables, with ``HARNESS`` (this checkout), the real ``HOME`` and a git identity."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "VIRTUAL_ENV"))
        # tox's constraints are this project's, not the team's
        and name not in {"TOX_ENV_DIR", "PIP_CONSTRAINT"}
    }
    environ.update(
        {
            "HARNESS": str(ROOT),
            "HOME": HOME,
            "PY_COLORS": "0",  # the output is read: the team's pytest writes no colours
            "GIT_AUTHOR_NAME": "Team",
            "GIT_AUTHOR_EMAIL": "team@example.invalid",
            "GIT_COMMITTER_NAME": "Team",
            "GIT_COMMITTER_EMAIL": "team@example.invalid",
        }
    )
    return environ


@dataclass
class Following:
    """The guide followed in the team's folder: the steps taken so far and what they gave.

    :meth:`take` takes a step that runs outside this process (a file written, a shell command, the
    first pytest command in the team's venv's own interpreter); the steps that run in this process
    (the guide's other pytest commands and ``cassette-scan``) are the test's own.
    """

    folder: TeamFolder
    environ: dict[str, str]
    """The shell commands' environment (:func:`team_environ`), taken before they run."""
    linked: set[str]
    """What the guide's install would download (:func:`what_the_index_would_give`)."""
    steps: list[tuple[str, str]] = field(default_factory=guide_steps)
    taken: int = 0
    activated: bool = False
    """The guide has activated the venv: the shell commands from here on source it."""
    report: dict[str, Any] | None = None
    """The team's venv's own account of its install (``TEAM_VENV_REPORT``), once checked."""
    runs: list[tuple[str, int, list[str]]] = field(default_factory=list)
    """Each pytest run: its command, status and output."""

    @property
    def team(self) -> Path:
        return self.folder.path

    @property
    def done(self) -> bool:
        return self.taken == len(self.steps)

    def next_runs_in_process(self) -> bool:
        kind, text = self.steps[self.taken]
        return (
            kind == "$"
            and text not in NOT_RUN
            and (
                text.startswith("cassette-scan ")
                or (text.startswith("pytest ") and bool(self.runs))
            )
        )

    def take(self) -> None:
        """Take the next step, one that runs outside this process."""
        assert not self.next_runs_in_process(), self.steps[self.taken]
        kind, text = self.steps[self.taken]
        self.taken += 1
        if kind != "$":  # a file, written when the guide reaches it; a second block adds to it
            (self.team / kind).parent.mkdir(parents=True, exist_ok=True)
            with (self.team / kind).open("a") as file:
                file.write(text)
        elif text in NOT_RUN:
            pass
        elif text == ". .venv/bin/activate":
            self.activated = True  # for the shell commands that follow
        elif text == "python3 -m venv .venv" and self.folder.proven:
            pass  # made and proven for this key (tests/proven_install.py)
        elif text.startswith("pip install") and self.folder.proven:  # the venv found is checked
            try:
                self.report = self._check_the_install()
            except AssertionError as broken:  # changed since it was proven: say how to renew it
                raise AssertionError(
                    f"the team's venv kept in {self.team} since its install was proven fails "
                    "the install's checks now; `pytest --cache-clear` makes it afresh"
                ) from broken
        else:  # a shell command, the first pytest command too (the team's venv's python)
            if text.startswith("pip install"):
                link_distributions(self.linked, self.team / ".venv" / LINKED)
            output = self.shell(offline_command(text))
            if text.startswith("pytest "):
                self.runs.append((text, 0, output.splitlines()))
            if text.startswith("pip install"):
                self.report = self._check_the_install()
                self.folder.record_proven()

    def shell(self, command: str) -> str:
        """A command in bash, in the team's folder (the venv activated if the guide has activated
        it): the command's output, or the test fails with it."""
        script = (
            f"set -e\n. .venv/bin/activate\n{command}" if self.activated else f"set -e\n{command}"
        )
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=self.team,
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"[-6000:]
        return result.stdout

    def _check_the_install(self) -> dict[str, Any]:
        """What the guide's install step must have put in the team's venv, asked of that venv's
        own python: the harness, installed there, beside the :attr:`linked` distributions and
        nothing else of this suite's; returns that python's report."""
        report: dict[str, Any] = json.loads(
            self.shell(f"python -c {shlex.quote(TEAM_VENV_REPORT)}")
        )
        venv = str(self.team / ".venv")
        assert report["module"].startswith(venv), report["module"]  # not this suite's harness
        assert report["distribution"].startswith(venv), report["distribution"]
        missing = [e for e in INSTALLED_ENTRY_POINTS if e not in report["entry_points"]]
        assert missing == [], report["entry_points"]
        distributions = {canonicalize_name(name) for name in report["distributions"]}
        assert distributions == self.linked | {"azureml-obo-harness"}, distributions ^ self.linked
        # The team's pytest loads the plugins of what it installed, none of this suite's own.
        assert report["plugins"] == ["asyncio", "azureml_obo_harness.recording.plugin", "recording"]
        # The console script is a real one: the team's venv runs it.
        assert "usage: cassette-scan" in self.shell(".venv/bin/cassette-scan --help")
        return report


def _filters(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The warning filters the team's venv's python starts with, from its report (their
    categories imported here, in the test's own thread)."""
    return [
        (action, message or "", getattr(importlib.import_module(where), name), module or "", line)
        for action, message, where, name, module, line in report["filters"]
    ]


def the_guide_up_to_the_teams_first_pytest(config: pytest.Config) -> Callable[[], Following]:
    """The test's head start (``tests/head_start.py``): the team's folder, the environment and
    what the install would download, read here; then, beside the tests before this one, every
    step of the guide up to the first that runs in this process (the venv, the install and its
    checks, ``git init``, the files, the first pytest command in the team's venv)."""
    key = install_key([GUIDE, Path(__file__), Path(team_venv.__file__)])
    fresh = head_start.folder(config, "team")
    folder = team_folder(getattr(config, "cache", None), fresh, key)
    [install] = [c for c in commands() if c.startswith("pip install ") and c not in NOT_RUN]
    following = Following(folder, team_environ(), what_the_index_would_give(folder.path, install))

    def take_the_steps() -> Following:
        while not following.done and not following.next_runs_in_process():
            following.take()
        return following

    return take_the_steps


@contextmanager
def _as_a_new_process(filters: list[tuple[Any, ...]]) -> Iterator[None]:
    """Around an in-process run of the team's pytest: the warning filters a new interpreter of
    the team's venv starts with (none of this suite's: the team's own filters alone decide what
    the run shows), and this test's network guard back in place after it (pytest-recording's
    ``--block-network`` in the inner run puts the unguarded socket back at its end)."""
    guard = socket.socket.connect, socket.socket.connect_ex, socket.socketpair
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, message, category, module, line in filters:
            warnings.filterwarnings(action, message, category, module, line, append=True)
        try:
            yield
        finally:
            socket.socket.connect, socket.socket.connect_ex, socket.socketpair = guard


@pytest.fixture
def _harness_isolation() -> None:
    """Overrides the suite-wide opt-in (tests/conftest.py) with nothing, as tests/test_plugin.py
    does: the team's runs share this process, and a team gets the harness's isolation only where
    its own tests use the harness."""


@head_start.begins(the_guide_up_to_the_teams_first_pytest)
@pytest.mark.skipif(
    bool(CANNOT_INSTALL_OFFLINE),
    reason=f"this environment cannot install the harness offline ({CANNOT_INSTALL_OFFLINE}): "
    "reinstall the test extras, "
    'pip install -e ./fakes -e ".[test]"',
)
def test_following_the_guide_in_an_empty_folder_gives_a_committed_replayed_obo_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    following: Following = head_start.result(request)
    team = following.team
    monkeypatch.chdir(team)  # the in-process runs start in the team's folder, as its shell does
    while not following.done:
        if not following.next_runs_in_process():
            following.take()
            continue
        _, text = following.steps[following.taken]
        following.taken += 1
        if text.startswith("pytest "):
            assert following.report is not None, (
                f"{text}: the guide runs pytest before installing it"
            )
            with _as_a_new_process(_filters(following.report)):
                run = pytester.runpytest_inprocess(*shlex.split(text)[1:])
            following.runs.append((text, run.ret, run.outlines + run.errlines))
        else:  # cassette-scan, through its main
            scanned = io.StringIO()
            with redirect_stdout(scanned), redirect_stderr(scanned):
                status = cassette_scan(shlex.split(text)[1:])
            assert status == 0, f"{text}\n{scanned.getvalue()}"

    # Every pytest run passes and is quiet: not one warning, from the SDKs or anything else.
    runs = following.runs
    assert len(runs) == 5, [command for command, _, _ in runs]
    outcomes = []
    for command, status, output in runs:
        report = f"{command}\n" + "\n".join(output[-60:])
        assert status == pytest.ExitCode.OK, report
        outcomes.append(pytest.RunResult.parse_summary_nouns(output))
        assert set(outcomes[-1]) == {"passed"}, f"{outcomes[-1]}: {report}"
    assert outcomes[-1] == {"passed": 2}  # the last command replays both tests

    cassette = (team / "cassettes" / FIRST_CASSETTE).read_text()
    assert scan_text(cassette) == []
    assert "x-ms-keyvault-region" not in cassette  # the guide's sanitizing rule
    flags = team / "cassettes" / "test_flags.test_the_job_reads_its_feature_flag.yaml"
    assert flags.is_file()
    assert _git(team, "log", "--format=%s") == (
        "A sanitizing rule and a fake route\nFirst replayed OBO test\n"
    )
    assert _git(team, "status", "--porcelain") == ""  # nothing the guide made is left out
    committed = set(_git(team, "ls-files").split())
    assert {".gitignore", "pyproject.toml", "tests/test_first_obo.py"} <= committed
    assert {"tests/conftest.py", "tests/test_flags.py", f"cassettes/{flags.name}"} <= committed
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
