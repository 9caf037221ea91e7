"""The one seam into moto: everything that depends on moto's internals lives here.

What it relies on (pinned by ``tests/test_moto_contract.py``, so a moto upgrade that
breaks any of it fails loudly):

* ``moto.backends.get_backend(name)`` imports ``moto.<name>`` and reads its
  ``<name>_backends`` attribute on every call, so replacing that attribute routes both
  decorator mode (``BotocoreStubber``) and server mode (``create_backend_app``) to us;
* moto's ``BedrockResponse`` reads the module-global ``bedrock_backends`` of
  ``moto.bedrock.responses``, so the inherited control-plane handlers must see ours too;
* ``BaseBackend._url_module`` maps ``pkg.models`` to ``pkg.urls``, and moto's error
  serializer derives a service from ``exception.__module__.split(".")[1]`` whenever the
  module name starts with "moto" — so our backends live in ``moto_bedrock.bedrock`` and
  ``moto_bedrock.bedrockruntime``, mirroring moto's names;
* bedrock and bedrock-runtime share the SigV4 signing name ``bedrock``; moto's server
  tells them apart by matching the path against each service model's routes, which our
  subclasses leave unchanged;
* moto's event-stream classes (``EventStream._generate_event`` and the protocol
  serializer's ``EVENT_STREAM_SERIALIZER_CLS.serialize_event_payload``) make one event's
  payload at a time, for the events the direct encoder leaves to moto; frames are written
  by ``wire/eventstream.py``, so a stream is produced lazily;
* ``moto.moto_api._internal.urls.url_paths`` is read whenever the moto-api routes are
  built, so adding to it serves our control endpoints under ``/moto-api/`` in both modes;
* ``MockAWS`` keeps its nesting count on the class, so ``mock_bedrock`` wraps a moto mock
  rather than subclassing it (a subclass would count separately and tear down patching
  while an outer ``mock_aws`` is still active);
* ``BaseResponse.call_action`` looks ``method_names_from_class`` up in
  ``moto.core.responses`` on every request and only asks whether the action is among the
  names, so our response classes can answer that directly (see :func:`install`);
* moto's rest-json request parser reads the body through ``_initial_body_parse`` and keeps
  no state between requests, so one parser per operation can take the JSON body we have
  already decoded (:func:`request_parser`);
* moto's rest-json result serializer, for a body-only output shape, writes each non-null
  member under its wire name with the conversions :func:`serialize_exact` reproduces;
* for a service moto has no package for (bedrock-agent-runtime), ``get_backend`` imports
  ``moto.<name>`` (so a module placed in ``sys.modules`` under that name is found), both
  modes find the service from ``moto.backend_index.backend_url_patterns``, and the server
  names the service of a request signed for ``bedrock`` in
  ``DomainDispatcherApplication.infer_service_region_host`` (see :func:`serve_service`).
* ``DomainDispatcherApplication.get_backend_for_host(host)`` depends on ``host`` alone (moto's
  module folders and ``backend_url_patterns`` do not change while it runs), so
  :func:`wsgi_app` remembers its answers (``tests/test_routing_cache.py`` proves it over
  every URL pattern moto has);
* moto's server answers a request through the service's Flask app, whose view
  (``convert_to_flask_response``) records the request, calls ``dispatch(request, raw_url,
  headers)``, answers a ClientError 400 and wraps the result in a Flask ``Response``, and
  Flask-CORS is its only hook; :func:`wsgi_app` does those steps itself for our classes
  (``tests/test_direct_dispatch.py`` compares every Bedrock operation both ways);
* moto's server keeps an underscored header only for the names
  ``should_preserve_original_header_name`` accepts, and records their spelling in the environ
  under ``PRESERVED_HEADER_NAMES_ENVIRON_KEY`` (:func:`preserved_header_environ`).
"""

from __future__ import annotations

import base64
import inspect
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import Any

import moto.backend_index
import moto.backends
import moto.bedrock
import moto.bedrock.models
import moto.bedrock.responses
import moto.bedrockruntime
import moto.bedrockruntime.models
import moto.core.responses
import moto.core.utils
from moto.bedrock.models import BedrockBackend as MotoBedrockBackend
from moto.bedrock.responses import BedrockResponse as MotoBedrockResponse
from moto.bedrockagent.responses import AgentsforBedrockResponse
from moto.core.eventstream import EventStream
from moto.core.exceptions import InvalidToken as InvalidPageToken
from moto.core.models import MockAWS
from moto.core.parse import PROTOCOL_PARSERS, RestJSONParser
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from moto.core.responses import ActionContext
from moto.core.serialize import DefaultAttributePicker, RestJSONSerializer
from moto.moto_api._internal import mock_random as moto_random
from moto.utilities.paginator import Paginator

