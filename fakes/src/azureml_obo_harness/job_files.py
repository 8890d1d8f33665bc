"""Loading AzureML job files in tests, with a readable error when one is invalid.

``azure.ai.ml.load_job`` reports an invalid file as nested JSON inside nested messages; this turns
it into one line per problem, ``field.path: what is wrong``.

Loading a file that fails validation makes azure-ai-ml log "Class ...Schema: This is an
experimental class" once per schema class and process, and its own stderr handler (on the
``azure.ai.ml`` logger, which does not propagate) printed six such lines above the problems of
``fake-azure run-job``. While ``load_job`` runs, that handler drops those notices; every other
record, and every other handler (pytest's log capture, a team's own), is unaffected.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from os import PathLike
from typing import Any

_SKIPPED_KEYS = {"_schema", "errors", "message"}
"""Keys of the SDK's nested errors that are not part of a field's path."""
_ERROR_RECORD_KEYS = {"message", "path", "value", "location"}
"""The keys of one of azure-ai-ml's error records (``{"message": ..., "path": "*", ...}``)."""
_FORM_MISMATCH = re.compile(
    r"Unknown field\.|Not a valid \w+\.|Value .* passed is not in set \[.*\]", re.S
)
"""What azure-ai-ml and marshmallow say when a value is not of a form a field takes."""
_SDK_LOGGER = "azure.ai.ml"
_EXPERIMENTAL_NOTICES = "azure.ai.ml._utils._experimental"
"""The logger of azure-ai-ml's "This is an experimental class" notices."""


class JobFileInvalid(ValueError):
    """A job file that ``load_job`` refused; ``problems`` holds one line per problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path} is not a valid AzureML job file:\n{listed}")


def _embedded_json(text: str) -> Any:
    start = text.find("{")
    if start < 0:
        return None
    try:
        data, _end = json.JSONDecoder().raw_decode(text[start:])  # text may follow the JSON
    except ValueError:
        return None
    return data


def _is_error_record(data: dict[str, Any]) -> bool:
    """Whether ``data`` is one of azure-ai-ml's error records (``{"message": ..., "path": ...}``)."""
    return "message" in data and set(data) <= _ERROR_RECORD_KEYS


def _is_a_form_mismatch(line: str) -> bool:
    """Whether a problem line only says a value is not of a form (a type, a shape) the field takes."""
    return _FORM_MISMATCH.fullmatch(line.split(": ", 1)[-1]) is not None


def _closest_forms(alternatives: list[Any], path: tuple[str, ...]) -> list[Any]:
    """Of a union field's errors, one record per form the SDK tried (``inputs.x`` as a file, a
    model, a table, a literal, a number...), the forms the value got furthest in: those with a
    problem other than a form mismatch (the value's own problem, ``Field may not be null.``); all
    of them when every form was a mismatch. Otherwise a null literal reads as ten problems."""

    def problems(alternative: Any) -> list[str]:
        found: list[str] = []
        _walk(alternative, path, found)
        return found

    closest = [
        alternative
        for alternative in alternatives
        if not all(_is_a_form_mismatch(line) for line in problems(alternative))
    ]
    return closest or alternatives


def _walk(data: Any, path: tuple[str, ...], found: list[str]) -> None:
    if isinstance(data, dict):
        if data.get("result") == "Failed" and isinstance(data.get("errors"), list):
            for record in data["errors"]:  # separate problems, each its own record
                _walk(record, path, found)
            return
        if _is_error_record(data):
            # one of the SDK's error records: its message says what is wrong; its path, value and
            # location describe the record, not a field (a field may be named "value" itself)
            _walk(data["message"], path, found)
            return
        for key, value in data.items():
            _walk(value, path if key in _SKIPPED_KEYS else (*path, str(key)), found)
    elif isinstance(data, list):
        forms = [item for item in data if isinstance(item, dict) and not _is_error_record(item)]
        if len(forms) >= 2:  # a union field's tried forms (error records are separate problems)
            data = _closest_forms(data, path)
        for item in data:
            _walk(item, path, found)
    elif isinstance(data, str):
        nested = _embedded_json(data) if "Validation for" in data else None
        if nested is not None:
            _walk(nested, path, found)
        else:
            text = data.strip().splitlines()[0].rstrip(":") if data.strip() else data
            line = f"{'.'.join(path)}: {text}" if path else text
            if line not in found:
                found.append(line)


def problems_of(error: BaseException) -> list[str]:
    """The problems an exception from ``load_job`` names, one line each (its text if unparsable)."""
    text = str(error)
    data = _embedded_json(text)
    found: list[str] = []
    if data is not None:
        _walk(data, (), found)
    return found or [text.strip().splitlines()[0] if text.strip() else type(error).__name__]


def load_job_file(
    path: str | PathLike[str], *, params_override: Sequence[Mapping[str, str]] = ()
) -> Any:
    """``azure.ai.ml.load_job(path, params_override=...)``, raising :class:`JobFileInvalid` with
    one line per problem. ``params_override`` is what ``az ml job create --set KEY=VALUE`` passes
    (``[{"inputs.x": "5"}]``): the SDK applies it to the file's data before validating it, so a
    value the file leaves null can be given here."""
    from azure.ai.ml import load_job

    try:
        with _experimental_notices_not_printed():
            return load_job(path, params_override=[dict(item) for item in params_override])
    except Exception as error:  # marshmallow's ValidationError or the SDK's ValidationException
        raise JobFileInvalid(str(path), problems_of(error)) from error


def _not_an_experimental_notice(record: logging.LogRecord) -> bool:
    return record.name != _EXPERIMENTAL_NOTICES


@contextlib.contextmanager
def _experimental_notices_not_printed() -> Iterator[None]:
    """While the block runs, azure-ai-ml's own stream handlers drop its experimental notices."""
    handlers = [
        h for h in logging.getLogger(_SDK_LOGGER).handlers if type(h) is logging.StreamHandler
    ]
    for handler in handlers:
        handler.addFilter(_not_an_experimental_notice)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(_not_an_experimental_notice)
