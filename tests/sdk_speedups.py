"""Faster stand-ins for helpers of the Azure SDKs, their HTTP stack and pytest whose cost is pure
overhead in a test run.

Each stand-in returns exactly what the SDK's own function returns (``tests/test_sdk_speedups.py``
holds them side by side); only the time differs. They are applied to this project's own suite
(``tests/conftest.py``), not by the harness: a team's run is untouched.

- ``azure.ai.ml._utils._experimental._should_skip_warning``: every call of an experimental
  class or method of azure-ai-ml asks whether it runs under a ``_from_rest_object`` frame through
  ``inspect.stack()``, which reads the source line of every frame on the stack (under pytest, 50
  frames and more): about 50 ms a call, tens of calls in a test that submits and reads jobs. The
  stand-in walks the same frames and compares the same name, without reading any source.
- ``azure.ai.ml.operations._job_operations.get_git_properties``: every job submission asks git
  for the checkout's repository, branch, commit and state, in up to five ``git`` processes forked
  from this one (348 of them in a serial run at 5636324, 41 with the stand-in; the suite's time
  did not change measurably: alternating runs, bench/README.md). The stand-in asks the SDK's
  function once for each working directory and each value of what git and the function read
  from the environment (``AZUREML_GIT_*`` and ``GIT_*``, ``PATH``, ``HOME``), and returns a copy
  of that answer after. What it does not see: a checkout committed
  to or edited while the suite runs keeps the properties it had when it was first asked (the
  fake Azure stores a job's properties and checks none of these).
- ``urllib.request.getproxies_environment`` (``getproxies`` on Linux, as ``requests`` and
  ``aiohttp`` import it): ``requests`` asks it twice for every request it sends (its environment
  settings and the ``NO_PROXY`` check), and each time it decodes every variable of ``os.environ``
  twice: 0.25-0.35 ms of a 1.6-2.0 ms kept-alive Key Vault ``get_secret`` against the fake with 49
  variables set. The stand-in asks it again only when the environment differs from the one it last
  asked in (a comparison of ``os.environ``'s own mapping, in C) and returns a copy of that answer:
  a ``monkeypatch.setenv`` in between is a new question.
- ``urllib3.connection._ssl_wrap_socket_and_match_hostname``: for every new TLS connection
  that is given a CA file (``requests``' ``verify=`` or ``REQUESTS_CA_BUNDLE``, as every client of
  the fake Azure is) and no ``SSLContext``, urllib3 builds a new context and loads the file into
  it: ``SSLContext.__new__`` 2.3% and ``load_verify_locations`` 1.7% of the suite's main thread
  (py-spy, at 7b3c466), for each of the ~940 connections a serial run opens. The stand-in builds
  that context once for each CA file (its path, inode, modification time and size: a file replaced
  or rewritten is a new one) and each set of TLS settings, and hands it to urllib3's own function,
  which verifies the certificate and the host name as it would. A call with a client certificate, a CA folder or CA
  data, a context of its own, or a host name or fingerprint to assert goes to urllib3 unchanged
  (urllib3 changes the context it is given for those). Measured alternately: 22.21/22.52 s without,
  21.49/22.11 s with.
- ``http.client.parse_headers``: every HTTP response a client reads (and every request the fake
  Azure's handler reads) hands its header lines to the ``email`` package's feed parser: 5,659
  blocks and 0.43 s in a serial run at 376a051 (a 12-header Key Vault response: ~30 us, with the
  stand-in ~9 us). The stand-in builds the same
  ``HTTPMessage`` (the same header list, payload and defects) directly when every line is a plain
  ``Name: value`` line; anything the feed parser treats specially (a continuation or unix-from
  line, a line without a name, a line break inside a line, a multipart or message content type,
  headers that end without a blank line) goes to the feed parser as before.
- ``azure.core.settings.Settings._config``: ``settings.current``, which every azure-ai-ml
  ``MLClient`` asks several times while it is built, makes a new ``namedtuple`` class for every
  answer (1,683 of them in a serial run, 0.17 s). The stand-in makes one class for each set of
  names and fills it with the values read now, as the SDK's function does.
- ``_pytest.fixtures.getfuncargnames``: pytest reads the argument names of every fixture of every
  plugin from ``inspect.signature`` each time a session registers the plugin, and the ~50
  in-process ``pytester`` runs of this suite each register pytest's own plugins, Hypothesis',
  pytest-recording's and the harness's again, and every test that asks for ``request`` gets a
  new ``lambda: request`` whose names it reads too: 1.5% of a serial run's main thread at
  376a051. The stand-in keeps pytest's answer for each code object and set of parameters with
  defaults (what the answer depends on), for plain functions asked without a class; anything
  else (a method of a test class, a wrapped function, a partial) is asked as before.
- ``_pytest.fixtures.FixtureManager._check_for_wrapped_fixture``: for every attribute of every
  plugin module, each session, pytest looks for a fixture hidden behind decorators (to warn about
  it), through ``inspect.unwrap``: 2.0% of a serial run's main thread at e6a0158, most of it for
  objects with no ``__wrapped__`` at all, whose chain ``unwrap`` would not follow. The stand-in
  passes such an object over and hands every other one to pytest's check.
- ``pluggy._manager._static_hook_attr``: registering a plugin looks every ``pytest_*`` attribute
  up through ``inspect.getattr_static`` two or three times (for its options, its function, and a
  hook specification's), and every in-process ``pytester`` run registers pytest's ~45 plugin
  modules and the installed ones again. The stand-in answers a module's own plain function (not
  shadowed by an attribute of the module type) as pluggy does, ``(function, function)``, without
  the static lookup, and hands anything else (a class, an instance, a wrapper, a module of
  another type) to pluggy's function.
- ``_pytest.compat.safe_getattr`` (as ``_pytest.fixtures`` and ``_pytest.python`` import it):
  pytest reads every attribute of every plugin module and test module through it, each session,
  and each call runs an ``import`` statement for the exceptions it catches: that statement is
  0.8% of a serial run's main thread at c3530ab (py-spy), the ``getattr`` itself less. The
  stand-in catches the same exceptions, imported once.
"""