__all__ = [
    "AgentsforBedrockResponse",
    "InvalidPageToken",
    "MotoBedrockBackend",
    "MotoBedrockResponse",
    "Paginator",
    "decorate_class",
    "dispatch_directly",
    "event_payloads",
    "find_actions_directly",
    "install",
    "installed_backends",
    "moto_random",
    "preserved_header_environ",
    "remembered_route",
    "request_parser",
    "serialize_exact",
    "serve_service",
    "unmocked",
    "wsgi_app",
]

# Our control endpoints: POST /moto-api/bedrock/<operation>, JSON in and out.
CONTROL_PATH = "{0}/moto-api/bedrock/(?P<operation>[a-z_]+)$"
# GET /moto-api/bedrock/: a summary of the server's state.
SUMMARY_PATH = "{0}/moto-api/bedrock/?$"

_lock = threading.Lock()
_installed = False

#: Response classes whose actions moto's ``call_action`` finds without listing the class.
_DIRECT_ACTION_CLASSES: list[type] = []
_method_names_from_class = moto.core.utils.method_names_from_class


class _ActionNames:
    """The names of a class's functions, as ``method_names_from_class`` gives, tested lazily.

    moto lists every attribute of the response class (``inspect.getmembers``) on every
    request only to ask whether the action is one of its functions; looking that one name
    up gives the same answer without the listing, which cost about 0.1 ms a request.
    """

    __slots__ = ("_cls",)

    def __init__(self, cls: type) -> None:
        self._cls = cls

    def __contains__(self, name: object) -> bool:
        # getmembers reads each name with getattr too; a name it does not list (one of the
        # metaclass's) is never a plain function.
        return isinstance(name, str) and inspect.isfunction(getattr(self._cls, name, None))

    def __iter__(self) -> Iterator[str]:
        return iter(_method_names_from_class(self._cls))

    def __len__(self) -> int:
        return len(_method_names_from_class(self._cls))


def _method_names(clazz: Any) -> Any:
    if isinstance(clazz, type) and issubclass(clazz, tuple(_DIRECT_ACTION_CLASSES)):
        return _ActionNames(clazz)
    return _method_names_from_class(clazz)


def find_actions_directly(cls: type) -> None:
    """Have moto find ``cls``'s (and its subclasses') actions by name (see _ActionNames)."""
    if cls not in _DIRECT_ACTION_CLASSES:
        _DIRECT_ACTION_CLASSES.append(cls)


def install(bedrock_backends: Any, bedrockruntime_backends: Any, control: Any) -> None:
    """Replace moto's bedrock and bedrock-runtime backends with ours (idempotent).

    ``control`` answers ``/moto-api/bedrock/<operation>``. The caller passes our pieces in,
    so this module imports none of moto_bedrock's (it stays the bottom of the import graph).
    """
    global _installed
    with _lock:
        if _installed:
            return
        replacements = [
            (moto.bedrock, "bedrock_backends", bedrock_backends),
            (moto.bedrock.models, "bedrock_backends", bedrock_backends),
            (moto.bedrock.responses, "bedrock_backends", bedrock_backends),
            (moto.bedrockruntime, "bedrockruntime_backends", bedrockruntime_backends),
            (moto.bedrockruntime.models, "bedrockruntime_backends", bedrockruntime_backends),
        ]
        for module, attribute, backends in replacements:
            setattr(module, attribute, backends)
        from moto.moto_api._internal import urls as moto_api_urls

        moto_api_urls.url_paths[CONTROL_PATH] = control
        moto_api_urls.url_paths[SUMMARY_PATH] = control
        # Only classes registered with find_actions_directly are answered differently.
        moto.core.responses.method_names_from_class = _method_names  # type: ignore[attr-defined]
        _installed = True


#: Services moto lacks that we serve: endpoint prefix -> does a request belong to it.
_extra_services: dict[str, Callable[[dict[str, Any]], bool]] = {}


