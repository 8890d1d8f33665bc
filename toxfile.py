"""tox's inline plugin for this project: under CI a missing Python fails the run.

tox.ini skips a Python of ``env_list`` that it cannot find, which is what a developer with two of
the four versions installed wants. A CI run that skipped one would still end in
"congratulations" having tested fewer Pythons than it claims, so when ``CI`` is ``true`` (GitHub
Actions and this project's ``.ci/run`` both set it) this plugin turns the skip off. An explicit
``--skip-missing-interpreters`` on the command line still wins.
"""

from __future__ import annotations

import os
from typing import Any

from tox.plugin import impl


def missing_interpreters_fail(environ: dict[str, str] | os._Environ[str]) -> bool:
    """Whether a missing interpreter fails the run: ``CI`` set to ``true`` (any case) or ``1``."""
    return environ.get("CI", "").strip().lower() in {"true", "1"}


@impl
def tox_add_core_config(core_conf: Any, state: Any) -> None:
    """Under CI, behave as ``--skip-missing-interpreters=false`` unless the option was given."""
    options = state.conf.options
    if missing_interpreters_fail(os.environ) and options.skip_missing_interpreters == "config":
        options.skip_missing_interpreters = "false"
