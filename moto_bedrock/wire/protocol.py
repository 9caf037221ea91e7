"""The HTTP-facing layer shared by our ``bedrock`` and ``bedrock-runtime`` responses.

It adds these to moto's ``BaseResponse``:

* the operation is the route (method and path), as rest-json has it; a request no operation
  takes is ``UnknownOperationException`` (404);
* the raw request is checked against the botocore model before moto parses it (moto's
  parser silently drops or mis-coerces bad values), so bad input gets AWS's aggregated
  ValidationException instead of a crash; moto's own hand-written operations get the type
  checks too, since they trust their input;
* any failure becomes a modeled error: never a 500 with a traceback, whatever comes in;
* errors look like Bedrock's on the wire: ``x-amzn-ErrorType: <Code>:http://internal...``,
  a ``{"message": ...}`` body, and a UUID ``x-amzn-RequestId`` on every response, moto's
  handlers' errors included;
* a body larger than the operation can take is refused from its ``Content-Length``, before
  a byte of it is read (see :data:`MAX_JSON_BODY_BYTES`).

What the model says of each operation's input (where each member travels, the body's
limit) is read once per operation (:func:`_input_facts`), and a JSON body is decoded once,
for both the check and moto's parser.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs

from botocore.model import OperationModel, Shape
from moto.core.responses import ActionContext, ActionResult, BaseResponse
from moto.core.routing import get_service_router
from moto.core.utils import camelcase_to_underscores, get_service_model
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from .. import _moto
from ..bedrockruntime.exceptions import (
    BedrockError,
    InternalServerException,
    InvalidSignature,
    NotEmulated,
    UnknownOperation,
    ValidationException,
)
from . import guard
from .eventstream import EventFramer
from .padding import pad_payload
from .streaming import StreamPlan
from .validation import MAX_JSON_DEPTH, operation_model, too_deep, validate_input

__all__ = ["MAX_JSON_BODY_BYTES", "BedrockProtocol", "StreamResult"]

log = logging.getLogger("moto_bedrock")

ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
_JSON_TYPES = {"structure", "list", "map"}

#: The largest JSON request body we read, in bytes. An operation whose payload is a blob
#: with a modeled maximum (InvokeModel's ``body``: 25,000,000 bytes) is held to exactly that;
#: a JSON body has no modeled total, so we take the largest blob the API carries anywhere
#: (25 MB) as it travels in JSON, base64-encoded (4/3 larger: 33,333,336 bytes), plus
#: headroom for the rest of the document. Bedrock's own limit on Converse bodies is not on
#: record; this one only has to stop a runaway client before it fills the server's memory.
MAX_JSON_BODY_BYTES = 40_000_000

# Discarding the unread part of a refused body (see BedrockProtocol._drained): pieces read,
# the longest the client may stall, and the longest the whole discard may take.
_DRAIN_PIECE = 64 * 1024
_DRAIN_IDLE_SECONDS = 2.0
_DRAIN_SECONDS = 60.0

TOO_DEEP = (
    "The request body is not valid JSON: arrays and objects nest deeper than "
    f"{MAX_JSON_DEPTH} levels."
)


# Errors that are not in the service model, so the serializer cannot place them.
_UNMODELED_STATUS: dict[type[BedrockError], int] = {
    NotEmulated: 501,
    UnknownOperation: 404,
    InvalidSignature: 403,
}


@dataclass(frozen=True)
class _InputFacts:
    """What an operation's input shape says about where its members travel."""

    #: The botocore model the raw request is checked against.
    operation: OperationModel
    #: The member that is the whole body, if any, and whether it is JSON (else raw bytes).
    payload: str | None
    json_payload: bool
    #: The members read from a JSON object body (none when there is a payload member).
    body_members: frozenset[str]
    #: Whether the operation reads a body at all (a member not in the URI, headers or query).
    takes_body: bool
    #: The members sent in the URI, headers or query: (name, location, wire name, shape).
    located: tuple[tuple[str, str, str, Shape], ...]
    #: The most bytes the body may have, and the name errors give that body.
    body_limit: int
    body_name: str


