"""What the server lets a caller do to its host: the control door's checks and the limits
the operator sets with ``moto_bedrock_server`` flags.

The settings are per process: the server's ``main`` sets them once from its flags
(:func:`configure`), before it serves anything; in-process mocking never changes them.
Nothing here knows which HTTP server runs (hypercorn, or werkzeug behind a flag): checks
take plain headers.

* The control door, ``/moto-api/bedrock/``, takes ``application/json`` only (a web page can
  send ``text/plain`` or a form cross-origin without a preflight, JSON it cannot), refuses a
  browser's cross-origin request (an ``Origin`` that is not the ``Host``, or
  ``Sec-Fetch-Site: cross-site``), and answers only to a ``Host`` naming this machine: a
  loopback name, the address the server is bound to, or a name the operator allowed with
  ``--control-allow-host`` (``*`` for any: a container reached by its service name). A DNS
  rebinding page sends its own host name, so it is refused.
* A local-LLM URL can be set over HTTP (``use_llm``, a ``load_config`` with ``replies.llm``)
  only to a host named with ``--allow-llm-host``; in-process and from ``--config`` files
  the operator's own code sets it, so anything goes.
* ``--stream-write-timeout`` bounds how long a stream waits on a reader that stopped reading.
"""

from __future__ import annotations

import argparse
import contextvars
import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_WRITE_TIMEOUT",
    "MAX_CONTROL_BODY_BYTES",
    "GuardSettings",
    "add_flags",
    "apply_flags",
    "configure",
    "configure_from",
    "control_refusal",
    "llm_host_refusal",
    "over_http",
    "settings",
]

#: Seconds a stream may wait for a reader to take the next bytes before it is dropped.
DEFAULT_WRITE_TIMEOUT = 30.0
#: The most a write timeout may be set to (a day).
MAX_WRITE_TIMEOUT = 86_400.0
#: The largest control request body read (a whole config document fits easily).
MAX_CONTROL_BODY_BYTES = 32 * 1024 * 1024

# Names that always mean this machine; moto's in-process API host is a name of AWS's.
_LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "motoapi.amazonaws.com"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})


@dataclass(frozen=True)
class GuardSettings:
    """The operator's choices; the defaults are safe on a shared machine."""

    bound_host: str = "127.0.0.1"
    """The address the server listens on (its own name is always a good ``Host``)."""
    control_hosts: frozenset[str] = field(default_factory=frozenset)
    """More ``Host`` names the control door answers to; ``*`` is any."""
    llm_hosts: frozenset[str] = field(default_factory=frozenset)
    """Hosts a local-LLM URL may name when set over HTTP; ``*`` is any."""
    write_timeout: float = DEFAULT_WRITE_TIMEOUT

    def __post_init__(self) -> None:
        timeout = self.write_timeout
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise ValueError(f"the stream write timeout must be a number; got {timeout!r}")
        if not 0 < timeout <= MAX_WRITE_TIMEOUT:
            raise ValueError(
                f"the stream write timeout must be above 0 and at most {MAX_WRITE_TIMEOUT:g} s"
            )


# Per process, like moto's own server settings: set once by the server's main.
_current: list[GuardSettings] = [GuardSettings()]
# True while a control operation runs for an HTTP caller (per thread and task).
_over_http: contextvars.ContextVar[bool] = contextvars.ContextVar("over_http", default=False)


def configure(
    *,
    bound_host: str | None = None,
    control_hosts: Iterable[str] = (),
    llm_hosts: Iterable[str] = (),
    write_timeout: float = DEFAULT_WRITE_TIMEOUT,
) -> GuardSettings:
    """Set this process's settings (the server's flags); returns them."""
    chosen = GuardSettings(
        bound_host=_host_name(bound_host or "127.0.0.1"),
        control_hosts=frozenset(_host_name(h) for h in control_hosts),
        llm_hosts=frozenset(_host_name(h) for h in llm_hosts),
        write_timeout=write_timeout,
    )
    _current[0] = chosen
    return chosen


def settings() -> GuardSettings:
    """This process's settings."""
    return _current[0]