from __future__ import annotations

import email.parser
import http.client
import os
import re
import ssl
import sys
import types
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import pytest
from _pytest.outcomes import TEST_OUTCOME

REPLACED: dict[str, Callable[..., Any]] = {}
"""The SDK's own functions that :func:`applied` replaced, by dotted name (for the comparison)."""


def should_skip_experimental_warning() -> bool:
    """``_should_skip_warning``'s answer: whether a frame on the stack is a ``_from_rest_object``."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_from_rest_object":
            return True
        frame = frame.f_back
    return False


class GitProperties:
    """``get_git_properties``'s answer, asked once for each folder and git environment."""

    def __init__(self, ask: Callable[[], dict[str, str]]) -> None:
        self.ask = ask
        self.answers: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, str]] = {}

    def __call__(self) -> dict[str, str]:
        read = sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.startswith(("AZUREML_GIT_", "GIT_")) or name in {"PATH", "HOME"}
        )
        key = (os.getcwd(), tuple(read))
        if key not in self.answers:
            self.answers[key] = self.ask()
        return dict(self.answers[key])


class EnvironmentProxies:
    """``getproxies_environment``'s answer, asked again only when ``os.environ`` changed."""

    def __init__(self, ask: Callable[[], dict[str, str]]) -> None:
        self.ask = ask
        self.last: tuple[dict[Any, Any], dict[str, str]] | None = None
        """The environment last asked in (a copy of ``os.environ``'s mapping) and the answer."""

    def __call__(self) -> dict[str, str]:
        environ = getattr(os.environ, "_data", None)  # CPython's mapping behind os.environ
        if environ is None:
            return self.ask()
        last = self.last  # one read: another thread may replace it meanwhile
        if last is None or last[0] != environ:
            last = self.last = (dict(environ), self.ask())
        return dict(last[1])


