"""The ``cassette-scan`` command: its output, exit status, ``--explain``, ``--kinds`` and the
allow-list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from azureml_obo_harness.scan import KINDS, main, parse_allow_list, scan_paths, scan_text

LEAK = '{"refresh_token": "0.AXkA7q3nOpaqueRefresh", "note": "ok"}\n'


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    (tmp_path / "a.json").write_text(LEAK)
    return tmp_path / "a.json"


def test_a_generator_of_paths_is_scanned_like_a_list(leaky: Path) -> None:
    def paths() -> Iterator[Path]:
        yield leaky

    assert [f.rule for f in scan_paths(paths())] == [f.rule for f in scan_paths([leaky])]
    assert [f.rule for f in scan_paths(paths())] == ["token-field"]


def test_findings_and_the_summary_are_on_stdout_and_exit_1(
    leaky: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(leaky.parent)
    assert main([str(leaky)]) == 1
    out, err = capsys.readouterr()
    first, summary = out.splitlines()
    assert first.startswith(f"{leaky}:1: token-field: refresh_token = 0.AX...")
    assert "OpaqueRefresh" not in out
    assert summary.startswith(f"cassette-scan: scanned 1 file(s) in {leaky}: 1 finding(s)")
    assert "token-field 1" in summary and "--explain KIND" in summary
    assert err == ""


def test_a_clean_scan_says_what_it_scanned_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.yaml").write_text("ok: 1\n")
    (tmp_path / "c" / "y.yaml").write_text("token: sanitized\n")
    assert main(["c"]) == 0
    assert capsys.readouterr().out == "cassette-scan: scanned 2 file(s) in c: no findings\n"


def test_a_missing_path_is_a_finding_not_a_clean_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["casettes"]) == 1
    assert capsys.readouterr().out.startswith("casettes:0: missing: no such file or folder")


def test_no_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "name at least one cassette file or folder" in capsys.readouterr().err


def test_help_is_plain_text_without_docstring_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: cassette-scan")
    assert "``" not in out and ":func:" not in out
    assert "--explain KIND" in out and "--allow-file FILE" in out


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_explain_says_what_a_kind_is_and_how_to_fix_it(
    kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--explain", kind]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{kind}: ")
    assert "What it is: " in out and "How to fix: " in out


def test_explaining_an_unknown_kind_lists_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--explain", "jwts"]) == 2
    err = capsys.readouterr().err
    assert "no kind 'jwts'" in err and "token-field" in err


def test_kinds_lists_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kinds"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == list(KINDS)


def test_an_allow_list_entry_lets_its_value_pass_and_only_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.json").write_text('{"createdBy": "Build Robot", "lastModifiedBy": "Jane Doe"}\n')
    allow = tmp_path / "allow"
    allow.write_text("user-name  Build Robot   # our CI bot's display name, not a person\n")
    assert main([str(tmp_path / "a.json"), "--allow-file", str(allow)]) == 1
    out = capsys.readouterr().out
    assert "lastModifiedBy" in out and "createdBy" not in out
    assert "(allow-list " in out and "1 entry" in out


def test_an_allow_list_pattern_matches_the_whole_value(tmp_path: Path) -> None:
    allow = parse_allow_list("email  re:.*@ci\\.contoso\\.com   # our CI's fake mailboxes\n")
    text = '{"a": "bot1@ci.contoso.com", "b": "bot1@ci.contoso.com.evil.io"}'
    assert [f.value for f in scan_text(text, allow=allow)] == ["bot1@ci.contoso.com.evil.io"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("email a@contoso.com", "no reason"),
        ("emails a@contoso.com  # typo in the kind", "unknown kind"),
        ("real-value abcdefgh  # no", "cannot be allowed"),
        ("email  # nothing to allow", "no value"),
        ("email re:(  # bad pattern", "does not compile"),
    ],
)
def test_a_broken_allow_list_entry_is_a_finding(line: str, problem: str) -> None:
    allow = parse_allow_list(f"# header\n{line}\n", path="allow")
    assert allow.entries == []
    [finding] = allow.problems
    assert (finding.path, finding.line, finding.rule) == ("allow", 2, "allow-list")
    assert problem in finding.what


def test_a_broken_allow_list_fails_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "clean.yaml").write_text("ok: 1\n")
    (tmp_path / "allow").write_text("email a@contoso.com\n")
    assert main([str(tmp_path / "clean.yaml"), "--allow-file", str(tmp_path / "allow")]) == 1
    assert f"{tmp_path / 'allow'}:1: allow-list: no reason" in capsys.readouterr().out


def test_a_named_allow_file_that_does_not_exist_fails_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "clean.yaml").write_text("ok: 1\n")
    assert main([str(tmp_path / "clean.yaml"), "--allow-file", str(tmp_path / "nope")]) == 1
    assert "no such allow-list file" in capsys.readouterr().out


def test_an_unused_allow_list_entry_is_pointed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "clean.yaml").write_text("ok: 1\n")
    (tmp_path / "allow").write_text("email old@contoso.com  # the old bot\n")
    assert main([str(tmp_path / "clean.yaml"), "--allow-file", str(tmp_path / "allow")]) == 0
    assert "allow:1: note: this entry allowed nothing" in capsys.readouterr().out


def test_the_projects_allow_list_parses_and_allows_nothing() -> None:
    allow = parse_allow_list(
        (Path(__file__).resolve().parents[1] / ".cassette-scan-allow").read_text()
    )
    assert allow.problems == [] and allow.entries == []


def test_a_field_in_text_that_is_no_yaml_or_json_is_still_judged_by_its_name() -> None:
    text = "not: [valid yaml\nclient_secret=Qx8-invented-secret&x=1\n"
    assert [(f.line, f.rule) for f in scan_text(text)] == [(2, "credential-field")]


def test_a_secret_value_counts_only_inside_a_key_vault_secret_url() -> None:
    body = '{"value": "hunter2-invented"}'
    vault = f"request:\n  uri: https://v.vault.azure.net/secrets/s/1\n  body: '{body}'\n"
    other = f"request:\n  uri: https://management.azure.com/x\n  body: '{body}'\n"
    assert [f.rule for f in scan_text(vault)] == ["secret-value"]
    assert scan_text(other) == []
