"""The job's code folder as AzureML would upload it: a copy without what ``.amlignore`` names.

What is left out is decided by azure-ai-ml's own ignore-file rules (``.amlignore``, else
``.gitignore``, at the folder's root; gitignore patterns), the ones ``az ml job create`` applies
to the upload, so the command runs on the files it would get on AzureML.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# A name no ignore pattern of a real project targets: a folder whose child by that name is
# excluded is excluded as a whole (git's rule), so the walk need not enter it (.venv/, .git/).
_PROBE = ".run-job-probe"


def copy_code_folder(source: Path, destination: Path) -> list[Path]:
    """Copy ``source`` into ``destination`` (created) without the files its ignore file excludes;
    returns the copied files' paths relative to ``destination``. Symbolic links are followed, as
    the upload does."""
    from azure.ai.ml._utils._asset_utils import get_ignore_file

    ignore_file = get_ignore_file(source)
    destination.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    for folder, subfolders, files in os.walk(source, followlinks=True):
        here = Path(folder)
        subfolders[:] = sorted(
            name for name in subfolders if not ignore_file.is_file_excluded(here / name / _PROBE)
        )
        for name in sorted(files):
            path = here / name
            if ignore_file.is_file_excluded(path):
                continue
            relative = path.relative_to(source)
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(relative)
    return copied