def serve_service(
    endpoint_prefix: str, module: ModuleType, claims: Callable[[dict[str, Any]], bool]
) -> None:
    """Serve a service moto has no package for (idempotent); ``module`` is its package.

    ``module`` must hold ``<name>_backends`` (name: the prefix without dashes) and live in
    ``moto_bedrock.<name>`` (so errors find their service). ``claims(environ)`` says whether
    a request the server sees signed for ``bedrock`` (the signing name every Bedrock service
    shares) is one of this service's operations.
    """
    name = endpoint_prefix.replace("-", "")
    with _lock:
        if endpoint_prefix in _extra_services:
            return
        sys.modules[f"moto.{name}"] = module
        setattr(moto, name, module)
        pattern = re.compile(rf"https?://{re.escape(endpoint_prefix)}\.(.+)\.amazonaws\.com")
        moto.backend_index.backend_url_patterns.append((name, pattern))
        if not _extra_services:
            _route_bedrock_signed_requests()
        _extra_services[endpoint_prefix] = claims


def _route_bedrock_signed_requests() -> None:
    """Let the server hand a request signed for ``bedrock`` to a service we added."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    infer = DomainDispatcherApplication.infer_service_region_host

    def infer_service_region_host(self: Any, environ: dict[str, Any], path: str) -> str | None:
        host = infer(self, environ, path)
        # moto names the plain "bedrock" host when none of its Bedrock services has the route.
        if host is not None and host.startswith("bedrock."):
            for prefix, claims in _extra_services.items():
                if claims(environ):
                    return prefix + host[len("bedrock") :]
        return host

    DomainDispatcherApplication.infer_service_region_host = infer_service_region_host  # type: ignore[method-assign]


def installed_backends(service: str) -> Any:
    """The backends moto serves for ``service`` ("bedrock", "bedrock-runtime", ...).

    Once installed these are ours; code below the backends in the import graph (the
    behaviour controls) finds them this way instead of importing the backend modules.
    """
    return moto.backends.get_backend(service)  # type: ignore[call-overload]


def unmocked(client: Any) -> Any:
    """``client`` with moto's interception removed, so its calls reach the real endpoint.

    moto registers one stubber on every botocore client (``before-send``); a client that
    records from real Bedrock while a mock is active must go past it.
    """
    from moto.core.models import botocore_stubber

    client.meta.events.unregister("before-send", botocore_stubber)
    return client


def decorate_class(mock: Any, klass: type) -> type:
    """Decorate a test class's methods the way ``mock_aws`` does (setUp resets, etc.).

    moto's logic is reused rather than copied; it only calls ``mock(method, reset=...,
    remove_data=...)``, which ``mock_bedrock`` implements.
    """
    return MockAWS._decorate_class(mock, klass)


class _EventPayloads:
    """The payloads of one streaming operation's events, as moto's event serializer makes them.

    A plain rest-json event (every member in the JSON body) is encoded straight from its
    shape, as :func:`serialize_exact` encodes a result; anything else, and any value the
    direct encoder leaves to moto, goes through moto's event serializer.
    """

    def __init__(self, operation: Any, serializer_cls: Any) -> None:
        output_shape = operation.output_shape
        self.operation = operation
        self.union = output_shape.members[output_shape.event_stream_name]
        self.serializer = serializer_cls.EVENT_STREAM_SERIALIZER_CLS(operation)
        self.stream = EventStream({}, output_shape, self.serializer)
        self.direct = serializer_cls is RestJSONSerializer
        self.encoders: dict[str, _Encode | None] = {}

    def _encoder(self, name: str, shape: Any) -> _Encode | None:
        if name not in self.encoders:
            plain = self.direct and not any(
                member.serialization.get("eventpayload") for member in shape.members.values()
            )
            # A memo of its own: a shared one would hand another request's thread a
            # structure encoder whose members are still being added (it is memoized first).
            self.encoders[name] = _encoder(shape, {}) if plain else None
        return self.encoders[name]

    def _direct(self, name: str, shape: Any, body: Any) -> bytes | None:
        encode = self._encoder(name, shape)
        if encode is None:
            return None
        try:
            return json.dumps(encode(body)).encode("utf-8")
        except _NotDirect:
            return None

    def event(self, name: str, body: Any) -> tuple[bytes, str | None]:
        """The ``name`` event's payload and its ``:content-type`` (None: no such header)."""
        shape = self.union.members[name]
        if not shape.members:
            return b"", None
        payload = self._direct(name, shape, body)
        if payload is not None:
            return payload, "application/json"
        message = self.stream._generate_event(name, body, shape)
        content_type = message.headers.get(":content-type")
        return message.payload, content_type if isinstance(content_type, str) else None

    def exception(self, name: str, body: dict[str, Any]) -> tuple[bytes, str]:
        """The ``name`` exception's payload and its ``:content-type``."""
        shape = self.union.members[name]
        payload = self._direct(name, shape, body)
        if payload is not None:
            return payload, "application/json"
        payload, content_type = self.serializer.serialize_event_payload(
            body, shape, list(shape.members.items())
        )
        return payload, content_type or "application/json"


