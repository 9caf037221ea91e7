"""The control surface: the same operations in Python and over HTTP.

In-process, ``BedrockControl(region=...)`` acts on the mocked backend directly. Against a
server, ``RemoteControl(endpoint_url, region=...)`` sends each call as
``POST /moto-api/bedrock/<operation>`` with the keyword arguments as a JSON object, and the
server runs the very same ``BedrockControl`` method. A bad argument is answered with HTTP
400 and a message naming the problem. All state lives on the backends, so moto's reset
clears it. Each control area (``moto_bedrock.behaviour.*``) contributes a mixin; its
methods marked ``@operation`` are the operations served over HTTP.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from moto.core.models import DEFAULT_ACCOUNT_ID
from werkzeug.exceptions import HTTPException

from ..rules import JOB_RULES, RULES, ValidationPolicy
from ..wire import guard
from ..wire.streaming import ConfigError, StreamFault, StreamSettings
from .base import ControlBase, operation, operations_of
from .cassettes import CassetteControls
from .clock import ClockControls
from .config import ConfigControls
from .faults import FaultControls
from .guardrails import GuardrailControls
from .history import CallFilter, HistoryLimits
from .history_view import HistoryView
from .jobs import JobControls
from .latency import LatencyControls
from .quotas import QuotaControls
from .replies import ReplyControls
from .summary import server_summary

__all__ = ["OPERATIONS", "BedrockControl", "ConfigError", "RemoteControl", "http_control"]


def _known(cls: type, kwargs: dict[str, Any]) -> None:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(kwargs) - names)
    if unknown:
        raise ConfigError(f"unknown keys {unknown}; expected some of {sorted(names)}")


class BedrockControl(
    ReplyControls,
    FaultControls,
    QuotaControls,
    LatencyControls,
    GuardrailControls,
    ClockControls,
    JobControls,
    ConfigControls,
    CassetteControls,
    ControlBase,
):
    """Controls for the mocked Bedrock of one account and region."""

    @operation
    def configure_streaming(self, **settings: Any) -> dict[str, Any]:
        """Replace the stream settings (see :class:`StreamSettings`); returns them."""
        _known(StreamSettings, settings)
        self._runtime.stream_settings = StreamSettings(**settings)
        return self.get_streaming()

    @operation
    def get_streaming(self) -> dict[str, Any]:
        """The current stream settings."""
        return asdict(self._runtime.stream_settings)

    @operation
    def inject_stream_error(self, **fault: Any) -> dict[str, Any]:
        """Queue an exception event for the next streams (see :class:`StreamFault`)."""
        _known(StreamFault, fault)
        queued = StreamFault(**fault)
        self._runtime.add_stream_fault(queued)
        return asdict(queued)

    @operation
    def clear_stream_errors(self) -> dict[str, Any]:
        """Drop every queued stream error."""
        self._runtime.clear_stream_faults()
        return {}

    @operation
    def configure_validation(self, lenient: list[str] | None = None) -> dict[str, Any]:
        """Waive Bedrock rules by id (``"*"`` for all); ``[]`` or None is strict (default).

        Waived rules are recorded on each call in the call history.
        """
        if lenient is not None and (
            not isinstance(lenient, list) or not all(isinstance(r, str) for r in lenient)
        ):
            raise ConfigError("lenient must be a list of rule ids")
        self._runtime.validation = ValidationPolicy(frozenset(lenient or ()))
        return self.get_validation()

    @operation
    def get_validation(self) -> dict[str, Any]:
        """The current validation policy and every rule id it can waive."""
        return {
            "lenient": sorted(self._runtime.validation.lenient),
            "rules": [*RULES, *JOB_RULES],
        }

    @operation
    def get_call_history(
        self,
        operation: str | None = None,
        model: str | None = None,
        source: str | None = None,
        error: bool | str | None = None,
        since: int | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        """The recorded runtime calls matching every filter given, oldest first (JSON-ready).

        See :class:`~moto_bedrock.behaviour.history.CallFilter`: ``operation``, ``model`` and
        ``source`` are names or globs (``model`` matches the id as sent or resolved),
        ``error`` is True, False or an error code, ``since`` a sequence number to start
        after, ``limit`` how many of the most recent matches to keep.
        """
        chosen = CallFilter(operation, model, source, error, since, limit)
        calls = (record.to_json() for record in self._runtime.history.records())
        return {"calls": chosen.select(calls)}

    def history(self, **filters: Any) -> HistoryView:
        """A :class:`HistoryView` of the calls matching ``filters`` (see get_call_history)."""
        description = CallFilter.of(filters).describe()
        return HistoryView(self.get_call_history(**filters)["calls"], description)

    @operation
    def clear_call_history(self) -> dict[str, Any]:
        """Forget every recorded call (sequence numbers keep counting)."""
        self._runtime.history.clear()
        return {}

    @operation
    def configure_history(
        self, cap: int | None = None, max_bytes: int | None = None, keep_blobs: bool | None = None
    ) -> dict[str, Any]:
        """Set the history's limits; those not given keep their value. Returns them all.

        ``cap`` records at most (default 1,000, at most 1,000,000), ``max_bytes`` of
        estimated content (default 64 MiB), ``keep_blobs`` to keep binary content whole
        rather than as size and sha256. The oldest records are dropped first.
        """
        history = self._runtime.history
        given = {"cap": cap, "max_bytes": max_bytes, "keep_blobs": keep_blobs}
        current = history.limits
        merged = {
            "cap": current.cap,
            "max_bytes": current.max_bytes,
            "keep_blobs": current.keep_blobs,
            **{k: v for k, v in given.items() if v is not None},
        }
        limits = HistoryLimits.parse(merged, "history")
        history.set_limits(limits)
        return {"cap": limits.cap, "max_bytes": limits.max_bytes, "keep_blobs": limits.keep_blobs}


#: Every control operation served over HTTP.
OPERATIONS = operations_of(BedrockControl)


class RemoteControl(BedrockControl):
    """The same operations as :class:`BedrockControl`, sent to a running server."""

    in_process = False

    def __init__(
        self, endpoint_url: str, region: str = "us-east-1", account_id: str = DEFAULT_ACCOUNT_ID
    ) -> None:
        super().__init__(region, account_id)
        self.endpoint_url = endpoint_url.rstrip("/")

    def _call(self, name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        import requests

        key = _callable_key(kwargs)
        if key is not None:
            # JSON cannot carry it: say so, rather than fail in json with a TypeError.
            self._local_only(f"{name} with a {key} callable")

        response = requests.post(
            f"{self.endpoint_url}/moto-api/bedrock/{name}",
            json={"region": self.region, "account_id": self.account_id, **kwargs},
            timeout=30,
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise ConfigError(body.get("message", response.text))
        return body


def _callable_key(value: Any, key: str = "Python") -> str | None:
    """The name of the argument (or nested key) holding a Python callable, if any."""
    if callable(value):
        return key
    items = value.items() if isinstance(value, dict) else ()
    if isinstance(value, (list, tuple)):
        items = ((key, item) for item in value)  # type: ignore[assignment]
    for name, item in items:
        found = _callable_key(item, str(name))
        if found is not None:
            return found
    return None


def _remote(name: str) -> Any:
    def call(self: RemoteControl, **kwargs: Any) -> dict[str, Any]:
        return self._call(name, kwargs)

    call.__name__ = name
    call.__doc__ = getattr(BedrockControl, name).__doc__
    return call


# Each operation of RemoteControl goes to the server; its Python helpers (assertions,
# views) are inherited and call these.
for _name in OPERATIONS:
    setattr(RemoteControl, _name, _remote(_name))


def http_control(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """moto-api handler: ``POST /moto-api/bedrock/<operation>`` runs that control operation.

    Only a JSON request naming this machine, and no browser's cross-origin one, gets in
    (:func:`~moto_bedrock.wire.guard.control_refusal`).
    """
    json_headers = {"Content-Type": "application/json"}
    operation = full_url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    summary = request.method == "GET" and operation == "bedrock"
    read_only = request.method == "GET" and (summary or operation.startswith("get_"))
    if request.method != "POST" and not read_only:
        message = "Use POST with a JSON object body (GET: read-only get_* operations only)."
        return 405, json_headers, json.dumps({"message": message})
    # The summary and GETs show recorded state too: the same Host and origin checks apply.
    refusal = guard.control_refusal(dict(request.headers), with_body=not read_only)
    if refusal is not None:
        return refusal[0], json_headers, json.dumps({"message": refusal[1]})
    if summary:
        return 200, json_headers, json.dumps(server_summary(OPERATIONS))
    if operation not in OPERATIONS:
        message = f"unknown operation {operation!r}; expected one of {', '.join(OPERATIONS)}"
        return 404, json_headers, json.dumps({"message": message})
    try:
        # Read through a limit, so a huge (or endless chunked) body stops at the first byte
        # too many; get_data(), not .data, which werkzeug leaves empty for some types.
        request.max_content_length = guard.MAX_CONTROL_BODY_BYTES
        raw = request.get_data() or b"{}"
        kwargs = dict(parse_qsl(urlsplit(full_url).query)) if read_only else json.loads(raw)
        if not isinstance(kwargs, dict):
            raise ConfigError("the body must be a JSON object")
        region = kwargs.pop("region", "us-east-1")
        account_id = kwargs.pop("account_id", DEFAULT_ACCOUNT_ID)
        if not isinstance(region, str) or not isinstance(account_id, str):
            raise ConfigError("region and account_id must be strings")
        control = BedrockControl(region=region, account_id=account_id)
        with guard.over_http():
            result = getattr(control, operation)(**kwargs)
    except HTTPException as error:  # too large, or a malformed chunked body
        status = error.code or 400
        message = (
            f"the body is larger than {guard.MAX_CONTROL_BODY_BYTES} bytes"
            if status == 413
            else "the body could not be read"
        )
        return status, json_headers, json.dumps({"message": message})
    except KeyError:
        message = f"unknown region {region!r} or account {account_id!r}"
        return 400, json_headers, json.dumps({"message": message})
    except RecursionError:
        return 400, json_headers, json.dumps({"message": "the body is nested too deeply"})
    except (ConfigError, ValueError, TypeError, ArithmeticError) as error:
        # ArithmeticError: a number too large for a float (10**400) anywhere in the body.
        return 400, json_headers, json.dumps({"message": str(error)})
    return 200, json_headers, json.dumps(result)
