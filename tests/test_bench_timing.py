"""bench/timing.py: figures compared side by side are measured in turn, and their ratio is the
median of each round's own."""

from __future__ import annotations

import pytest

from bench.timing import interleaved_seconds, median_ratio


def test_functions_are_called_in_turn_after_the_warmup_rounds() -> None:
    calls: list[str] = []
    times = interleaved_seconds(
        [lambda: calls.append("a"), lambda: calls.append("b")], rounds=3, warmup=1
    )
    assert calls == ["a", "b"] * 4  # one warm-up round, then three timed ones
    assert [len(taken) for taken in times] == [3, 3]
    assert all(seconds >= 0 for taken in times for seconds in taken)


def test_the_ratio_is_the_median_of_the_rounds_own_ratios() -> None:
    # the machine slows down in the third round: both figures double, their ratio does not
    numerators, denominators = [1.2, 1.3, 2.6, 1.25], [1.0, 1.0, 2.0, 1.0]
    assert median_ratio(numerators, denominators) == pytest.approx(1.275)
    # not the ratio of the medians (2 / 4 here)
    assert median_ratio([1.0, 2.0, 10.0], [1.0, 4.0, 5.0]) == 1.0