class ClientTLSContexts:
    """urllib3's TLS wrapping, with one client ``SSLContext`` for each CA file and TLS settings."""

    def __init__(self, wrap: Callable[..., Any]) -> None:
        self.wrap = wrap
        self.contexts: dict[tuple[Any, ...], ssl.SSLContext] = {}

    def __call__(self, sock: Any, **settings: Any) -> Any:
        ca_file = settings.get("ca_certs")
        mine = ("ssl_context", "cert_file", "key_file", "ca_cert_dir", "ca_cert_data")
        asserted = ("assert_hostname", "assert_fingerprint")
        if (
            not ca_file
            or any(settings.get(name) for name in mine)
            or any(settings.get(name) is not None for name in asserted)
        ):
            return self.wrap(sock, **settings)
        try:
            file = os.stat(ca_file)
        except OSError:  # urllib3 reports a missing CA file in its own words
            return self.wrap(sock, **settings)
        context = self.context(ca_file, file, settings)
        return self.wrap(sock, **{**settings, "ssl_context": context, "ca_certs": None})

    def context(
        self, ca_file: str, file: os.stat_result, settings: dict[str, Any]
    ) -> ssl.SSLContext:
        """The context urllib3 would build for these settings, with ``ca_file`` loaded."""
        tls = tuple(
            settings.get(name)
            for name in ("cert_reqs", "ssl_version", "ssl_minimum_version", "ssl_maximum_version")
        )
        key = (ca_file, file.st_ino, file.st_mtime_ns, file.st_size, *tls)
        context = self.contexts.get(key)
        if context is None:
            context = self.contexts[key] = self.build(ca_file, settings)
        return context

    @staticmethod
    def build(ca_file: str, settings: dict[str, Any]) -> ssl.SSLContext:
        from urllib3.util import ssl_

        context = ssl_.create_urllib3_context(
            ssl_version=ssl_.resolve_ssl_version(settings.get("ssl_version")),
            ssl_minimum_version=settings.get("ssl_minimum_version"),
            ssl_maximum_version=settings.get("ssl_maximum_version"),
            cert_reqs=ssl_.resolve_cert_reqs(settings.get("cert_reqs")),
        )
        context.load_verify_locations(ca_file)
        return context


_PLAIN_HEADER = re.compile(r"([\041-\071\073-\176]+):[ \t]*([^\r\n\x0b\x0c\x1c-\x1e\x85]*)\r?\n\Z")
"""A header line the feed parser reads as ``name: value`` and nothing else: a name of the
characters its ``headerRE`` allows (none empty), and no character that ends a line for
``str.splitlines`` but the line's own end (to be safe: such a line goes to the feed parser)."""

_SPECIAL_CONTENT = re.compile(r"\s*(multipart|message)/", re.IGNORECASE)
"""A content type whose (here empty) body the feed parser reads for parts."""


def parse_headers(
    fp: BinaryIO, _class: type[http.client.HTTPMessage] = http.client.HTTPMessage
) -> Any:
    """``http.client.parse_headers``: the header block of ``fp``, as an ``HTTPMessage``."""
    lines = http.client._read_headers(fp)  # type: ignore[attr-defined]  # its limits and errors
    if lines and lines[-1] in (b"\r\n", b"\n"):
        message = _class()
        for line in lines[:-1]:
            plain = _PLAIN_HEADER.match(line.decode("iso-8859-1"))
            if plain is None:
                break
            name, value = plain.groups()
            if name.lower() == "content-type" and _SPECIAL_CONTENT.match(value):
                break
            message.set_raw(name, value)
        else:
            message.set_payload("")
            return message
    text = b"".join(lines).decode("iso-8859-1")
    return email.parser.Parser(_class=_class).parsestr(text)


_CONFIG_TYPES: dict[tuple[str, ...], type] = {}


def settings_config(self: Any, props: Any) -> Any:
    """``Settings._config``: ``props`` as a ``Config`` namedtuple, of one class for each set of
    names."""
    names = tuple(props.keys())
    config = _CONFIG_TYPES.get(names)
    if config is None:
        config = _CONFIG_TYPES[names] = namedtuple("Config", names)  # type: ignore[misc]
    return config(**props)


