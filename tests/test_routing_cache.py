"""moto's host routing, remembered: the same answer as moto's own for every URL pattern.

moto's ``get_backend_for_host`` lists its package folder and tries each service's URL
regexes on every server request; ``_moto.wsgi_app`` remembers the answer per host. These
tests prove the remembered answer is moto's for a host of every pattern moto has, for
every module name, and for the special and unknown hosts, and that the memory is bounded.
"""

from __future__ import annotations

import re
from typing import Any

import moto.backends
import pytest
from moto.backend_index import backend_url_patterns
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from moto_bedrock._moto import (
    MAX_ROUTE_KEY_CHARS,
    ROUTING_CACHE_SIZE,
    _RoutingCache,
    bedrock_route_key,
    wsgi_app,
)

if hasattr(re, "_parser"):  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]


def simplest_match(pattern: re.Pattern[str]) -> str:
    """The shortest plain string ``pattern`` matches in full (for moto's URL patterns)."""

    def walk(items: Any) -> str:
        out = []
        for op, arg in items:
            if op is sre.LITERAL:
                out.append(chr(arg))
            elif op is sre.ANY or op is sre.NOT_LITERAL:
                out.append("a")
            elif op is sre.IN:
                out.append(one_of(arg))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                out.append(walk(arg[2]) * arg[0])
            elif op is sre.SUBPATTERN:
                out.append(walk(arg[-1]))
            elif op is sre.BRANCH:
                out.append(walk(arg[1][0]))
        return "".join(out)

    def one_of(items: Any) -> str:
        allowed = set()
        for op, arg in items:
            if op is sre.LITERAL:
                allowed.add(chr(arg))
            elif op is sre.RANGE:
                allowed.update(chr(code) for code in range(arg[0], arg[1] + 1))
            elif op is sre.CATEGORY:
                allowed.add("a")
        if any(op is sre.NEGATE for op, _ in items):
            return next(ch for ch in "abc0" if ch not in allowed)
        return "a" if "a" in allowed else min(allowed)

    return walk(sre_parse.parse(pattern.pattern))


def host_of(pattern: re.Pattern[str]) -> str:
    url = simplest_match(pattern)
    assert pattern.fullmatch(url), (pattern.pattern, url)
    return url.split("://", 1)[1]


@pytest.mark.slow  # about 4 s: moto lists its folder for every uncached answer
def test_every_moto_url_pattern_routes_as_moto_routes_it() -> None:
    uncached = DomainDispatcherApplication(create_backend_app).get_backend_for_host
    app = wsgi_app()
    hosts = [host_of(pattern) for _, pattern in backend_url_patterns]
    hosts += list(moto.backends.list_of_moto_modules())
    hosts += [
        "moto_api",
        "bedrock-runtime.us-east-1.amazonaws.com",
        "bedrock.eu-west-1.amazonaws.com",
        "127.0.0.1:5000",
        "nothing.example",
    ]
    assert len(hosts) > 300
    for host in [*hosts, *hosts]:  # the second pass is answered from memory
        assert app.get_backend_for_host(host) == uncached(host), host
    assert app.get_backend_for_host(None) is None


def test_each_host_is_looked_up_once_and_the_memory_is_bounded() -> None:
    asked: list[str | None] = []

    def lookup(host: str | None) -> str:
        asked.append(host)
        return f"backend of {host}"

    cache = _RoutingCache(lookup, size=3)
    for host in ["a", "b", "a", "c", "a", "d"]:
        assert cache(host) == f"backend of {host}"
    assert asked == ["a", "b", "c", "d"]
    cache("b")  # "b" was the least recently used of a, b, c when d came in
    assert asked == ["a", "b", "c", "d", "b"]
    assert ROUTING_CACHE_SIZE == 1024