_event_payloads: dict[tuple[int, type], _EventPayloads] = {}


def event_payloads(context: ActionContext) -> _EventPayloads:
    """The event payload maker of ``context``'s streaming operation (made once).

    Its ``event(name, body)`` and ``exception(name, body)`` give what moto's ``EventStream``
    would put in the frame of a ``{name: body}`` event or exception member of the stream;
    :mod:`moto_bedrock.wire.eventstream` frames it.
    """
    operation = context.operation_model
    serializer_cls: Any = context.serializer_class
    key = (id(operation), serializer_cls)
    payloads = _event_payloads.get(key)
    if payloads is None or payloads.operation is not operation:
        payloads = _event_payloads[key] = _EventPayloads(operation, serializer_cls)
    return payloads


# -- requests --------------------------------------------------------------------------


class _DecodedJSONParser(RestJSONParser):
    """moto's rest-json parser, which may also be handed the body as already-decoded JSON."""

    def _initial_body_parse(self, body_contents: Any) -> Any:
        if isinstance(body_contents, dict):
            return body_contents
        return super()._initial_body_parse(body_contents)  # type: ignore[no-untyped-call]


_parsers: dict[tuple[int, str, type], tuple[Any, Any, bool]] = {}


def request_parser(operation: Any, protocol: str, map_type: type) -> tuple[Any, bool]:
    """moto's request parser for ``operation`` (made once), and whether it takes a decoded body.

    When it does, ``parse()`` may be given the request's JSON body as the dict it decodes to
    rather than its bytes, and answers the same: decoding it once is enough.
    """
    key = (id(operation), protocol, map_type)
    entry = _parsers.get(key)
    if entry is None or entry[0] is not operation:
        decoded = PROTOCOL_PARSERS[protocol] is RestJSONParser
        parser_cls = _DecodedJSONParser if decoded else PROTOCOL_PARSERS[protocol]
        entry = _parsers[key] = (operation, parser_cls(operation, map_type=map_type), decoded)
    return entry[1], entry[2]


# -- responses -------------------------------------------------------------------------


class _NotDirect(Exception):
    """A value whose encoding is left to moto's serializer, which decides what it means."""


_Encode = Callable[[Any], Any]


def _not_direct(value: Any) -> Any:
    raise _NotDirect


def _encoder(shape: Any, memo: dict[str, _Encode]) -> _Encode:
    """The JSON value moto's rest-json serializer makes of a value of ``shape``.

    Only the plain cases are encoded here: a value of an unexpected type (an Enum, a bool
    for an integer, a tuple for a list...), a null inside a list or map, a timestamp, or
    a shape with moto's special cases raises _NotDirect, and moto serializes the result.
    """
    key = f"{shape.name}|{shape.serialization!r}"
    if key in memo:
        return memo[key]
    kind = shape.type_name
    encode: _Encode
    if kind == "structure" and shape.is_document_type:
        encode = _same
    elif kind == "structure":
        return _structure_encoder(shape, memo, key)
    elif kind == "list":
        return _list_encoder(shape, memo, key)
    elif kind == "map":
        return _map_encoder(shape, memo, key)
    elif kind == "string":
        encode = _string
    elif kind in ("integer", "long"):
        encode = _integer
    elif kind in ("float", "double"):
        encode = _float
    elif kind == "boolean":
        encode = _boolean
    elif kind == "blob":
        encode = _blob
    else:
        encode = _not_direct
    memo[key] = encode
    return encode


def _same(value: Any) -> Any:
    return value


def _string(value: Any) -> Any:
    if type(value) is not str:
        raise _NotDirect
    return value


def _integer(value: Any) -> Any:
    if type(value) is not int:
        raise _NotDirect
    return value


def _float(value: Any) -> Any:
    if type(value) is not float and type(value) is not int:
        raise _NotDirect
    return float(value)


