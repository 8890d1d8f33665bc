"""The fake answers the real recordings as the real services did (status, error code, key sets).

One test per stored recording: it seeds the world the recording assumes, replays every request
through the fake over real HTTP and compares each answer with the recorded one. Interactions the
fake is known to answer differently are listed in ``KNOWN_DISAGREEMENTS`` with their cause; the
test fails when one of them starts to agree (remove it from the list) or another starts to differ.
``python -m tests.fidelity`` prints the same comparison as a figure.
"""

from __future__ import annotations

import pytest

from tests.fidelity.__main__ import figure
from tests.fidelity.recording import RECORDINGS, load_all
from tests.fidelity.replay import replay

RECORDINGS_BY_NAME = {recording.name: recording for recording in load_all(RECORDINGS)}
KNOWN_DISAGREEMENTS: dict[str, dict[int, str]] = {}
"""Recording -> interaction index -> why the fake answers it differently (to be fixed)."""


def test_at_least_ten_recordings_cover_all_three_services() -> None:
    services = {i.service for r in RECORDINGS_BY_NAME.values() for i in r.interactions}

    assert len(RECORDINGS_BY_NAME) >= 10
    assert services == {"keyvault", "blob", "ml"}


@pytest.mark.parametrize("name", sorted(RECORDINGS_BY_NAME))
def test_the_fake_answers_the_recording_as_the_service_did(name: str) -> None:
    outcomes = replay(RECORDINGS_BY_NAME[name])

    disagreeing = {outcome.index for outcome in outcomes if not outcome.agrees}
    assert disagreeing == set(KNOWN_DISAGREEMENTS.get(name, {})), figure(outcomes)