@cache
def _input_facts(service: str, action: str) -> _InputFacts:
    """The input facts of one operation (models are read-only, so once is enough)."""
    operation = operation_model(service, action)
    shape = operation.input_shape
    members = shape.members if shape is not None else {}
    payload = shape.serialization.get("payload") if shape is not None else None
    body_limit, body_name = MAX_JSON_BODY_BYTES, "body"
    if payload is not None and members[payload].type_name == "blob":
        body_name = members[payload].serialization.get("name", payload)
        body_limit = int(members[payload].metadata.get("max", body_limit))
    unlocated = [name for name, member in members.items() if "location" not in member.serialization]
    return _InputFacts(
        operation=operation,
        payload=payload,
        json_payload=payload is not None and members[payload].type_name in _JSON_TYPES,
        body_members=frozenset(name for name in unlocated if name != payload),
        takes_body=bool(unlocated),
        located=tuple(
            (name, member.serialization["location"], member.serialization.get("name", name), member)
            for name, member in members.items()
            if "location" in member.serialization
        ),
        body_limit=body_limit,
        body_name=body_name,
    )


@cache
def _snake_case(action: str) -> str:
    return camelcase_to_underscores(action)


def _query_value(shape: Any, raw: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return raw
    if shape.type_name == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


class ExactResult(ActionResult):
    """A result whose keys are the output shape's own member names (faster to serialize)."""

    def execute_result(self, context: ActionContext) -> Any:
        return _moto.serialize_exact(context, self.result)


class StreamResult(ActionResult):
    """An event-stream response, encoded frame by frame as the client reads it.

    Against a real server the body is a generator, so each event is written (HTTP chunked
    transfer) when it is produced; in-process the frames are joined, because botocore's
    stubbed transport wants bytes. The bytes are the same either way.
    """

    def __init__(self, plan: StreamPlan, headers: dict[str, str] | None = None) -> None:
        super().__init__(plan)
        self.plan = plan
        self.headers = headers or {}

    def _paced_events(self) -> Iterator[dict[str, Any]]:
        plan = self.plan
        events: Iterator[dict[str, Any]] = iter(plan.events)
        if plan.fault is not None:
            events = itertools.islice(events, plan.fault.after_events)
        finished = False
        try:
            for index, event in enumerate(events):
                if index < len(plan.delays):
                    delay = plan.delays[index]
                else:
                    delay = plan.pacer(event) if plan.pacer is not None else 0.0
                if delay > 0:
                    plan.sleep(delay)
                yield event
            finished = True
        finally:
            # Closed early: the server dropped a reader that went away or stalled.
            if not finished and plan.on_abandon is not None:
                plan.on_abandon()

    def execute_result(self, context: ActionContext) -> Any:
        fault = self.plan.fault
        exception = (fault.error, fault.body()) if fault is not None else None
        if context.response.is_werkzeug_request:
            # A reader that stops reading must not hold this thread and the stream for
            # ever: a write blocked this long fails, and the server drops the connection.
            environ = getattr(context.response.normalized_request, "environ", {})
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                sock.settimeout(guard.settings().write_timeout)
        frames = _frames(_moto.event_payloads(context), self._paced_events(), exception)
        body: Any = frames if context.response.is_werkzeug_request else b"".join(frames)
        headers = {"Content-Type": "application/vnd.amazon.eventstream", **self.headers}
        return 200, headers, body


def _frames(
    payloads: Any,
    events: Iterator[dict[str, Any]],
    exception: tuple[str, dict[str, Any]] | None,
) -> Iterator[bytes]:
    """The frames of ``events`` (padded, as Bedrock's), then of ``exception`` if given."""
    framer = EventFramer(payloads.event, pad_payload)
    yield from framer.events(events)
    if exception is not None:
        name, body = exception
        yield framer.exception(name, *payloads.exception(name, body))


class BedrockProtocol(BaseResponse):
    """Base for our responses. Subclasses name the operations they serve model-driven."""

    #: Operations (snake_case) parsed and validated from the botocore model; None means all.
    model_driven_actions: frozenset[str] | None = None
    #: The operation's body limit and the body's name in errors (set per request).
    _body_limit: tuple[int, str] | None = None
    #: The answer to a body over that limit, once one has been refused.
    _body_too_large: ValidationException | None = None
    #: The (operation, URI parameters) the request's route names, once matched.
    _matched: tuple[Any, dict[str, Any]] | None = None
    #: The request's JSON body as decoded for the raw check, handed on to moto's parser.
    _decoded_body: dict[str, Any] | None = None

    def _is_model_driven(self, action: str | None) -> bool:
        if not action:
            return False
        return self.model_driven_actions is None or (
            _snake_case(action) in self.model_driven_actions
        )

    def _get_action(self) -> str:
        # Bedrock speaks rest-json: the operation is the route (method and path) and nothing
        # else. moto would also take it from an ``Action`` query, form or header value or an
        # ``X-Amz-Target`` header, which let any request name any operation, even one the
        # service model does not have.
        operation, params = self._route(self.normalized_request)
        self.uri_match = params  # moto's setup clears it; the route gives it back
        return operation.name if operation is not None else None  # type: ignore[return-value]

    def _route(self, request: Any) -> tuple[Any, dict[str, Any]]:
        """The operation and URI parameters the request's route names, matched once.

        A response object serves one request, and matching is costly: moto asks for the
        action many times a request, and the answer for a route is remembered.
        """
        if self._matched is None:
            service = self.boto3_service_name

            def match() -> tuple[Any, dict[str, Any]]:
                try:
                    return get_service_router(service).match(request)
                except Exception:  # no operation has this route
                    return None, {}

            self._matched = _moto.remembered_route(service, request, match)
        return self._matched

    # -- request side -------------------------------------------------------------------

    def setup_class(
        self,
        request: Any,
        full_url: str | None = None,
        headers: Any = None,
        use_raw_body: bool | None = None,
    ) -> None:
        # moto parses during setup when this flag is on; we decide per operation first.
        self.automated_parameter_parsing = False
        # No Bedrock operation takes a compressed body (none has the requestcompression
        # trait), and inflating one would escape the size limit below.
        self.allow_request_decompression = False
        limit = self._limit_body(request)
        # Keep the raw bytes whatever the Content-Type: werkzeug would hand a form-encoded
        # body to its form parser and leave ``request.data`` empty.
        if len(request.get_data()) > limit:
            raise self._too_large()
        # moto copies the headers into its query when the URL has none, which is replaced
        # just below; only an "AWSAccessKeyId" in that copy is read before (as the access
        # key when the Authorization header names none), so only then is it worth making.
        headers = request.headers if headers is None else headers
        copied = headers if "AWSAccessKeyId" in headers else {}
        super().setup_class(request, full_url, copied, use_raw_body=True)
        # The query string is the URL's and nothing else. moto fills it from a form body,
        # or from the headers when there is neither, and its hand-written handlers then
        # read any header as a parameter (an empty one crashed them).
        query = self.parsed_url.query
        self.querystring = self.data = parse_qs(query, keep_blank_values=True) if query else {}
        action = self._get_action()
        if not action:
            raise UnknownOperation()
        # Every operation, ours or moto's: moto's hand-written handlers trust their input,
        # and a wrong type there crashed them or was stored and broke later reads. Theirs
        # get the type checks only: moto's own tests, which CI runs against our backends,
        # use values Bedrock would refuse (a role ARN "testrole", an "s3://a_bucket").
        model_driven = self._is_model_driven(action)
        self._decoded_body = self._validate_raw(request, constraints=model_driven)
        if model_driven:
            self.automated_parameter_parsing = True
            self.parse_parameters(request)
        elif isinstance(self.body, bytes):
            # moto's hand-written handlers expect text.
            self.body = self.body.decode("utf-8", errors="replace")

    def backend_of(self, backends: Any) -> Any:
        """The backend of this request's account and region in ``backends`` (a moto
        BackendDict); a region the service does not run in is an InvalidSignatureException."""
        try:
            return backends[self.current_account][self.region]
        except KeyError:
            raise InvalidSignature(str(self.region)) from None

    def parse_parameters(self, request: Any) -> None:
        # The service's own protocol, the raw body and the URL's query, whatever the
        # Content-Type says: moto would pick a parser from it, and werkzeug hands a form or
        # multipart body to its form parser, leaving ``request.data`` empty.
        service_model = get_service_model(self.boto3_service_name)
        action = self._get_action()
        operation = service_model.operation_model(action)
        parser, takes_decoded = _moto.request_parser(
            operation, service_model.protocol, self.PROTOCOL_PARSER_MAP_TYPE
        )
        body: Any = b""  # an operation without body members ignores any body, as Bedrock does
        if _input_facts(self.boto3_service_name, action).takes_body:
            decoded = self._decoded_body
            body = decoded if takes_decoded and decoded is not None else self.raw_body
        self.params = parser.parse(
            {
                "method": request.method,
                "values": request.args,
                "headers": request.headers,
                "body": body,
                "url_path": request.path,
                "url_params": self.uri_match,
            }
        )

    def _get_param(self, param_name: str, if_none: Any = None) -> Any:
        # moto's look-up builds a ChainMap and walks dotted paths on every call; a plain
        # name is just the parsed parameter, else the URI one. Anything else is moto's.
        if (
            self.automated_parameter_parsing
            and isinstance(param_name, str)
            and "." not in param_name
        ):
            if param_name in self.params:
                return self.params[param_name]
            return self.uri_match.get(param_name, if_none)
        return super()._get_param(param_name, if_none)

    def determine_response_protocol(self, service_model: Any) -> str:
        # Answer in the service's protocol, not one guessed from the request's Content-Type.
        return str(service_model.protocol)

    def _limit_body(self, request: Any) -> int:
        """Refuse a body the operation cannot take, before any of it is read; the limit.

        A declared ``Content-Length`` is checked at once; a body of unknown length (chunked
        transfer) will be read through a limit that stops at the first byte too many.
        """
        limit, name = MAX_JSON_BODY_BYTES, "body"
        operation, _ = self._route(request)  # unroutable: answered UnknownOperation later
        if operation is not None:
            facts = _input_facts(self.boto3_service_name, operation.name)
            limit, name = facts.body_limit, facts.body_name
        self._body_limit = (limit, name)
        declared = request.content_length
        if declared is not None and declared > limit:
            raise self._too_large()
        request.max_content_length = limit + 1
        return limit

    def _too_large(self) -> ValidationException:
        """The answer to a body over the limit :meth:`_limit_body` set, kept to be told apart."""
        limit, name = self._body_limit or (MAX_JSON_BODY_BYTES, "body")
        self._body_too_large = ValidationException(
            "1 validation error detected: "
            f"Value at '{name}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limit}"
        )
        return self._body_too_large

    def _validate_raw(self, request: Any, constraints: bool = True) -> dict[str, Any] | None:
        """Check the request as sent, before moto's lenient parser sees it; its JSON body.

        The body is returned as decoded (None when the operation takes no JSON body), so
        moto's parser need not decode it again.
        """
        facts = _input_facts(self.boto3_service_name, self._get_action())
        if facts.operation.input_shape is None:
            return None
        params: dict[str, Any] = {}
        body = None
        if facts.payload is not None:
            if facts.json_payload:
                params[facts.payload] = body = self._json_body()
            elif self.raw_body:
                params[facts.payload] = self.raw_body
        elif facts.body_members:
            body = self._json_body()
            params.update({k: v for k, v in body.items() if k in facts.body_members})
        for name, location, wire_name, member in facts.located:
            if location == "uri" and self.uri_match.get(wire_name) is not None:
                params[name] = self.uri_match[wire_name]
            elif location == "header" and wire_name in request.headers:
                params[name] = request.headers[wire_name]
            elif location == "querystring" and wire_name in request.args:
                if member.type_name == "list":
                    params[name] = request.args.getlist(wire_name)
                else:
                    params[name] = _query_value(member, request.args[wire_name])
        validate_input(facts.operation, params, constraints)
        return body

    def _json_body(self) -> dict[str, Any]:
        raw = self.raw_body or b"{}"
        try:
            # Strictly UTF-8, as moto's parser decodes it: json.loads(bytes) would also
            # take UTF-16, UTF-32 or a byte-order mark that the parser then reads as {}.
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if too_deep(text):
                raise ValidationException(TOO_DEEP)
            body = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationException(f"The request body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise ValidationException("The request body must be a JSON object.")
        return body

    # -- response side ------------------------------------------------------------------

    def _dispatch(self, request: Any, full_url: str | None = None, headers: Any = None) -> Any:
        try:
            self.setup_class(request, full_url, headers)
            status, response_headers, body = self.call_action()
        except BedrockError as error:
            status, response_headers, body = self._error_response(error)
            if error is self._body_too_large:
                response_headers, body = self._drained(request, response_headers, body)
        except BadRequest:
            # A body that cannot be read (a malformed chunked encoding, a client gone):
            # answered by hand, as the request never got far enough to be serialized.
            status, response_headers, body = self._plain_error(
                ValidationException("The request body could not be read."), 400
            )
        except RequestEntityTooLarge:
            # A body of unknown length ran past the limit while being read.
            too_large = (
                self._too_large()
                if self._body_limit is not None
                else ValidationException("The request is too large.")
            )
            status, response_headers, body = self._error_response(too_large)
            response_headers, body = self._drained(request, response_headers, body)
        except RecursionError:
            # Input nested deeply enough to exhaust the stack somewhere past the depth check.
            log.exception("moto_bedrock: recursion too deep while handling %s", full_url)
            status, response_headers, body = self._error_response(ValidationException(TOO_DEEP))
        except NotImplementedError:
            # Not bad input: an operation we do not emulate yet. Say so plainly rather
            # than answer like moto's stubs (InvokeModel used to return "{}").
            status, response_headers, body = self._error_response(
                NotEmulated(f"the {self._get_action()} operation")
            )
        except Exception:
            # A bug of ours must still answer like the service does, not with a traceback.
            log.exception("moto_bedrock: unexpected error while handling %s", full_url)
            status, response_headers, body = self._error_response(InternalServerException())
        response_headers = dict(response_headers)
        response_headers.pop("status", None)
        if int(status) >= 400 and not str(response_headers.get("x-amzn-ErrorType")).endswith(
            ERROR_TYPE_SUFFIX
        ):
            status, response_headers, body = self._as_bedrock_error(status, response_headers, body)
        response_headers["x-amzn-requestid"] = str(uuid.uuid4())
        return status, response_headers, body

    @staticmethod
    def _enrich_response(headers: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:
        # moto would draw a 52-character request id here and write it into XML bodies;
        # _dispatch gives every answer its own id (a UUID, as Bedrock's), so that draw,
        # a good part of a small request's cost, was thrown away.
        if "status" in headers:
            headers["status"] = str(headers["status"])
        return headers, body

    def _as_bedrock_error(self, status: Any, headers: dict[str, Any], body: Any) -> Any:
        """An error from one of moto's hand-written handlers, in Bedrock's wire format.

        moto answers them as ``{"__type": ..., "message": ...}`` with a bare error-type header
        and HTTP 400 for every code; Bedrock uses the status its service model gives the code.
        """
        try:
            fields = json.loads(body) if body else {}
        except (ValueError, TypeError):
            fields = {}
        if not isinstance(fields, dict):
            fields = {}
        header = next((v for k, v in headers.items() if k.lower() == "x-amzn-errortype"), None)
        code = str(header or fields.get("__type") or "ValidationException")
        code = code.split("#")[-1].split(":")[0]
        message = fields.get("message") or fields.get("Message") or ""
        error = BedrockError(str(message))
        error.code = code
        return self._plain_error(error, self._modeled_status(code, int(status)))

    def _modeled_status(self, code: str, default: int) -> int:
        """The HTTP status the service model gives error ``code``, else ``default``."""
        try:
            shape = get_service_model(self.boto3_service_name).shape_for(code)
        except Exception:  # not an error shape of this service
            return default
        return int(shape.metadata.get("error", {}).get("httpStatusCode", default))

    @staticmethod
    def _drained(request: Any, headers: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:
        """The answer to a refused body, then the rest of that body read and thrown away.

        Against a real server the answer goes out first, with its length, so a client can
        read it at once. Most clients send the whole body before they read anything, so the
        part still coming is then discarded, a piece at a time: they get the answer rather
        than a reset connection. A client that stalls for ``_DRAIN_IDLE_SECONDS``, or a body
        still coming after ``_DRAIN_SECONDS``, ends it (and the connection, as every answer
        of this server does). In-process the body is already in memory: nothing to do.
        """
        environ = getattr(request, "environ", {})
        sock = environ.get("werkzeug.socket")
        stream = environ.get("wsgi.input")
        if not getattr(request, "from_wsgi_server", False) or sock is None or stream is None:
            return headers, body
        data = body.encode() if isinstance(body, str) else bytes(body)
        remaining = request.content_length  # None when chunked; nothing of it read yet

        def answer_then_discard() -> Iterator[bytes]:
            yield data
            deadline = time.monotonic() + _DRAIN_SECONDS
            try:
                sock.settimeout(_DRAIN_IDLE_SECONDS)
                left = remaining
                while time.monotonic() < deadline and (left is None or left > 0):
                    piece = stream.read(_DRAIN_PIECE if left is None else min(left, _DRAIN_PIECE))
                    if not piece:
                        break
                    if left is not None:
                        left -= len(piece)
            except (OSError, ValueError):  # timed out, reset or closed: done either way
                pass

        return {**headers, "Content-Length": str(len(data))}, answer_then_discard()

    def _error_response(self, error: BedrockError) -> Any:
        return self.serialized(ActionResult(error))

    @staticmethod
    def _plain_error(error: Exception, status: int) -> Any:
        code = getattr(error, "code", type(error).__name__)
        headers = {
            "Content-Type": "application/json",
            "x-amzn-ErrorType": f"{code}{ERROR_TYPE_SUFFIX}",
        }
        message = getattr(error, "message", None) or str(error)
        return status, headers, json.dumps({"message": message})

    def serialized(self, action_result: ActionResult) -> Any:
        error = action_result.result
        for unmodeled, unmodeled_status in _UNMODELED_STATUS.items():
            if type(error) is unmodeled:
                # Not in the service model, so it cannot go through the serializer.
                return self._plain_error(error, unmodeled_status)
        if isinstance(error, Exception):
            try:
                status, headers, body = super().serialized(action_result)
            except Exception:
                # The request was too broken to set up the serializer, or the error's
                # shape could not be found; answer by hand. A body refused before it was
                # read (setup never finished) is expected: no traceback for that one.
                if hasattr(self, "normalized_request"):
                    log.exception("moto_bedrock: could not serialize %r", error)
                code = str(getattr(error, "code", type(error).__name__))
                default = 500 if isinstance(error, InternalServerException) else 400
                return self._plain_error(error, self._modeled_status(code, default))
        else:
            status, headers, body = super().serialized(action_result)
        if isinstance(error, Exception):
            code = getattr(error, "code", type(error).__name__)
            headers.pop("X-Amzn-Errortype", None)
            headers["x-amzn-ErrorType"] = f"{code}{ERROR_TYPE_SUFFIX}"
            fields = json.loads(body) if body else {}
            fields.pop("__type", None)
            message = fields.pop("Message", None) or getattr(error, "message", str(error))
            fields["message"] = message
            body = json.dumps(fields)
        return status, headers, body


# moto's call_action looks each action up among the class's functions; ours answer by name.
_moto.find_actions_directly(BedrockProtocol)
# The server hands requests for our classes to them without Flask's per-request work.
_moto.dispatch_directly(BedrockProtocol)
