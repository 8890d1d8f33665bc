"""Keep azure-ai-ml's stray terminal colour reset out of the job's output.

After every code upload, azure-ai-ml 1.35 prints ``Fore.RESET + "\\n"`` to ``sys.stderr``
(``azure/ai/ml/_artifacts/_blob_storage_helper.py``), progress bar or not: a bare escape
sequence and two empty lines in every job log. Only that exact write is dropped, only while the
child job is submitted; everything else written to stderr then passes through unchanged.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

COLOUR_RESET = "\x1b[39m"
"""colorama's ``Fore.RESET``: what azure-ai-ml prints, followed by a newline."""


class _WithoutColourReset:
    """A text stream that forwards to ``target`` all but azure-ai-ml's ``print(Fore.RESET + "\\n")``.

    ``print`` writes its text and then its ``end`` separately, so the newline that follows the
    dropped text is dropped too; any other write resets that expectation.
    """

    def __init__(self, target: TextIO) -> None:
        self._target = target
        self._drop_next_newline = False

    def write(self, text: str) -> int:
        if text == COLOUR_RESET + "\n":
            self._drop_next_newline = True
            return len(text)
        if self._drop_next_newline and text == "\n":
            self._drop_next_newline = False
            return len(text)
        self._drop_next_newline = False
        return self._target.write(text)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding...
        return getattr(self._target, name)


@contextlib.contextmanager
def without_sdk_colour_reset() -> Iterator[None]:
    """While the block runs, ``sys.stderr`` drops azure-ai-ml's bare colour reset (only that).

    Log handlers keep the stream they were created with, so log records are unaffected.
    """
    with contextlib.redirect_stderr(_WithoutColourReset(sys.stderr)):
        yield
