"""``python -m tests.fidelity``: replay every stored recording and print the fidelity figure.

Prints interactions that agree / all interactions, per service and in total, then one line per
disagreement (recording#index, the request, what differs). Exits 0 when the figure reaches
``--target`` (default 95%), else 1. It lives with the recordings, in the project's tests, because
the recordings are the project's evidence, not part of the installed harness.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tests.fidelity.recording import RECORDINGS, load_all
from tests.fidelity.replay import Outcome, replay

SERVICES = ("keyvault", "blob", "ml")


def figure(outcomes: Sequence[Outcome]) -> str:
    """The report: the figure per service and in total, then each disagreement."""
    lines = []
    agreeing = sum(outcome.agrees for outcome in outcomes)
    total = len(outcomes)
    share = 100 * agreeing / total if total else 0.0
    lines.append(f"fidelity: {agreeing}/{total} interactions agree ({share:.1f}%)")
    for service in SERVICES:
        mine = [outcome for outcome in outcomes if outcome.service == service]
        agree = sum(outcome.agrees for outcome in mine)
        lines.append(f"  {service:<9} {agree}/{len(mine)}")
    disagreeing = [outcome for outcome in outcomes if not outcome.agrees]
    if disagreeing:
        lines.append("disagreements:")
    for outcome in disagreeing:
        recorded = outcome.interaction.status
        lines.append(
            f"  {outcome.recording}#{outcome.index} {outcome.sent} (recorded {recorded}): "
            + "; ".join(outcome.differences)
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Replay, print the figure, exit 1 below the target."""
    parser = argparse.ArgumentParser(prog="python -m tests.fidelity", description=__doc__)
    parser.add_argument("--target", type=float, default=95.0, help="percent (default 95)")
    args = parser.parse_args(argv)
    outcomes = [outcome for recording in load_all(RECORDINGS) for outcome in replay(recording)]
    print(figure(outcomes))
    agreeing = sum(outcome.agrees for outcome in outcomes)
    return 0 if outcomes and 100 * agreeing / len(outcomes) >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
