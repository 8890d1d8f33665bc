"""What the cassette persister needs to know about the test whose cassette it writes.

Kept apart from the persister so that loading the pytest plugin does not import vcrpy (which
pytest-recording must import first, to rewrite its asserts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from azureml_obo_harness.recording.sanitize import Sanitizer


@dataclass
class RecordingContext:
    """What the persister needs to know about the test whose cassette it writes."""

    sanitizer: Sanitizer = field(default_factory=Sanitizer)
    passed: bool | None = None
    """The test's outcome: None while it runs (or if it was interrupted), then True or False."""
    skipped_write: str | None = None
    rerecord: str = "pytest --azure=fake --record-mode=rewrite <the test>"
    """The command that records this test's cassette again (named in errors)."""
