"""The indexed replay lookup answers exactly what vcrpy's scan of every interaction answers."""

from __future__ import annotations

from typing import Any

import pytest
from azureml_obo_harness.recording.index import IndexedCassette, use_indexed_cassettes
from azureml_obo_harness.recording.matchers import (
    MATCH_ON,
    path_template_matcher,
    query_stable_matcher,
)
from vcr import VCR
from vcr.cassette import Cassette
from vcr.errors import UnhandledHTTPRequestError
from vcr.request import Request

VAULT = "https://fake-vault.vault.azure.net"
ARM = "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000"
CODE = f"{ARM}/codes/{{}}/versions?api-version=2023-04-01&hash={{}}"
GUID_A = "3f2a0000-1111-2222-3333-444455556666"
GUID_B = "9b9b0000-1111-2222-3333-444455556666"


def _vcr() -> VCR:
    vcr = VCR(record_mode="none")
    vcr.register_matcher("path_template", path_template_matcher)
    vcr.register_matcher("query_stable", query_stable_matcher)
    return vcr


def _pair(cls: type[Cassette], *, repeats: bool = False, **config: Any) -> Cassette:
    """A cassette of ``cls`` configured the way the harness configures vcrpy."""
    merged = _vcr().get_merged_config(
        match_on=config.pop("match_on", MATCH_ON), allow_playback_repeats=repeats
    )
    merged.pop("path_transformer")
    merged.pop("func_path_generator")
    merged.pop("record_on_exception")
    return cls(path="unused.yaml", **merged)


RECORDED = [
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01", "401"),
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01", "200-first"),
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01", "200-second"),
    ("GET", f"{VAULT}/secrets/other/?api-version=2026-04-01", "other"),
    ("GET", CODE.format(GUID_A, "aaa"), "code-a"),
    ("POST", CODE.format(GUID_A, "aaa"), "code-post"),
    ("GET", CODE.format(GUID_B, "bbb"), "code-b"),
]


def _load(cassette: Cassette) -> Cassette:
    for method, uri, name in RECORDED:
        cassette.append(Request(method, uri, None, {}), {"name": name})
    cassette.rewound = True
    return cassette


def _both(**config: Any) -> tuple[Cassette, Cassette]:
    return _load(_pair(Cassette, **config)), _load(_pair(IndexedCassette, **config))


REQUESTS = [
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01"),
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01"),
    ("GET", CODE.format(GUID_B, "zzz")),  # another GUID and hash: matches the first code GET
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01"),
    ("GET", CODE.format(GUID_A, "aaa")),
    ("POST", CODE.format(GUID_B, "ccc")),
    ("GET", f"{VAULT}/secrets/other/?api-version=2026-04-01"),
    ("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01"),  # all three played: a miss
    ("GET", f"{VAULT}/secrets/s/?api-version=2025-01-01"),  # another api-version: a miss
]


def _play(cassette: Cassette, method: str, uri: str) -> tuple[bool, str]:
    request = Request(method, uri, None, {})
    if not cassette.can_play_response_for(request):
        with pytest.raises(UnhandledHTTPRequestError):
            cassette.play_response(request)
        return False, "miss"
    return True, cassette.play_response(request)["name"]


@pytest.mark.parametrize("repeats", [False, True])
def test_the_index_plays_what_vcrpys_scan_plays_in_the_same_order(repeats: bool) -> None:
    scanned, indexed = _both(repeats=repeats)
    for method, uri in REQUESTS:
        assert _play(indexed, method, uri) == _play(scanned, method, uri)
    assert indexed.play_counts == scanned.play_counts
    assert indexed.all_played == scanned.all_played
    # Requests compare by identity in vcrpy 8 (Python 3.10): compare what was played.
    played = [(r.method, r.uri, response) for r, response in indexed._played_interactions]
    assert played == [(r.method, r.uri, resp) for r, resp in scanned._played_interactions]


def test_without_repeats_the_first_unplayed_match_wins_and_a_played_one_is_a_miss() -> None:
    _, indexed = _both()
    names = [_play(indexed, "GET", f"{VAULT}/secrets/s/?api-version=2026-04-01")[1] for _ in "1234"]
    assert names == ["401", "200-first", "200-second", "miss"]
    assert indexed.play_counts == {0: 1, 1: 1, 2: 1}


def test_with_repeats_the_first_match_is_played_again() -> None:
    _, indexed = _both(repeats=True)
    names = [_play(indexed, "GET", f"{VAULT}/secrets/s/?api-version=2026-04-01")[1] for _ in "12"]
    assert names == ["401", "401"]
    assert indexed.play_counts == {0: 2}


def test_responses_of_and_the_similar_requests_of_a_miss_are_vcrpys() -> None:
    scanned, indexed = _both()
    request = Request("GET", f"{VAULT}/secrets/s/?api-version=2026-04-01", None, {})
    assert indexed.responses_of(request) == scanned.responses_of(request)
    miss = Request("GET", f"{VAULT}/secrets/s/?api-version=2025-01-01", None, {})
    assert (request in indexed, miss in indexed) == (request in scanned, miss in scanned)
    assert (request in indexed, miss in indexed) == (True, False)
    similar = [cassette.find_requests_with_most_matches(miss) for cassette in (scanned, indexed)]
    assert [[(str(r), ok, failed) for r, ok, failed in found] for found in similar] == [
        [(str(r), ok, failed) for r, ok, failed in similar[0]]
    ] * 2
    assert len(similar[0]) == 3


def test_interactions_appended_after_a_lookup_are_found() -> None:
    _, indexed = _both()
    late = Request("DELETE", f"{VAULT}/secrets/late", None, {})
    assert late not in indexed
    indexed.append(late, {"name": "late"})
    assert indexed.play_response(late) == {"name": "late"}


def test_matchers_without_a_key_still_decide_within_the_bucket() -> None:
    def body(r1: Any, r2: Any) -> None:
        assert r1.body == r2.body

    scanned, indexed = (
        _pair(cls, match_on=("method", "uri")) for cls in (Cassette, IndexedCassette)
    )
    for cassette in (scanned, indexed):
        cassette._match_on = (*cassette._match_on, body)
        cassette.append(Request("POST", f"{VAULT}/x", b"one", {}), {"name": "one"})
        cassette.append(Request("POST", f"{VAULT}/x", b"two", {}), {"name": "two"})
        cassette.rewound = True
    indexed._key_parts = indexed._key_parts[:2]  # as built from ("method", "uri") + body
    two = Request("POST", f"{VAULT}/x", b"two", {})
    assert indexed.play_response(two) == scanned.play_response(two) == {"name": "two"}


def test_use_indexed_cassettes_makes_a_vcr_open_indexed_cassettes(tmp_path: Any) -> None:
    vcr = _vcr()
    use_indexed_cassettes(vcr)
    with vcr.use_cassette(str(tmp_path / "c.yaml"), record_mode="none") as cassette:
        assert isinstance(cassette, IndexedCassette)
    plain = _vcr()
    with plain.use_cassette(str(tmp_path / "c.yaml"), record_mode="none") as cassette:
        assert type(cassette) is Cassette
