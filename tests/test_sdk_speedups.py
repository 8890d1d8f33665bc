"""The stand-ins of tests/sdk_speedups.py answer as the SDK's own helpers do."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import requests.utils
from azure.ai.ml._utils import _experimental
from azure.ai.ml.operations import _job_operations

from tests.sdk_speedups import (
    REPLACED,
    EnvironmentProxies,
    GitProperties,
    should_skip_experimental_warning,
)

SHOULD_SKIP = "azure.ai.ml._utils._experimental._should_skip_warning"
GIT_PROPERTIES = "azure.ai.ml.operations._job_operations.get_git_properties"
PROXIES = "urllib.request.getproxies_environment"
ROOT = Path(__file__).resolve().parent.parent


def _from_rest_object(ask: Callable[[], bool]) -> bool:
    """Asks from under a frame of the name the SDK looks for (as its REST converters are)."""
    return _nested(ask)


def _nested(ask: Callable[[], bool]) -> bool:
    return ask()


def test_the_suite_runs_with_the_stand_ins() -> None:
    assert _experimental._should_skip_warning is should_skip_experimental_warning
    assert REPLACED[SHOULD_SKIP] is not should_skip_experimental_warning
    assert isinstance(_job_operations.get_git_properties, GitProperties)
    assert not isinstance(REPLACED[GIT_PROPERTIES], GitProperties)
    # requests looks it up under both names (its settings, and NO_PROXY through urllib's check)
    assert isinstance(requests.utils.getproxies, EnvironmentProxies)
    assert urllib.request.getproxies_environment is requests.utils.getproxies
    assert not isinstance(REPLACED[PROXIES], EnvironmentProxies)


def test_the_stand_in_skips_exactly_when_the_sdks_function_does() -> None:
    sdk = REPLACED[SHOULD_SKIP]
    assert sdk() is False and should_skip_experimental_warning() is False
    assert _nested(sdk) is False and _nested(should_skip_experimental_warning) is False
    assert _from_rest_object(sdk) is True
    assert _from_rest_object(should_skip_experimental_warning) is True


@pytest.mark.parametrize("where", ["checkout", "no repository"])
def test_the_git_stand_in_answers_as_the_sdks_function(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT if where == "checkout" else tmp_path)
    sdk, stand_in = REPLACED[GIT_PROPERTIES], GitProperties(REPLACED[GIT_PROPERTIES])
    assert stand_in() == sdk()
    assert stand_in() == sdk()  # asked again: the answer kept
    # What the environment says comes first, and a new value is a new question.
    monkeypatch.setenv("AZUREML_GIT_BRANCH", "release")
    assert stand_in() == sdk()
    assert stand_in()["mlflow.source.git.branch"] == "release"


def test_the_git_stand_in_asks_once_per_folder_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    stand_in = GitProperties(lambda: asked.append(str(Path.cwd())) or {"asked": str(len(asked))})
    monkeypatch.chdir(tmp_path)
    first = stand_in()
    first["changed"] = "by the caller"
    assert stand_in() == {"asked": "1"}  # a copy each time: the kept answer is untouched
    monkeypatch.chdir(ROOT)
    assert stand_in() == {"asked": "2"}
    monkeypatch.setenv("GIT_DIR", str(tmp_path))  # git reads it: another question
    assert stand_in() == {"asked": "3"}
    assert asked == [str(tmp_path), str(ROOT), str(ROOT)]


def test_the_proxies_stand_in_answers_as_urllib_as_the_environment_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sdk = REPLACED[PROXIES]
    stand_in = EnvironmentProxies(sdk)
    for name in [n for n in os.environ if n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    assert stand_in() == sdk() == {}
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:1")
    assert stand_in() == sdk() == {"https": "http://127.0.0.1:1"}
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:2")  # the lower-case name wins
    monkeypatch.setenv("NO_PROXY", "localhost")
    assert stand_in() == sdk() == {"https": "http://127.0.0.1:2", "no": "localhost"}
    monkeypatch.setenv("REQUEST_METHOD", "GET")  # a CGI process: HTTP_PROXY is not trusted
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3")
    assert stand_in() == sdk()
    assert "http" not in stand_in()
    monkeypatch.delenv("REQUEST_METHOD")
    assert stand_in() == sdk()
    assert stand_in()["http"] == "http://127.0.0.1:3"


def test_the_proxies_stand_in_asks_once_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str | None] = []

    def ask() -> dict[str, str]:
        asked.append(os.environ.get("HTTPS_PROXY"))
        return {"https": str(len(asked))}

    stand_in = EnvironmentProxies(ask)
    monkeypatch.setenv("HTTPS_PROXY", "http://one")
    first = stand_in()
    first["changed"] = "by the caller"
    assert stand_in() == {"https": "1"}  # a copy each time: the kept answer is untouched
    monkeypatch.setenv("HTTPS_PROXY", "http://two")
    assert stand_in() == {"https": "2"}
    monkeypatch.setenv("UNRELATED", "x")  # any change is a new question
    assert stand_in() == {"https": "3"}
    assert asked == ["http://one", "http://two", "http://two"]


def test_requests_sends_through_the_proxy_the_environment_names_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What the stand-in would break if it answered from a stale environment: requests' choice.
    session = requests.Session()
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:1")
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    settings = session.merge_environment_settings("https://example.test/", {}, None, None, None)
    assert settings["proxies"]["https"] == "http://127.0.0.1:1"
    monkeypatch.setenv("NO_PROXY", "example.test")
    settings = session.merge_environment_settings("https://example.test/", {}, None, None, None)
    assert "https" not in settings["proxies"]
