"""Replay lookup in constant time: a vcrpy cassette that buckets its interactions by a match key.

vcrpy finds the response for a request by running every matcher against every recorded interaction
(twice per request: ``request in cassette`` and ``play_response``), so replaying N requests costs
O(N^2). :class:`IndexedCassette` computes, for each interaction, a key made of the parts that the
cassette's matchers compare for equality (method, host, ``path_template``, ``query_stable``...),
and keeps the interactions' indices in one bucket per key, in recording order. A lookup computes
the request's key and runs the *full* matcher list over that bucket only.

Semantics are vcrpy's: a key part is used only for a matcher known to fail whenever that part
differs, so every interaction that matches is in the bucket, in order; the first unplayed match
wins, ``play_counts`` and ``allow_playback_repeats`` behave as before, and a miss raises vcrpy's own
error (its "similar requests" diagnosis still scans the whole cassette, which is fine on a miss).
Matchers without a known key (``body``, ``headers``, a team's own) simply narrow nothing.

Use :func:`use_indexed_cassettes` on a ``vcr.VCR`` (the harness does it in
``pytest_recording_configure``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from vcr import matchers as vcr_matchers
from vcr.cassette import Cassette

from azureml_obo_harness.recording.matchers import (
    path_template,
    path_template_matcher,
    query_stable_matcher,
    stable_query,
)

KeyPart = Callable[[Any], Hashable]

KEY_PARTS: dict[Callable[..., Any], KeyPart] = {
    vcr_matchers.method: lambda request: request.method,
    vcr_matchers.scheme: lambda request: request.scheme,
    vcr_matchers.host: lambda request: request.host,
    vcr_matchers.port: lambda request: request.port,
    vcr_matchers.path: lambda request: request.path or "/",
    vcr_matchers.query: lambda request: tuple(request.query),
    path_template_matcher: lambda request: path_template(request.path),
    query_stable_matcher: lambda request: tuple(stable_query(request.uri)),
}
"""For each matcher, a part of the request that must be equal for the matcher to pass."""


class IndexedCassette(Cassette):  # type: ignore[misc]  # vcrpy is untyped
    """A vcrpy ``Cassette`` whose lookups scan one bucket of interactions instead of all of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key_parts = [KEY_PARTS[m] for m in self._match_on if m in KEY_PARTS]
        self._buckets: dict[tuple[Hashable, ...], list[int]] = {}
        self._indexed: list[Any] | None = None  # the ``data`` list the buckets describe
        self._indexed_count = 0

    def match_key(self, request: Any) -> tuple[Hashable, ...]:
        """The bucket of ``request``: equal for any two requests the matchers could match."""
        return tuple(part(request) for part in self._key_parts)

    def _load(self) -> None:
        """vcrpy's load, then the index of what it loaded (a cost per interaction, paid once)."""
        super()._load()
        self._refresh()

    def _refresh(self) -> None:
        """Index the interactions added since the last call (all of them if ``data`` was replaced)."""
        data: list[Any] = self.data
        if data is not self._indexed or len(data) < self._indexed_count:
            self._buckets, self._indexed, self._indexed_count = {}, data, 0
        for index in range(self._indexed_count, len(data)):
            self._buckets.setdefault(self.match_key(data[index][0]), []).append(index)
        self._indexed_count = len(data)

    def _bucket(self, request: Any) -> list[int]:
        self._refresh()  # interactions appended since (recording) join their buckets
        return self._buckets.get(self.match_key(request), [])

    def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        """vcrpy's lookup (every matching interaction, in order), within the request's bucket."""
        request = self._before_record_request(request)
        if not request:  # vcrpy would match nothing for a request its filter dropped
            return
        for index in list(self._bucket(request)):
            stored_request, response = self.data[index]
            if vcr_matchers.requests_match(request, stored_request, self._match_on):
                yield index, response


def use_indexed_cassettes(vcr: Any) -> None:
    """Make ``vcr`` (a ``vcr.VCR``) open :class:`IndexedCassette` instead of vcrpy's ``Cassette``.

    Only this ``VCR`` instance changes; this mirrors ``VCR._use_cassette``, which names the
    cassette class in its body.
    """

    def use_cassette(with_current_defaults: bool = False, **kwargs: Any) -> Any:
        if with_current_defaults:
            return IndexedCassette.use(**vcr.get_merged_config(**kwargs))
        return IndexedCassette.use_arg_getter(functools.partial(vcr.get_merged_config, **kwargs))

    vcr._use_cassette = use_cassette