def _boolean(value: Any) -> Any:
    if type(value) is not bool:
        raise _NotDirect
    return value


def _blob(value: Any) -> Any:
    if type(value) is str:
        value = value.encode("utf-8")
    elif type(value) is not bytes:
        raise _NotDirect
    return base64.b64encode(value).decode("utf-8")


def _structure_encoder(shape: Any, memo: dict[str, _Encode], key: str) -> _Encode:
    members: list[tuple[str, str, _Encode]] = []

    def encode(value: Any) -> Any:
        if type(value) is not dict:
            raise _NotDirect
        encoded = {}
        for name, wire_name, encode_member in members:
            item = value.get(name)
            if item is not None:
                encoded[wire_name] = encode_member(item)
        return encoded

    memo[key] = encode  # before the members, so a member of this same shape finds it
    for name, member in shape.members.items():
        # moto writes a document under the member's name, anything else under its wire name.
        wire_name = name if _is_document(member) else member.serialization.get("name", name)
        if "location" in member.serialization or "." in name or "body" in (name, wire_name):
            # moto drops a located member of a nested structure, reads a dotted name as a
            # path, and writes the members after one named "body" into it.
            memo[key] = _not_direct
            return _not_direct
        members.append((name, wire_name, _encoder(member, memo)))
    return encode


def _list_encoder(shape: Any, memo: dict[str, _Encode], key: str) -> _Encode:
    items: list[_Encode] = []

    def encode(value: Any) -> Any:
        if type(value) is not list:
            raise _NotDirect
        encode_item = items[0]
        encoded = []
        for item in value:
            if item is None:
                raise _NotDirect
            encoded.append(encode_item(item))
        return encoded

    if "name" in shape.member.serialization and not _is_document(shape.member):
        # moto then appends each item as it is, unconverted.
        memo[key] = _not_direct
        return _not_direct
    memo[key] = encode
    items.append(_encoder(shape.member, memo))
    return encode


def _map_encoder(shape: Any, memo: dict[str, _Encode], key: str) -> _Encode:
    values: list[_Encode] = []

    def encode(value: Any) -> Any:
        if type(value) is not dict:
            raise _NotDirect
        encode_value = values[0]
        encoded = {}
        for name, item in value.items():
            # moto skips a null structure but writes a null string; and it serializes an
            # entry whose key is empty (or not a string) into the map itself.
            if item is None or type(name) is not str or not name:
                raise _NotDirect
            encoded[name] = encode_value(item)
        return encoded

    if "name" in shape.value.serialization and not _is_document(shape.value):
        # moto then writes every entry under that one name.
        memo[key] = _not_direct
        return _not_direct
    memo[key] = encode
    values.append(_encoder(shape.value, memo))
    return encode


def _is_document(shape: Any) -> bool:
    return bool(shape.type_name == "structure" and shape.is_document_type)


_body_encoders: dict[int, tuple[Any, _Encode | None]] = {}


def _body_encoder(operation: Any) -> _Encode | None:
    """The direct encoder of ``operation``'s result, or None if moto must serialize it.

    Direct only for an output shape whose members all go in the JSON body (no header,
    status code or payload member, no event stream).
    """
    entry = _body_encoders.get(id(operation))
    if entry is None or entry[0] is not operation:
        shape = operation.output_shape
        direct = (
            shape is not None
            and not operation.has_event_stream_output
            and "payload" not in shape.serialization
            and bool(shape.members)
        )
        encoder = _encoder(shape, {}) if direct else None
        entry = _body_encoders[id(operation)] = (operation, encoder)
    return entry[1]


def serialize_exact(context: ActionContext, result: Any) -> tuple[int, dict[str, Any], Any]:
    """Serialize ``result`` whose keys are exactly the output shape's member names.

    moto's default value picker tries several spellings of every key (camelCase,
    snake_case...); our results are built with the model's own names, so a direct look-up
    is enough. A plain rest-json result is then encoded straight to the JSON moto would
    write (its serializer walks the shape with a generic dispatch per value, most of the
    cost of answering a Converse call); anything else goes through moto's serializer.
    """
    operation = context.operation_model
    serializer_cls: Any = context.serializer_class
    encode = _body_encoder(operation) if serializer_cls is RestJSONSerializer else None
    if encode is not None:
        try:
            body = encode(result)
        except _NotDirect:
            pass
        else:
            status = operation.http.get("responseCode", serializer_cls.DEFAULT_RESPONSE_CODE)
            return status, {"Content-Type": serializer_cls.CONTENT_TYPE}, json.dumps(body)
    serializer = serializer_cls(operation_model=operation, value_picker=DefaultAttributePicker())
    serialized = serializer.serialize(result)
    return serialized["status_code"], serialized["headers"], serialized["body"]