def _host_name(value: str) -> str:
    """The host part of a ``Host`` header or flag, lower-cased, without port or brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def _is_local(name: str) -> bool:
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return None


def control_refusal(headers: Mapping[str, str], with_body: bool = True) -> tuple[int, str] | None:
    """Why the control door refuses a request with ``headers`` (status, message), or None.

    ``with_body=False`` (a read-only GET) skips the JSON Content-Type check only.
    """
    chosen = settings()
    media = (_header(headers, "content-type") or "").split(";", 1)[0].strip().lower()
    if with_body and media != "application/json":
        return 415, "The control API takes a JSON body: send Content-Type: application/json."
    host = _header(headers, "host") or ""
    name = _host_name(host)
    allowed = (
        "*" in chosen.control_hosts
        or _is_local(name)
        or name in chosen.control_hosts
        or (name == chosen.bound_host and name not in _WILDCARDS)
    )
    if not allowed:
        return 403, (
            f"The control API does not answer to Host {host!r}; start the server with "
            "--control-allow-host NAME to allow it."
        )
    origin = _header(headers, "origin")
    if origin is not None and origin != "null":
        parts = urlsplit(origin)
        if parts.netloc.lower() != host.strip().lower():
            return 403, "The control API refuses cross-origin browser requests."
    elif origin == "null":
        return 403, "The control API refuses cross-origin browser requests."
    if (_header(headers, "sec-fetch-site") or "").lower() in ("cross-site", "same-site"):
        return 403, "The control API refuses cross-origin browser requests."
    return None


def add_flags(group: Any) -> None:
    """Add this module's server flags to an argparse parser or group."""
    group.add_argument(
        "--control-allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the control API answers to besides loopback and the bound address "
        "(repeatable; '*' for any: containers)",
    )
    group.add_argument(
        "--allow-llm-host",
        action="append",
        default=[],
        metavar="HOST",
        help="let use_llm/load_config over HTTP set a local LLM on HOST (repeatable; '*' for "
        "any); without it they are refused",
    )
    group.add_argument(
        "--stream-write-timeout",
        type=float,
        default=DEFAULT_WRITE_TIMEOUT,
        metavar="SECONDS",
        help=f"drop a stream whose reader stalls this long (default {DEFAULT_WRITE_TIMEOUT:g})",
    )


def configure_from(args: argparse.Namespace) -> GuardSettings:
    """:func:`configure` from parsed flags (``host`` is the bound address); ValueError if bad."""
    return configure(
        bound_host=getattr(args, "host", None),
        control_hosts=args.control_allow_host,
        llm_hosts=args.allow_llm_host,
        write_timeout=args.stream_write_timeout,
    )


def apply_flags(argv: Sequence[str]) -> list[str]:
    """Take this module's server flags out of ``argv``, :func:`configure` them, and return
    the rest. moto's ``-H``/``--host`` is read (the bound address) but left in place."""
    ours = argparse.ArgumentParser(prog="moto_bedrock_server", add_help=False, allow_abbrev=False)
    add_flags(ours)
    chosen, rest = ours.parse_known_args(list(argv))
    peek = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    peek.add_argument("-H", "--host", default="127.0.0.1")
    chosen.host = peek.parse_known_args(rest)[0].host
    try:
        configure_from(chosen)
    except ValueError as error:
        ours.error(str(error))
    return rest


@contextmanager
def over_http() -> Iterator[None]:
    """Mark the control operation run inside as asked for by an HTTP caller."""
    token = _over_http.set(True)
    try:
        yield
    finally:
        _over_http.reset(token)


def llm_host_refusal(url: str) -> str | None:
    """Why ``url`` may not be set as the local LLM in this context, or None."""
    if not _over_http.get():
        return None
    name = _host_name(urlsplit(url).netloc.rsplit("@", 1)[-1])
    allowed = settings().llm_hosts
    if "*" in allowed or name in allowed:
        return None
    if not allowed:
        return (
            "a local LLM cannot be set over HTTP unless the server was started with "
            "--allow-llm-host HOST"
        )
    return f"the host {name!r} is not one the server allows (--allow-llm-host)"
