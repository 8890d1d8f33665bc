"""Writing cassettes: sanitized, scanned, atomic, and only for a test that passed.

vcrpy hands the persister the whole cassette when a test ends. :class:`SafePersister` sanitizes
every interaction with the test's :class:`~azureml_obo_harness.recording.sanitize.Sanitizer`, scans the text it
would write for every real value the run has seen and for secret patterns, refuses the write on any
finding, and otherwise writes a temporary file and renames it into place. A test that failed (or
was interrupted) writes nothing, so the previous cassette stays as it was.
"""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any

from vcr.persisters.filesystem import (
    CassetteDecodeError,
    CassetteNotFoundError,
    FilesystemPersister,
)
from vcr.serialize import CASSETTE_FORMAT_VERSION
from vcr.serializers.compat import convert_to_unicode

from azureml_obo_harness.recording.context import RecordingContext
from azureml_obo_harness.scan import Finding, scan_text


class LeakRefused(RuntimeError):
    """The sanitized cassette still holds something secret; it was not written."""

    def __init__(self, path: str, findings: list[Finding]) -> None:
        self.findings = findings
        lines = "\n".join(f"  {finding}" for finding in findings[:20])
        super().__init__(
            f"refused to write cassette {path}: the leak scan found {len(findings)} problem(s) "
            f"after sanitizing:\n{lines}\nAdd a sanitizing rule for that field (see README, "
            "'Sanitizing') and record again."
        )


class CassetteUnreadable(RuntimeError):
    """A cassette file exists but is not a cassette this harness can replay."""


class SafePersister(FilesystemPersister):  # type: ignore[misc]  # vcrpy is untyped
    """vcrpy persister that loads like the filesystem one and writes only safe, finished cassettes."""

    def __init__(self, context: RecordingContext) -> None:
        self.context = context

    def load_cassette(self, cassette_path: Any, serializer: Any) -> Any:
        """Load like vcrpy; a cassette that is not valid YAML, or not vcrpy's shape (truncated,
        merged badly, edited by hand), raises :class:`CassetteUnreadable` naming the file, what
        is wrong and the command that records it again."""
        try:
            return FilesystemPersister.load_cassette(cassette_path, serializer)
        except (CassetteNotFoundError, CassetteDecodeError):
            raise  # vcrpy's own "no cassette yet" signals
        except Exception as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise CassetteUnreadable(
                f"cassette {cassette_path} cannot be read ({type(error).__name__}: {reason}); "
                f"it may be truncated or edited by hand. Record it again with:\n  "
                f"{self.context.rerecord}"
            ) from error

    def save_cassette(self, cassette_path: Any, cassette_dict: Any, serializer: Any) -> None:
        path = Path(cassette_path)
        if self.context.passed is not True:
            self.context.skipped_write = (
                f"cassette {path} was not written: the test did not pass, so the previous "
                "cassette (if any) is kept"
            )
            return
        sanitizer = self.context.sanitizer
        interactions = [
            sanitizer.interaction(
                {
                    # What vcrpy's own serializer would write: bodies as text where they decode.
                    "request": convert_to_unicode(copy.deepcopy(request._to_dict())),
                    "response": convert_to_unicode(copy.deepcopy(response)),
                }
            )
            for request, response in zip(
                cassette_dict["requests"], cassette_dict["responses"], strict=True
            )
        ]
        text = serializer.serialize(
            {"version": CASSETTE_FORMAT_VERSION, "interactions": interactions}
        )
        findings = scan_text(text, path=str(path), real_values=sanitizer.real_values)
        if findings:
            raise LeakRefused(str(path), findings)
        write_atomically(path, text)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp creates the file 0600; a cassette is a normal, committed file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