# -- moto's S3, CloudWatch Logs and IAM: where jobs and invocation logs write ------------
#
# Relies on: ``get_backend("s3")[account][partition]`` with ``get_bucket`` (raising when the
# bucket is missing), ``put_object``, ``get_object`` and ``list_objects``;
# ``get_backend("logs")[account][region]`` with ``groups``, ``ensure_log_stream`` and
# ``put_log_events``; ``get_backend("iam")[account][partition]`` with ``get_role_by_arn``.


def _s3(account_id: str, partition: str) -> Any:
    return moto.backends.get_backend("s3")[account_id][partition]


def s3_bucket_exists(account_id: str, partition: str, bucket: str) -> bool:
    try:
        _s3(account_id, partition).get_bucket(bucket)
    except Exception:  # moto's MissingBucket; any failure means we cannot use it
        return False
    return True


def s3_put(account_id: str, partition: str, bucket: str, key: str, body: bytes) -> None:
    _s3(account_id, partition).put_object(bucket, key, body)


def s3_get(account_id: str, partition: str, bucket: str, key: str) -> bytes | None:
    """The object's bytes, or None when the bucket or key does not exist."""
    try:
        found = _s3(account_id, partition).get_object(bucket, key)
    except Exception:
        return None
    return None if found is None else bytes(found.value)


def s3_keys(account_id: str, partition: str, bucket: str, prefix: str) -> list[tuple[str, int]]:
    """``(key, size)`` of every object under ``prefix``, sorted by key."""
    backend = _s3(account_id, partition)
    objects, _prefixes, _truncated, _marker = backend.list_objects(
        backend.get_bucket(bucket), prefix, None, None, 10**9
    )
    return sorted((obj.name, obj.size) for obj in objects)


def _logs(account_id: str, region: str) -> Any:
    return moto.backends.get_backend("logs")[account_id][region]


def log_group_exists(account_id: str, region: str, group: str) -> bool:
    return group in _logs(account_id, region).groups


def put_log_event(
    account_id: str, region: str, group: str, stream: str, timestamp_ms: int, message: str
) -> None:
    """Append one event to ``stream`` of ``group`` (the stream is created if missing)."""
    logs = _logs(account_id, region)
    logs.ensure_log_stream(group, stream)
    logs.put_log_events(group, stream, [{"timestamp": timestamp_ms, "message": message}])


def role_exists(account_id: str, partition: str, role_arn: str) -> bool:
    try:
        moto.backends.get_backend("iam")[account_id][partition].get_role_by_arn(role_arn)
    except Exception:  # moto's NotFoundException
        return False
    return True


# -- server ----------------------------------------------------------------------------

#: How many distinct hosts the routing cache remembers (a client may send any Host header).
ROUTING_CACHE_SIZE = 1024
#: The longest :func:`bedrock_route_key` remembered, in characters (its strings together).
MAX_ROUTE_KEY_CHARS = 8192


