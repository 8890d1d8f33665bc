"""bench reads what tox ran from its output: each environment's verdict and the installer used.

The outputs below are tox 4.67's and tox-uv 1.x's own lines (from ``python -m bench --quick``),
the machine's paths shortened.
"""

from __future__ import annotations

import os
import sys

import pytest

from bench.cold_start import ColdStart
from bench.tox_runs import ToxRun, read_output, tox_environ, why_tox_cannot_start

PIP_RUN = """\
lint: install_deps> python -I -m pip install ruff -c /clone/constraints.txt
lint: commands[0]> ruff check .
All checks passed!
  lint: OK (6.33=setup[5.98]+cmd[0.18,0.17] seconds)
  congratulations :) (9.97 seconds)
"""

UV_RUN = """\
lint: Found PIP_CONSTRAINT defined, you may want to also define UV_CONSTRAINT to match pip behavior.
lint: venv> /venv/bin/uv venv -p /venv/bin/python --allow-existing '--prompt=clone[lint]' /clone/.tox/lint
lint: install_deps> /venv/bin/uv pip install ruff -c /clone/constraints.txt
lint: commands[0]> ruff check .
  lint: OK (1.42=setup[1.14]+cmd[0.13,0.16] seconds)
  congratulations :) (1.68 seconds)
"""

MIXED_REPORT = """\
py310: skipped because could not find python interpreter with spec(s): py310
py311: install_package> python -I -m pip install --force-reinstall --no-deps /clone/.tox/.tmp/package/1/x.whl
  py310: SKIP (0.02 seconds)
  py311: OK (80.10=setup[20.00]+cmd[60.10] seconds)
  type: FAIL code 1 (30.00=setup[10.00]+cmd[20.00] seconds)
  evaluation failed :( (110.20 seconds)
"""


def test_pip_install_lines_are_read_as_pip() -> None:
    assert read_output(PIP_RUN) == ({"lint": "OK"}, {"pip"})


def test_uv_pip_install_lines_are_read_as_uv() -> None:
    assert read_output(UV_RUN) == ({"lint": "OK"}, {"uv"})


def test_every_environment_of_the_final_report_is_read() -> None:
    statuses, installers = read_output(MIXED_REPORT)

    assert statuses == {"py310": "SKIP", "py311": "OK", "type": "FAIL"}
    assert installers == {"pip"}


def test_a_skipped_python_is_not_green() -> None:
    statuses, installers = read_output(MIXED_REPORT)
    run = ToxRun(110.2, 0, statuses, installers)

    assert not run.green(("py310", "py311"))
    assert run.verdict(("py310", "py311", "type")) == "NOT GREEN: py310 SKIP, type FAIL"
    assert ToxRun(1.0, 0, {"lint": "OK"}).verdict(("lint",)) == "green"


def test_a_tox_uv_variant_that_ran_pip_is_caught() -> None:
    statuses, installers = read_output(PIP_RUN)
    run = ToxRun(9.97, 0, statuses, installers)
    plugin = "4.67.15 from ...\nregistered plugins:\n    tox-uv-1.29.0 at ...\n"

    assert ColdStart(1.0, run, plugin).installer_problem("tox-uv") == (
        "installers seen: ['pip'], not uv only"
    )
    assert ColdStart(1.0, run, "4.67.15 from ...\n").installer_problem("tox-uv") == (
        "tox-uv plugin missing"
    )
    assert ColdStart(1.0, run, "4.67.15 from ...\n").installer_problem("pip") == ""


def test_a_tox_that_cannot_start_is_named_with_how_to_install_it() -> None:
    # a Python without tox: `python -m tox` exits 1 with "No module named tox"
    why = why_tox_cannot_start([sys.executable, "-m", "no_such_tox_module"])
    assert why is not None
    assert "No module named no_such_tox_module" in why
    assert "python3 -m pip install tox tox-uv" in why


def test_a_tox_command_that_is_no_program_is_named() -> None:
    why = why_tox_cannot_start(["/nonexistent/tox"])
    assert why is not None and "/nonexistent/tox --version" in why


def test_a_tox_that_starts_is_let_through() -> None:
    # a program whose --version succeeds stands in for tox (no tox needed in this venv)
    assert why_tox_cannot_start([sys.executable]) is None


def test_tox_runs_outside_the_activated_venv_and_the_benchs_own(
    tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `. .venv/bin/activate` then `python -m bench`: python3 must be the developer's, not the venv's
    activated = os.path.join(tmp_path, "activated")
    monkeypatch.setenv("VIRTUAL_ENV", activated)
    own = os.path.join(sys.prefix, "bin")
    monkeypatch.setenv(
        "PATH", os.pathsep.join([f"{activated}/bin", own, "/usr/local/bin", "/usr/bin"])
    )
    monkeypatch.setattr(sys, "base_prefix", "/the/base/python")  # the bench runs in a venv

    env = tox_environ()

    path = env["PATH"].split(os.pathsep)
    assert "VIRTUAL_ENV" not in env
    assert f"{activated}/bin" not in path and own not in path
    assert path[:2] == ["/usr/local/bin", "/usr/bin"]
