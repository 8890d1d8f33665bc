"""tests/proven_install.py: the adopting guide's install is proven again whenever what it reads
changes, and a proven team folder keeps its venv and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.proven_install import ROOT, TeamFolder, install_key, team_folder


class FolderCache:
    """pytest's cache as :func:`team_folder` uses it, in a folder of the test's own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def mkdir(self, name: str) -> Path:
        path = self.folder / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def _harness_copy(folder: Path) -> Path:
    shutil.copytree(
        ROOT / "fakes", folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    return folder


def test_the_key_follows_the_harness_files_and_the_files_read(tmp_path: Path) -> None:
    harness, guide = _harness_copy(tmp_path / "fakes"), tmp_path / "adopting.md"
    guide.write_text("pip install\n")
    key = install_key([guide], harness)
    assert install_key([guide], harness) == key  # nothing changed, nothing to prove

    # What pip does not build from leaves the key as it is.
    (harness / "src" / "azureml_obo_harness" / "__pycache__").mkdir(exist_ok=True)
    (harness / "src" / "azureml_obo_harness" / "__pycache__" / "x.cpython-311.pyc").write_text("")
    (harness / "build" / "lib").mkdir(parents=True)
    (harness / "build" / "lib" / "x.py").write_text("")
    (harness / "azureml_obo_harness.egg-info").mkdir()
    assert install_key([guide], harness) == key

    module = harness / "src" / "azureml_obo_harness" / "values.py"
    module.write_text(module.read_text() + "\n# edited\n")
    edited = install_key([guide], harness)
    assert edited != key
    (harness / "src" / "azureml_obo_harness" / "new.py").write_text("")
    assert install_key([guide], harness) not in {key, edited}
    guide.write_text("pip install --upgrade\n")
    assert install_key([guide], harness) not in {key, edited}


def test_without_a_cache_the_folder_is_the_fresh_one_and_never_proven(tmp_path: Path) -> None:
    folder = team_folder(None, tmp_path, "key")
    assert folder == TeamFolder(tmp_path, False, "key", None)
    folder.record_proven()
    assert not folder.proven and list(tmp_path.iterdir()) == []


def test_a_proven_folder_keeps_its_venv_and_loses_the_rest(tmp_path: Path) -> None:
    cache = FolderCache(tmp_path / "cache")
    first = team_folder(cache, tmp_path / "fresh", "one")
    assert not first.proven and list(first.path.iterdir()) == []
    (first.path / ".venv" / "bin").mkdir(parents=True)
    (first.path / ".venv" / "bin" / "python").write_text("")
    (first.path / "tests").mkdir()
    (first.path / "pyproject.toml").write_text("")
    (first.path / "link").symlink_to(first.path / "tests")

    # Not proven yet (the install did not pass its checks): the next run starts from nothing.
    assert not team_folder(cache, tmp_path / "fresh", "one").proven
    assert list(first.path.iterdir()) == []

    (first.path / ".venv" / "bin").mkdir(parents=True)
    (first.path / ".venv" / "bin" / "python").write_text("")
    (first.path / "tests").mkdir()
    first.record_proven()
    again = team_folder(cache, tmp_path / "fresh", "one")
    assert again.proven and again.path == first.path
    assert [p.name for p in again.path.iterdir()] == [".venv"]
    assert (again.path / ".venv" / "bin" / "python").is_file()

    changed = team_folder(cache, tmp_path / "fresh", "two")  # what the install reads changed
    assert not changed.proven and list(changed.path.iterdir()) == []


def test_a_proven_key_without_its_venv_is_proven_again(tmp_path: Path) -> None:
    cache = FolderCache(tmp_path)
    folder = team_folder(cache, tmp_path / "fresh", "key")
    (folder.path / ".venv").mkdir()
    folder.record_proven()
    shutil.rmtree(folder.path / ".venv")
    assert not team_folder(cache, tmp_path / "fresh", "key").proven