class _RoutingCache:
    """Routing answers, remembered per key (bounded, least recently used).

    Called with a host, it remembers ``get_backend_for_host``: moto answers by listing its
    own package folder and trying every service's URL regexes in turn, on every request;
    the answer depends on the host alone. :meth:`answer` remembers any other routing
    answer under the key it depends on.
    """

    def __init__(
        self, lookup: Callable[[Any], Any] | None = None, size: int = ROUTING_CACHE_SIZE
    ) -> None:
        self._lookup = lookup
        self._size = size
        self._answers: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, host: str | None) -> Any:
        assert self._lookup is not None
        lookup = self._lookup
        if host is not None and len(host) > MAX_ROUTE_KEY_CHARS:
            return lookup(host)  # not remembered: see bedrock_route_key
        return self.answer(host, lambda: lookup(host))

    def answer(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The answer remembered for ``key``, or ``compute()``'s, then remembered."""
        answers = self._answers
        with self._lock:
            found = key in answers
            if found:
                answer = answers.pop(key)
                answers[key] = answer  # re-inserted: the most recently used is last
        if not found:
            answer = compute()
            with self._lock:
                answers[key] = answer
                while len(answers) > self._size:
                    del answers[next(iter(answers))]
        return answer


def bedrock_route_key(environ: dict[str, Any]) -> tuple[Any, ...] | None:
    """What moto's (and our) choice among the Bedrock services of a request depends on.

    A request signed for ``bedrock`` (every Bedrock service's signing name) goes to the
    service one of whose routes its method and path match; the host then names the
    signature's region. moto's route matching also reads the Content-Type (its protocol:
    a form body matches no Bedrock route, so moto falls back to the control plane) and
    which headers are present (an operation may require one), so both are in the key.
    None for any other request, which is routed as moto routes it.
    """
    auth = environ.get("HTTP_AUTHORIZATION")
    if not auth:
        return None
    try:
        _, _, region, service, _ = auth.split(",")[0].split()[1].split("/")
    except (IndexError, ValueError):
        return None
    if service.lower() != "bedrock":
        return None
    names = tuple(sorted(name for name in environ if name.startswith("HTTP_")))
    key = (
        region,
        environ.get("REQUEST_METHOD"),
        environ.get("PATH_INFO"),
        environ.get("RAW_URI"),
        environ.get("REQUEST_URI"),
        environ.get("QUERY_STRING"),
        environ.get("HTTP_HOST"),
        environ.get("CONTENT_TYPE"),
        names,
    )
    # The caches hold ROUTING_CACHE_SIZE keys: a request of a key far longer than any
    # Bedrock route's (up to the server's 64 KiB of headers) is routed unremembered, so
    # their memory stays small whatever the requests.
    size = sum(len(part) for part in key[:-1] if part) + sum(len(name) for name in names)
    return key if size <= MAX_ROUTE_KEY_CHARS else None


_operation_routes = _RoutingCache()


def remembered_route(
    service: str, request: Any, match: Callable[[], tuple[Any, dict[str, Any]]]
) -> tuple[Any, dict[str, Any]]:
    """``match()`` (the operation and URI parameters moto's router finds for ``request``),
    remembered per service and :func:`bedrock_route_key`, which holds all the router reads:
    method, path, query, host, Content-Type and which headers are present. The parameters
    are a fresh copy each time (moto's handlers may change them).
    """
    environ = getattr(request, "environ", None)
    key = bedrock_route_key(environ) if isinstance(environ, dict) else None
    if key is None:
        return match()
    operation, params = _operation_routes.answer((service, key), match)
    return operation, dict(params)


#: Response classes (and their subclasses) whose ``dispatch`` the server may call directly.
_DIRECT_DISPATCH_CLASSES: list[type] = []
#: Paths moto's dispatcher answers before looking at any service (see ``get_application``).
_MOTO_OWN_PATHS = ("/moto-api", "/latest/meta-data/", "/latest/api/", "/favicon.ico")


def dispatch_directly(cls: type) -> None:
    """Let the server answer requests routed to ``cls`` (or a subclass) without Flask.

    The request then skips Flask's request context, URL adapter and response hooks and goes
    straight to ``cls.dispatch``, built and answered exactly as moto's Flask view
    (``convert_to_flask_response``) does it; see :func:`wsgi_app`.
    """
    if cls not in _DIRECT_DISPATCH_CLASSES:
        _DIRECT_DISPATCH_CLASSES.append(cls)


def _direct_dispatch(app: Any, environ: dict[str, Any]) -> tuple[Any, bool, Any] | None:
    """(the dispatch method, whether CORS headers are added, the request class) for a
    request Flask would send to a registered class's ``dispatch``; None when Flask must
    answer it."""
    from werkzeug.exceptions import HTTPException

    flask_app = app.get_application(dict(environ))
    hooks = flask_app.after_request_funcs.get(None, [])
    if (
        any(flask_app.before_request_funcs.values())
        or any(flask_app.url_value_preprocessors.values())
        or any(flask_app.teardown_request_funcs.values())
        or len(hooks) > 1
        or any(not getattr(hook, "__module__", "").startswith("flask_cors") for hook in hooks)
    ):
        return None  # someone added hooks this path would not run
    try:
        adapter = flask_app.create_url_adapter(flask_app.request_class(dict(environ)))
        rule, _ = adapter.match(return_rule=True)
    except HTTPException:  # no route, a wrong method or a redirect: Flask answers
        return None
    callback = getattr(flask_app.view_functions.get(rule.endpoint), "callback", None)
    owner = getattr(callback, "__self__", None)
    if (
        getattr(callback, "__name__", None) != "dispatch"
        or not isinstance(owner, type)
        or not issubclass(owner, tuple(_DIRECT_DISPATCH_CLASSES))
    ):
        return None
    return callback, bool(hooks), flask_app.request_class


def _serve_directly(
    dispatch: Any, cors: bool, request_class: Any, environ: dict[str, Any], start_response: Any
) -> Any:
    """What moto's Flask app answers for a request its view hands to ``dispatch``.

    The steps of ``convert_to_flask_response`` (the request recorded, ClientError answered
    400, the result made a Flask response), then Flask-CORS's one header: with moto's
    defaults and no ``Origin`` header (the only requests served this way) it adds
    ``Access-Control-Allow-Origin: *`` unless the answer has one. An exception propagates
    to the server, as from moto's Flask app (which runs in debug mode).
    """
    from botocore.exceptions import ClientError
    from flask import Response
    from moto.moto_api import recorder

    request = request_class(environ)
    recorder._record_request(request)
    try:
        result = dispatch(request, request.raw_url, dict(request.headers))
    except ClientError as exc:
        result = 400, {}, exc.response["Error"]["Message"]
    if len(result) == 3:
        status, headers, content = result
    else:
        status, headers, content = 200, {}, result
    response = Response(response=content, status=status, headers=headers)
    if cors and not response.headers.get("Access-Control-Allow-Origin"):
        response.headers.add("Access-Control-Allow-Origin", "*")
    return response(environ, start_response)


def wsgi_app(direct: bool = True) -> Any:
    """moto's server application (every service), with its routing remembered.

    The host's backend is remembered per host, and the host a request signed for Bedrock
    is sent to per :func:`bedrock_route_key` (moto finds it by building a response object
    of each Bedrock service in turn and matching the path against its routes).

    With ``direct``, a request signed for Bedrock that moto's Flask app would hand to the
    ``dispatch`` of a class registered with :func:`dispatch_directly` goes straight there
    (:func:`_serve_directly`), skipping Flask's per-request machinery, about a fifth of the
    cost of a Converse call. Only requests whose answer cannot differ are served so: no
    ``Origin`` header (Flask-CORS answers those by their origin), not HEAD or OPTIONS (Flask
    answers those itself), not moto's own paths; and only when the Flask app has no hooks
    but Flask-CORS's. ``tests/test_direct_dispatch.py`` sends every operation both ways.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    class Dispatcher(DomainDispatcherApplication):
        def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
            if direct and "HTTP_ORIGIN" not in environ:
                key = bedrock_route_key(environ)
                if (
                    key is not None
                    and key[1] not in ("HEAD", "OPTIONS")
                    and key[2] is not None
                    and not key[2].startswith(_MOTO_OWN_PATHS)
                ):
                    found = direct_routes.answer(key, lambda: _direct_dispatch(self, environ))
                    if found is not None:
                        dispatch, cors, request_class = found
                        return _serve_directly(
                            dispatch, cors, request_class, environ, start_response
                        )
            return super().__call__(environ, start_response)

    app = Dispatcher(create_backend_app)
    uncached = app.get_backend_for_host
    app.get_backend_for_host = _RoutingCache(uncached)  # type: ignore[method-assign]
    signed = _RoutingCache()
    direct_routes = _RoutingCache()

    def infer_service_region_host(environ: dict[str, Any], path: str) -> str | None:
        infer = DomainDispatcherApplication.infer_service_region_host  # as patched now
        key = bedrock_route_key(environ)
        if key is None or key[2] != path:
            return infer(app, environ, path)
        return signed.answer(key, lambda: infer(app, environ, path))  # type: ignore[no-any-return]

    app.infer_service_region_host = infer_service_region_host  # type: ignore[method-assign]
    return app


def preserved_header_environ(
    headers: Iterable[tuple[str, str]], dashed: set[str]
) -> dict[str, Any]:
    """The environ entries moto's own server makes of underscored request headers.

    ``headers`` are (name, value) as the client spelled them; ``dashed`` the environ keys the
    headers without an underscore took, which an underscored name never replaces.
    """
    names: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if not should_preserve_original_header_name(name):
            continue
        key = environ_key_for_header(name)
        if key in dashed:
            continue
        names.setdefault(key, name)
        values.setdefault(key, []).append(value.replace("\r\n", ""))
    environ: dict[str, Any] = {key: ",".join(found) for key, found in values.items()}
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names
    return environ
