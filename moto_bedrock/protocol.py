"""The HTTP-facing layer shared by our ``bedrock`` and ``bedrock-runtime`` responses.

It adds three things to moto's ``BaseResponse`` for the operations we serve model-driven:

* the raw request is checked against the botocore model before moto parses it (moto's
  parser silently drops or mis-coerces bad values), so bad input gets AWS's aggregated
  ValidationException instead of a crash;
* any failure becomes a modeled error: never a 500 with a traceback, whatever comes in;
* errors look like Bedrock's on the wire: ``x-amzn-ErrorType: <Code>:http://internal...``,
  a ``{"message": ...}`` body, and a UUID ``x-amzn-RequestId`` on every response;
* a body larger than the operation can take is refused from its ``Content-Length``, before
  a byte of it is read (see :data:`MAX_JSON_BODY_BYTES`).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from moto.core.parse import PROTOCOL_PARSERS
from moto.core.responses import ActionContext, ActionResult, BaseResponse
from moto.core.routing import get_service_router
from moto.core.utils import camelcase_to_underscores, get_service_model
from werkzeug.exceptions import RequestEntityTooLarge

from . import _moto
from .bedrockruntime.exceptions import (
    BedrockError,
    InternalServerException,
    NotEmulated,
    UnknownOperation,
    ValidationException,
)
from .streaming import StreamPlan
from .validation import operation_model, validate_input

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


# Errors that are not in the service model, so the serializer cannot place them.
_UNMODELED_STATUS: dict[type[BedrockError], int] = {NotEmulated: 501, UnknownOperation: 404}


def _query_value(shape: Any, raw: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return raw
    if shape.type_name == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


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
        events = plan.events if plan.fault is None else plan.events[: plan.fault.after_events]
        for index, event in enumerate(events):
            if index < len(plan.delays) and plan.delays[index] > 0:
                time.sleep(plan.delays[index])
            yield event

    def execute_result(self, context: ActionContext) -> Any:
        fault = self.plan.fault
        exception = (fault.error, fault.body()) if fault is not None else None
        frames = _moto.event_frames(context, self._paced_events(), exception)
        body: Any = frames if context.response.is_werkzeug_request else b"".join(frames)
        headers = {"Content-Type": "application/vnd.amazon.eventstream", **self.headers}
        return 200, headers, body


class BedrockProtocol(BaseResponse):
    """Base for our responses. Subclasses name the operations they serve model-driven."""

    #: Operations (snake_case) parsed and validated from the botocore model; None means all.
    model_driven_actions: frozenset[str] | None = None
    #: The answer to a body over the operation's limit (set per request).
    _body_too_large: ValidationException | None = None

    def _is_model_driven(self, action: str | None) -> bool:
        if not action:
            return False
        return self.model_driven_actions is None or (
            camelcase_to_underscores(action) in self.model_driven_actions
        )

    def _get_action(self) -> str:
        # Bedrock speaks rest-json: the operation is the route (method and path) and nothing
        # else. moto would also take it from an ``Action`` query, form or header value or an
        # ``X-Amz-Target`` header, which let any request name any operation, even one the
        # service model does not have.
        return self._get_action_from_method_and_request_uri(self.normalized_request)

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
        self._limit_body(request)
        # Keep the raw bytes whatever the Content-Type: werkzeug would hand a form-encoded
        # body to its form parser and leave ``request.data`` empty.
        request.get_data()
        super().setup_class(request, full_url, headers, use_raw_body=True)
        if not self._get_action():
            raise UnknownOperation()
        if isinstance(self.body, bytes) and not self._is_model_driven(self._get_action()):
            # moto's hand-written handlers expect text.
            self.body = self.body.decode("utf-8", errors="replace")
        if self._is_model_driven(self._get_action()):
            self.automated_parameter_parsing = True
            self._validate_raw(request)
            self.parse_parameters(request)

    def parse_parameters(self, request: Any) -> None:
        # The body is JSON and the query is the URL's, whatever the Content-Type says: moto
        # would pick another protocol's parser from it, or give up with NotImplementedError.
        service_model = get_service_model(self.boto3_service_name)
        operation = service_model.operation_model(self._get_action())
        parser_cls = PROTOCOL_PARSERS[service_model.protocol]
        parser = parser_cls(operation, map_type=self.PROTOCOL_PARSER_MAP_TYPE)
        self.params = parser.parse(
            {
                "method": request.method,
                "values": request.args,
                "headers": request.headers,
                "body": self.raw_body,
                "url_path": request.path,
                "url_params": self.uri_match,
            }
        )

    def determine_response_protocol(self, service_model: Any) -> str:
        # Answer in the service's protocol, not one guessed from the request's Content-Type.
        return str(service_model.protocol)

    def _limit_body(self, request: Any) -> None:
        """Refuse a body the operation cannot take, before any of it is read.

        A declared ``Content-Length`` is checked at once; a body of unknown length (chunked
        transfer) is read through a limit that stops at the first byte too many.
        """
        limit, member = MAX_JSON_BODY_BYTES, "body"
        try:
            operation, _ = get_service_router(self.boto3_service_name).match(request)
        except Exception:  # unroutable: answered UnknownOperation once set up
            operation = None
        if operation is not None and operation.input_shape is not None:
            shape = operation.input_shape
            payload = shape.serialization.get("payload")
            if payload is not None and shape.members[payload].type_name == "blob":
                member = shape.members[payload].serialization.get("name", payload)
                limit = int(shape.members[payload].metadata.get("max", limit))
        self._body_too_large = ValidationException(
            "1 validation error detected: "
            f"Value at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limit}"
        )
        declared = request.content_length
        if declared is not None and declared > limit:
            raise self._body_too_large
        request.max_content_length = limit

    def _validate_raw(self, request: Any) -> None:
        """Check the request as sent, before moto's lenient parser sees it."""
        operation = operation_model(self.boto3_service_name, self._get_action())
        shape = operation.input_shape
        if shape is None:
            return
        params: dict[str, Any] = {}
        payload = shape.serialization.get("payload")
        body_members = [
            name
            for name, member in shape.members.items()
            if "location" not in member.serialization and name != payload
        ]
        if payload is not None:
            if shape.members[payload].type_name in _JSON_TYPES:
                params[payload] = self._json_body()
            elif self.raw_body:
                params[payload] = self.raw_body
        elif body_members:
            body = self._json_body()
            params.update({k: v for k, v in body.items() if k in body_members})
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri" and self.uri_match.get(wire_name) is not None:
                params[name] = self.uri_match[wire_name]
            elif location == "header" and wire_name in request.headers:
                params[name] = request.headers[wire_name]
            elif location == "querystring" and wire_name in request.args:
                if member.type_name == "list":
                    params[name] = request.args.getlist(wire_name)
                else:
                    params[name] = _query_value(member, request.args[wire_name])
        validate_input(operation, params)

    def _json_body(self) -> dict[str, Any]:
        raw = self.raw_body or b"{}"
        try:
            # Strictly UTF-8, as moto's parser decodes it: json.loads(bytes) would also
            # take UTF-16, UTF-32 or a byte-order mark that the parser then reads as {}.
            body = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationException(f"The request body is not valid JSON: {exc}") from None
        except RecursionError:
            raise ValidationException(
                "The request body is not valid JSON: it is nested too deeply."
            ) from None
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
        except RequestEntityTooLarge:
            # A body of unknown length ran past the limit while being read.
            too_large = self._body_too_large or ValidationException("The request is too large.")
            status, response_headers, body = self._error_response(too_large)
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
        response_headers["x-amzn-requestid"] = str(uuid.uuid4())
        return status, response_headers, body

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
                # shape could not be found; answer by hand.
                log.exception("moto_bedrock: could not serialize %r", error)
                status = 500 if isinstance(error, InternalServerException) else 400
                return self._plain_error(error, status)
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