class FixtureArgnames:
    """pytest's ``getfuncargnames``, answered once for each shape of fixture function."""

    def __init__(self, ask: Callable[..., tuple[str, ...]]) -> None:
        self.ask = ask
        self.answers: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def __call__(self, function: Any, *, name: str = "", cls: type | None = None) -> Any:
        key = self.shape(function) if cls is None else None
        if key is None:  # a test function of a class, or no plain function: as pytest asks
            return self.ask(function, name=name, cls=cls)
        if key not in self.answers:
            self.answers[key] = self.ask(function, name=name)
        return self.answers[key]

    @staticmethod
    def shape(function: Any) -> tuple[Any, ...] | None:
        """What pytest's answer depends on, for a plain function asked without a class: its code
        (the parameters' names and kinds) and which parameters have defaults (the last
        ``len(__defaults__)`` positional ones, the keyword-only ones ``__kwdefaults__`` names).
        None for anything else: a wrapped function (``__wrapped__``, mock's patch arguments),
        one with a ``__signature__`` of its own, a method, a partial, a builtin."""
        if type(function) is not types.FunctionType or "__signature__" in function.__dict__:
            return None
        if hasattr(function, "__wrapped__"):
            return None
        defaults = function.__defaults__ or ()
        return (function.__code__, len(defaults), frozenset(function.__kwdefaults__ or ()))


WRAPPED_FIXTURE_CHECK = "_pytest.fixtures.FixtureManager._check_for_wrapped_fixture"


def check_for_wrapped_fixture(self: Any, name: str, obj: object) -> None:
    """pytest's check for a fixture hidden behind decorators, for an object that has a
    ``__wrapped__`` chain to follow (without one, ``inspect.unwrap`` finds nothing but ``obj``,
    and pytest's check ends there)."""
    try:
        chained = hasattr(obj, "__wrapped__")
    except Exception:  # an object that raises on attribute access: pytest's check decides
        chained = True
    if chained:
        REPLACED[WRAPPED_FIXTURE_CHECK](self, name, obj)


STATIC_HOOK_ATTR = "pluggy._manager._static_hook_attr"
_MODULE_TYPE_NAMES = frozenset(vars(types.ModuleType)) | frozenset(vars(object))
"""Names the module type answers itself, before a module's own ``__dict__``."""


def static_hook_attr(obj: object, name: str) -> Any:
    """pluggy's ``_static_hook_attr``: ``(marker_holder, function)`` for ``name`` on ``obj``."""
    if type(obj) is types.ModuleType and name not in _MODULE_TYPE_NAMES:
        value = obj.__dict__.get(name)
        if type(value) is types.FunctionType:
            return value, value
    return REPLACED[STATIC_HOOK_ATTR](obj, name)


SAFE_GETATTR = "_pytest.compat.safe_getattr"
SAFE_GETATTR_USERS = ("_pytest.compat", "_pytest.fixtures", "_pytest.python")
"""The modules that hold pytest's ``safe_getattr`` by name and call it for every attribute."""


def safe_getattr(object: Any, name: str, default: Any) -> Any:
    """pytest's ``safe_getattr``: ``getattr(object, name, default)``, and ``default`` when the
    attribute raises an ``Exception`` or one of pytest's outcomes (a skip, a fail)."""
    try:
        return getattr(object, name, default)
    except TEST_OUTCOME:
        return default


PROXY_LOOKUPS = ("urllib.request", "requests.compat", "requests.utils", "aiohttp.helpers")
"""The modules that hold ``getproxies_environment`` (or its Linux alias ``getproxies``) by name."""


@contextmanager
def applied() -> Iterator[None]:
    """Every stand-in in place, for the duration of the block, for the modules already imported
    (a run that never imports azure-ai-ml does not pay its import for this)."""
    with pytest.MonkeyPatch.context() as patch:
        _replace_header_parser(patch)
        _replace_fixture_argnames(patch)
        _replace_wrapped_fixture_check(patch)
        _replace_safe_getattr(patch)
        _replace_static_hook_attr(patch)
        if "urllib.request" in sys.modules:
            _replace_proxy_lookups(patch)
        if "azure.core.settings" in sys.modules:
            _replace_settings_config(patch)
        if "urllib3.connection" in sys.modules:
            _replace_client_tls_contexts(patch)
        if "azure.ai.ml" in sys.modules:
            _replace_azure_ai_ml_helpers(patch)
        yield