def _bedrock_environs() -> list[dict[str, Any]]:
    """A request of every operation of every Bedrock service, signed for ``bedrock``."""
    from werkzeug.test import EnvironBuilder

    from tests.operation_routes import operation_routes

    auth = (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{}/bedrock/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    services = ("bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime")
    environs = []
    for _service, method, path, region in operation_routes(services):
        builder = EnvironBuilder(
            method=method, path=path, headers={"Authorization": auth.format(region)}
        )
        environ = builder.get_environ()
        environ["RAW_URI"] = environ["REQUEST_URI"] = path
        environs.append(environ)
    environs.append(EnvironBuilder(method="GET", path="/nothing/here").get_environ())
    return environs


@pytest.mark.slow  # about 3 s: moto builds each Bedrock service's routes on first use
def test_a_bedrock_signed_request_goes_where_moto_sends_it() -> None:
    """Every Bedrock operation's route (twice: the second answer is remembered)."""
    import moto_bedrock.services

    moto_bedrock.services.install()
    plain = DomainDispatcherApplication(create_backend_app)
    app = wsgi_app()
    environs = _bedrock_environs()
    assert len(environs) > 150
    hosts = set()
    for environ in environs:
        path = environ["PATH_INFO"]
        expected = plain.infer_service_region_host(dict(environ), path)
        hosts.add(expected.split(".")[0] if expected else None)
        for _ in range(2):
            assert app.infer_service_region_host(dict(environ), path) == expected, path
    assert hosts == {None, "bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"}


def test_a_form_body_routed_first_does_not_send_later_json_bodies_elsewhere() -> None:
    """moto routes a form-encoded Converse to the control plane (no rest-json route matches
    a form body); a JSON Converse on the same path, asked next, still goes to the runtime."""
    import moto_bedrock.services

    moto_bedrock.services.install()
    app = wsgi_app()
    path = "/model/anthropic.claude-3-haiku-20240307-v1:0/converse"
    from werkzeug.test import EnvironBuilder

    auth = (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/bedrock/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    builder = EnvironBuilder(method="POST", path=path, headers={"Authorization": auth})
    environ = {**builder.get_environ(), "RAW_URI": path, "REQUEST_URI": path}
    form = {**environ, "CONTENT_TYPE": "application/x-www-form-urlencoded"}
    as_json = {**environ, "CONTENT_TYPE": "application/json"}
    assert app.infer_service_region_host(dict(form), path).startswith("bedrock.")
    assert app.infer_service_region_host(dict(as_json), path).startswith("bedrock-runtime.")


def test_an_operation_route_is_remembered_as_moto_matches_it() -> None:
    """Every Bedrock operation's route: moto's router's answer, then the same from memory,
    with parameters each caller may change."""
    from moto.core.request import Request
    from moto.core.routing import get_service_router

    from moto_bedrock._moto import remembered_route

    asked = 0
    signed = [e for e in _bedrock_environs() if "HTTP_AUTHORIZATION" in e]
    for environ in signed:
        for service in ("bedrock", "bedrock-runtime", "bedrock-agent-runtime"):

            def match(service: str = service, environ: dict[str, Any] = environ) -> Any:
                nonlocal asked
                asked += 1
                try:
                    return get_service_router(service).match(Request(dict(environ)))
                except Exception:
                    return None, {}

            expected = match()
            first = remembered_route(service, Request(dict(environ)), match)
            first[1]["changed"] = True
            before = asked
            again = remembered_route(service, Request(dict(environ)), match)
            assert asked == before, environ["PATH_INFO"]  # answered from memory
            assert first[0] is expected[0] and again == expected, environ["PATH_INFO"]
    assert asked > 3 * len(signed)  # each route was matched by moto at least once


def test_a_key_longer_than_any_route_is_not_remembered() -> None:
    """The caches hold ROUTING_CACHE_SIZE keys each: a request whose path or host is far
    longer than a Bedrock route's is routed (as moto routes it) but not remembered, so a
    client cannot fill them with 64 KiB keys."""
    asked: list[str | None] = []

    def lookup(host: str | None) -> str:
        asked.append(host)
        return "backend"

    cache = _RoutingCache(lookup)
    long_host = "h" * (MAX_ROUTE_KEY_CHARS + 1)
    for host in ["short", "short", long_host, long_host]:
        assert cache(host) == "backend"
    assert asked == ["short", long_host, long_host]

    environ = next(e for e in _bedrock_environs() if "HTTP_AUTHORIZATION" in e)
    assert bedrock_route_key(environ) is not None
    long_path = "/model/" + "m" * MAX_ROUTE_KEY_CHARS + "/converse"
    long = {**environ, "PATH_INFO": long_path, "RAW_URI": long_path, "REQUEST_URI": long_path}
    assert bedrock_route_key(long) is None
    plain = DomainDispatcherApplication(create_backend_app)
    app = wsgi_app()
    expected = plain.infer_service_region_host(dict(long), long_path)
    assert app.infer_service_region_host(dict(long), long_path) == expected
