"""The stand-ins of tests/sdk_speedups.py answer as the SDK's own helpers do."""

from __future__ import annotations

import email.parser
import functools
import http.client
import http.server
import io
import os
import ssl
import threading
import types
import unittest.mock
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.utils
import trustme
import urllib3.connection
import urllib3.exceptions
from _pytest import compat, fixtures, python
from azure.ai.ml._utils import _experimental
from azure.ai.ml.operations import _job_operations
from azure.core.settings import Settings, settings
from azureml_obo_harness.serving import PromptShutdownMixin
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pluggy import _manager as pluggy_manager

from tests.cloud.conftest import allowed_hosts  # loopback only: the TLS servers below
from tests.sdk_speedups import (
    REPLACED,
    ClientTLSContexts,
    EnvironmentProxies,
    FixtureArgnames,
    GitProperties,
    check_for_wrapped_fixture,
    parse_headers,
    safe_getattr,
    settings_config,
    should_skip_experimental_warning,
    static_hook_attr,
)

__all__ = ["allowed_hosts"]

SHOULD_SKIP = "azure.ai.ml._utils._experimental._should_skip_warning"
GIT_PROPERTIES = "azure.ai.ml.operations._job_operations.get_git_properties"
PROXIES = "urllib.request.getproxies_environment"
TLS_WRAP = "urllib3.connection._ssl_wrap_socket_and_match_hostname"
PARSE_HEADERS = "http.client.parse_headers"
SETTINGS_CONFIG = "azure.core.settings.Settings._config"
ARGNAMES = "_pytest.fixtures.getfuncargnames"
WRAPPED_CHECK = "_pytest.fixtures.FixtureManager._check_for_wrapped_fixture"
SAFE_GETATTR = "_pytest.compat.safe_getattr"
STATIC_HOOK_ATTR = "pluggy._manager._static_hook_attr"
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
    assert isinstance(urllib3.connection._ssl_wrap_socket_and_match_hostname, ClientTLSContexts)
    assert not isinstance(REPLACED[TLS_WRAP], ClientTLSContexts)
    assert http.client.parse_headers is parse_headers
    assert REPLACED[PARSE_HEADERS] is not parse_headers
    assert Settings.__dict__["_config"] is settings_config
    assert REPLACED[SETTINGS_CONFIG] is not settings_config
    assert isinstance(fixtures.getfuncargnames, FixtureArgnames)
    assert not isinstance(REPLACED[ARGNAMES], FixtureArgnames)
    assert (
        fixtures.FixtureManager.__dict__["_check_for_wrapped_fixture"] is check_for_wrapped_fixture
    )
    assert REPLACED[WRAPPED_CHECK] is not check_for_wrapped_fixture
    assert compat.safe_getattr is fixtures.safe_getattr is python.safe_getattr is safe_getattr
    assert REPLACED[SAFE_GETATTR] is not safe_getattr
    assert pluggy_manager._static_hook_attr is static_hook_attr
    assert REPLACED[STATIC_HOOK_ATTR] is not static_hook_attr


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


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(PromptShutdownMixin, http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def _serving(authority: trustme.CA, name: str = "127.0.0.1") -> Iterator[str]:
    """A TLS server on loopback whose certificate ``authority`` issued for ``name``; its URL."""
    server = _Server(("127.0.0.1", 0), _Hello)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def authorities() -> tuple[trustme.CA, trustme.CA]:
    return trustme.CA(), trustme.CA()


@pytest.fixture
def servers(authorities: tuple[trustme.CA, trustme.CA]) -> Iterator[tuple[str, str]]:
    with _serving(authorities[0]) as first, _serving(authorities[1]) as second:
        yield first, second


@pytest.fixture
def tls_contexts(monkeypatch: pytest.MonkeyPatch) -> ClientTLSContexts:
    """A stand-in of its own (the suite's has contexts of earlier tests), in urllib3's place."""
    stand_in = ClientTLSContexts(REPLACED[TLS_WRAP])
    monkeypatch.setattr(urllib3.connection, "_ssl_wrap_socket_and_match_hostname", stand_in)
    return stand_in


def _ca_file(authority: trustme.CA, path: Path) -> str:
    authority.cert_pem.write_to_path(str(path))
    return str(path)


def test_connections_share_a_context_per_ca_file_and_each_is_verified(
    authorities: tuple[trustme.CA, trustme.CA],
    servers: tuple[str, str],
    tls_contexts: ClientTLSContexts,
    tmp_path: Path,
) -> None:
    first_ca, second_ca = (_ca_file(a, tmp_path / f"ca{i}.pem") for i, a in enumerate(authorities))
    first, second = servers
    for _ in range(3):  # a new session each time: a new connection, a new TLS handshake
        assert requests.get(first, verify=first_ca, timeout=10).text == "hello"
    assert len(tls_contexts.contexts) == 1
    # The first CA's context, kept, does not trust what the second CA issued.
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(second, verify=first_ca, timeout=10)
    assert requests.get(second, verify=second_ca, timeout=10).text == "hello"
    assert len(tls_contexts.contexts) == 2
    # The host name is still checked, with the kept context.
    with (
        _serving(authorities[0], name="elsewhere.test") as elsewhere,
        pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        requests.get(elsewhere, verify=first_ca, timeout=10)
    # Without verification, urllib3 builds its own context as it would.
    with warnings.catch_warnings():  # urllib3 warns, or not if a library turned it off
        warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
        assert requests.get(second, verify=False, timeout=10).text == "hello"
    assert len(tls_contexts.contexts) == 2


def test_a_ca_file_replaced_in_place_is_a_new_context(
    authorities: tuple[trustme.CA, trustme.CA],
    servers: tuple[str, str],
    tls_contexts: ClientTLSContexts,
    tmp_path: Path,
) -> None:
    ca_file = _ca_file(authorities[0], tmp_path / "ca.pem")
    first, second = servers
    assert requests.get(first, verify=ca_file, timeout=10).text == "hello"
    os.replace(_ca_file(authorities[1], tmp_path / "next.pem"), ca_file)  # the same path
    assert requests.get(second, verify=ca_file, timeout=10).text == "hello"
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(first, verify=ca_file, timeout=10)
    assert len(tls_contexts.contexts) == 2


def test_a_missing_ca_file_is_reported_as_urllib3_reports_it(
    servers: tuple[str, str], tls_contexts: ClientTLSContexts, tmp_path: Path
) -> None:
    with pytest.raises(OSError, match="Could not find a suitable TLS CA certificate bundle"):
        requests.get(servers[0], verify=str(tmp_path / "absent.pem"), timeout=10)
    assert tls_contexts.contexts == {}


def _state(message: http.client.HTTPMessage) -> dict[str, object]:
    """Everything a parsed message holds, its defects by kind and text."""
    state = {name: value for name, value in vars(message).items() if name != "defects"}
    state["defects"] = [(type(defect), str(defect)) for defect in message.defects]
    if isinstance(message._payload, list):  # the parts of a multipart or message/* type
        state["_payload"] = [_state(part) for part in message._payload]
    return state


# Header lines as a response or request can hold them: mostly plain ``Name: value`` lines, and
# every line the feed parser reads otherwise (continuations, unix-from, no name, no colon, line
# breaks and splitlines' breaks inside a line, multipart/message types, a missing blank line).
_NAME = st.text(alphabet="Content-TypeXmsd_!~ :\x85\t", min_size=0, max_size=12)
_VALUE = st.text(alphabet="ab ;=/\t\r\n\x0b\x0c\x1c\x85\xe9", max_size=16)
_PLAIN = st.builds(
    lambda n, v, e: f"{n}:{v}{e}",
    st.text(alphabet="Content-TypeXms_!~", min_size=1, max_size=12),
    st.text(alphabet="ab :;=/\t\xe9", max_size=12),
    st.sampled_from(["\r\n", "\n"]),
)
_LINE = st.one_of(
    _PLAIN,
    _PLAIN,
    st.builds(lambda n, v, e: f"{n}:{v}{e}", _NAME, _VALUE, st.sampled_from(["\r\n", "\n"])),
    st.builds(lambda v: f" {v}\r\n", _VALUE),  # a continuation
    st.sampled_from(
        [
            "From someone\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n",
            "content-type:  Message/http\r\n",
            "Content-Type: application/json\r\n",
            "no colon here\r\n",
        ]
    ),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.lists(_PLAIN, max_size=6), st.lists(_LINE, max_size=6)),
    st.sampled_from(["\r\n", "\n", ""]),
)
@example(["Content-Type: application/json; charset=utf-8\r\n", "x-ms-request-id: 1 \r\n"], "\r\n")
def test_the_header_stand_in_parses_as_http_client(lines: list[str], end: str) -> None:
    raw = "".join([*lines, end]).encode("iso-8859-1") + b"the body"
    mine, theirs = io.BytesIO(raw), io.BytesIO(raw)
    assert _state(parse_headers(mine)) == _state(REPLACED[PARSE_HEADERS](theirs))
    assert mine.read() == theirs.read()  # the same bytes left to read as the body


def test_plain_headers_skip_the_feed_parser_and_others_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    parser = email.parser.Parser

    class Counting(parser):  # type: ignore[misc,valid-type]
        def parsestr(self, text: str, headersonly: bool = False) -> object:
            parsed.append(text)
            return super().parsestr(text, headersonly)

    monkeypatch.setattr(email.parser, "Parser", Counting)
    plain = b"Content-Type: application/json\r\nContent-Length: 2\r\nx-ms-version: 1\r\n\r\n"
    assert parse_headers(io.BytesIO(plain)).items() == [
        ("Content-Type", "application/json"),
        ("Content-Length", "2"),
        ("x-ms-version", "1"),
    ]
    assert parsed == []
    folded = b"X-Folded: one\r\n two\r\n\r\n"
    assert parse_headers(io.BytesIO(folded)).items() == [("X-Folded", "one\r\n two")]
    assert parsed == [folded.decode()]


def test_too_many_headers_are_refused_as_http_client_refuses_them() -> None:
    raw = b"".join(b"X-%d: 1\r\n" % i for i in range(http.client._MAXHEADERS + 1)) + b"\r\n"
    with pytest.raises(http.client.HTTPException) as sdk:
        REPLACED[PARSE_HEADERS](io.BytesIO(raw))
    with pytest.raises(http.client.HTTPException) as stand_in:
        parse_headers(io.BytesIO(raw))
    assert str(stand_in.value) == str(sdk.value)


def test_the_settings_stand_in_answers_as_azure_core_with_one_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sdk = REPLACED[SETTINGS_CONFIG]
    props = {"log_level": 20, "tracing_enabled": False, "azure_cloud": "AZURE_PUBLIC_CLOUD"}
    first, again = settings_config(settings, props), settings_config(settings, dict(props))
    assert first == sdk(settings, props) and first._fields == sdk(settings, props)._fields
    assert type(first) is type(again) and type(first).__name__ == "Config"
    assert settings_config(settings, {"b": 1, "a": 2})._fields == ("b", "a")  # their order
    # settings.current reads the environment each time, as before
    monkeypatch.setenv("AZURE_LOG_LEVEL", "debug")
    assert settings.current.log_level == 10
    monkeypatch.setenv("AZURE_LOG_LEVEL", "warning")
    assert settings.current.log_level == 30


def _fixture(request: object, tmp_path: Path, *, scope: str, cached: int = 1) -> None:
    """A fixture function's shape: positional, keyword-only, and one with a default."""


class _Holder:
    def method(self, monkeypatch: object) -> None: ...

    @staticmethod
    def static(capsys: object) -> None: ...


def test_the_argnames_stand_in_answers_as_pytest() -> None:
    pytest_own, stand_in = REPLACED[ARGNAMES], FixtureArgnames(REPLACED[ARGNAMES])
    for function, name in [(_fixture, "_fixture"), (_fixture, ""), (_Holder().method, "method")]:
        assert stand_in(function, name=name) == pytest_own(function, name=name)
    assert stand_in(_fixture, name="x") == ("request", "tmp_path", "scope")
    for name in ("method", "static"):  # asked with a class: the first argument dropped or not
        function = getattr(_Holder, name)
        assert stand_in(function, name=name, cls=_Holder) == pytest_own(
            function, name=name, cls=_Holder
        )
    assert stand_in(_Holder.method, name="method", cls=_Holder) == ("monkeypatch",)
    assert stand_in(divmod, name="divmod") == pytest_own(divmod, name="divmod")  # a builtin


def test_the_argnames_stand_in_asks_once_per_code_and_defaults() -> None:
    asked: list[str] = []

    def ask(function: Any, *, name: str = "", cls: type | None = None) -> tuple[str, ...]:
        asked.append(function.__name__)
        return REPLACED[ARGNAMES](function, name=name, cls=cls)  # type: ignore[no-any-return]

    stand_in = FixtureArgnames(ask)

    def request_fixture(request: str) -> Callable[[], str]:
        return lambda: request  # what pytest makes for every test that asks for ``request``

    requests_ = [request_fixture("one"), request_fixture("two")]
    assert stand_in(requests_[0]) == stand_in(requests_[1]) == ()
    assert asked == ["<lambda>"]

    def fixture(tmp_path: Path, scope: str = "x") -> None: ...

    assert stand_in(fixture) == ("tmp_path",)
    fixture.__defaults__ = ("tmp", "x")  # both have defaults now: another shape
    assert stand_in(fixture) == ()
    wrapped = functools.wraps(fixture)(lambda *args: None)  # signature of what it wraps
    assert stand_in(wrapped) == stand_in(wrapped) == REPLACED[ARGNAMES](wrapped)
    stand_in(_Holder.method, name="method", cls=_Holder)
    stand_in(_Holder.method, name="method", cls=_Holder)  # with a class: asked every time
    assert asked == ["<lambda>", "fixture", "fixture", "fixture", "fixture", "method", "method"]


def _plain_fixture() -> None: ...


def _decorated(function: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(function)
    def wrapper(*args: object) -> object:
        return function(*args)

    return wrapper


class _Evil:
    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"no {name} here")


def _warnings_of(check: Callable[..., None], manager: object, name: str, obj: object) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check(manager, name, obj)
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def test_the_wrapped_fixture_check_warns_exactly_as_pytests(request: pytest.FixtureRequest) -> None:
    manager = request.session._fixturemanager
    fixture = pytest.fixture(_plain_fixture)
    holders: dict[str, object] = {
        "function": _plain_fixture,
        "module": os,
        "number": 3,
        "fixture": fixture,
        "wrapped_fixture": _decorated(fixture),  # warned: hidden behind a decorator
        "class_method": classmethod(fixture),  # warned: @classmethod under @pytest.fixture
        "wrapped_function": _decorated(_plain_fixture),
        "evil": _Evil(),
        "mock": unittest.mock.MagicMock(),
    }
    warned = {}
    for name, obj in holders.items():
        pytests = _warnings_of(REPLACED[WRAPPED_CHECK], manager, name, obj)
        assert _warnings_of(check_for_wrapped_fixture, manager, name, obj) == pytests, name
        warned[name] = len(pytests)
    assert warned["wrapped_fixture"] == warned["class_method"] == 1  # the check can tell
    assert sum(warned.values()) == 2


class _Attributes:
    """An object whose attributes answer, or raise, in every way ``safe_getattr`` tells apart."""

    plain = "plain"

    @property
    def raises_an_error(self) -> str:
        raise ValueError("an error")

    @property
    def skips(self) -> str:
        pytest.skip("skipped")

    @property
    def fails(self) -> str:
        pytest.fail("failed")

    @property
    def exits(self) -> str:
        pytest.exit("exited")

    @property
    def interrupts(self) -> str:
        raise KeyboardInterrupt


def _outcome(getter: Callable[[object, str, object], object], name: str) -> object:
    try:
        return ("value", getter(_Attributes(), name, "default"))
    except BaseException as raised:  # what escapes: Ctrl-C, not an error, a skip or an exit
        return ("raised", type(raised))


@pytest.mark.parametrize(
    "name", ["plain", "missing", "raises_an_error", "skips", "fails", "exits", "interrupts"]
)
def test_the_safe_getattr_stand_in_answers_and_raises_as_pytests(name: str) -> None:
    pytests = _outcome(REPLACED[SAFE_GETATTR], name)
    assert _outcome(safe_getattr, name) == pytests
    if name == "interrupts":  # the one pytest does not swallow
        assert pytests == ("raised", KeyboardInterrupt)
    else:
        assert pytests == ("value", "plain" if name == "plain" else "default")


class _HookHolder:
    """A plugin class: its methods, a static and a class method, a property, an instance value."""

    def pytest_method(self) -> None: ...

    @staticmethod
    def pytest_static() -> None: ...

    @classmethod
    def pytest_class(cls) -> None: ...

    @property
    def pytest_property(self) -> None: ...


def _hook_holders() -> list[object]:
    import _pytest.python
    import _pytest.terminal

    odd = types.ModuleType("odd")  # a module whose own names shadow or mimic the module type's
    odd.__dict__.update(
        {"__repr__": lambda: "odd", "pytest_lambda": lambda: None, "pytest_number": 3}
    )
    odd.pytest_bound = _HookHolder().pytest_method  # type: ignore[attr-defined]
    odd.pytest_static = staticmethod(_plain_fixture)  # type: ignore[attr-defined]
    instance = _HookHolder()
    instance.pytest_value = _plain_fixture  # type: ignore[attr-defined]

    class Submodule(types.ModuleType):
        pytest_from_the_type = _plain_fixture

    return [_pytest.python, _pytest.terminal, odd, Submodule("sub"), _HookHolder, instance]


def test_the_static_hook_attr_stand_in_answers_as_pluggy() -> None:
    pluggys = REPLACED[STATIC_HOOK_ATTR]
    compared = 0
    for holder in _hook_holders():
        for name in [*dir(holder), "pytest_absent"]:
            assert static_hook_attr(holder, name) == pluggys(holder, name), (holder, name)
            compared += 1
    assert compared > 200  # every attribute of two of pytest's plugin modules among them