def _swap(
    patch: pytest.MonkeyPatch, owner: Any, attribute: str, stand_in: Any, dotted: str
) -> None:
    """Put ``stand_in`` at ``owner.attribute`` for the patch's duration, the original kept in
    :data:`REPLACED` under ``dotted`` (an inner run finds the stand-in there already, and keeps the
    original recorded); nothing when ``owner`` has no such attribute of its own."""
    current = vars(owner).get(attribute)
    if current is None:
        return
    if current is not stand_in:
        REPLACED[dotted] = current
    patch.setattr(owner, attribute, stand_in)


def _replace_header_parser(patch: pytest.MonkeyPatch) -> None:
    _swap(patch, http.client, "parse_headers", parse_headers, "http.client.parse_headers")


def _replace_fixture_argnames(patch: pytest.MonkeyPatch) -> None:
    from _pytest import fixtures

    current = fixtures.getfuncargnames
    if isinstance(current, FixtureArgnames):  # already applied (an inner run)
        return
    REPLACED["_pytest.fixtures.getfuncargnames"] = current
    patch.setattr(fixtures, "getfuncargnames", FixtureArgnames(current))


def _replace_wrapped_fixture_check(patch: pytest.MonkeyPatch) -> None:
    from _pytest.fixtures import FixtureManager

    # a pytest without this check has nothing to stand in for
    _swap(
        patch,
        FixtureManager,
        "_check_for_wrapped_fixture",
        check_for_wrapped_fixture,
        WRAPPED_FIXTURE_CHECK,
    )


def _replace_safe_getattr(patch: pytest.MonkeyPatch) -> None:
    for name in SAFE_GETATTR_USERS:
        module = sys.modules.get(name)
        if module is not None:
            _swap(patch, module, "safe_getattr", safe_getattr, SAFE_GETATTR)


def _replace_static_hook_attr(patch: pytest.MonkeyPatch) -> None:
    from pluggy import _manager

    _swap(patch, _manager, "_static_hook_attr", static_hook_attr, STATIC_HOOK_ATTR)


def _replace_settings_config(patch: pytest.MonkeyPatch) -> None:
    from azure.core.settings import Settings

    _swap(patch, Settings, "_config", settings_config, "azure.core.settings.Settings._config")


def _replace_proxy_lookups(patch: pytest.MonkeyPatch) -> None:
    import urllib.request

    sdk = urllib.request.getproxies_environment
    if isinstance(sdk, EnvironmentProxies):  # already applied (an inner run)
        return
    REPLACED["urllib.request.getproxies_environment"] = sdk
    stand_in = EnvironmentProxies(sdk)
    for name in PROXY_LOOKUPS:
        module = sys.modules.get(name)
        for attribute in ("getproxies_environment", "getproxies"):
            if module is not None and getattr(module, attribute, None) is sdk:
                patch.setattr(module, attribute, stand_in)


def _replace_client_tls_contexts(patch: pytest.MonkeyPatch) -> None:
    import urllib3.connection

    urllib3_own = urllib3.connection._ssl_wrap_socket_and_match_hostname
    if isinstance(urllib3_own, ClientTLSContexts):  # already applied (an inner run)
        return
    REPLACED["urllib3.connection._ssl_wrap_socket_and_match_hostname"] = urllib3_own
    patch.setattr(
        urllib3.connection, "_ssl_wrap_socket_and_match_hostname", ClientTLSContexts(urllib3_own)
    )


def _replace_azure_ai_ml_helpers(patch: pytest.MonkeyPatch) -> None:
    from azure.ai.ml._utils import _experimental
    from azure.ai.ml.operations import _job_operations

    current = _experimental._should_skip_warning
    if current is not should_skip_experimental_warning:  # not already applied (an inner run)
        REPLACED["azure.ai.ml._utils._experimental._should_skip_warning"] = current
    git = _job_operations.get_git_properties
    if not isinstance(git, GitProperties):
        REPLACED["azure.ai.ml.operations._job_operations.get_git_properties"] = git
        git = GitProperties(git)
    patch.setattr(_experimental, "_should_skip_warning", should_skip_experimental_warning)
    patch.setattr(_job_operations, "get_git_properties", git)
