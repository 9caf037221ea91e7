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
* moto's event-stream classes (``EventStream``, ``EventStreamEncoder`` and the protocol
  serializer's ``EVENT_STREAM_SERIALIZER_CLS``) encode frames one at a time, so a stream
  can be produced lazily instead of joined into one body as moto's serializer does;
* ``moto.moto_api._internal.urls.url_paths`` is read whenever the moto-api routes are
  built, so adding to it serves our control endpoints under ``/moto-api/`` in both modes;
* ``MockAWS`` keeps its nesting count on the class, so ``mock_bedrock`` wraps a moto mock
  rather than subclassing it (a subclass would count separately and tear down patching
  while an outer ``mock_aws`` is still active).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

import moto.backends
import moto.bedrock
import moto.bedrock.models
import moto.bedrock.responses
import moto.bedrockruntime
import moto.bedrockruntime.models
from moto.bedrock.models import BedrockBackend as MotoBedrockBackend
from moto.bedrock.responses import BedrockResponse as MotoBedrockResponse
from moto.bedrockagent.responses import AgentsforBedrockResponse
from moto.core.eventstream import EventStream, EventStreamEncoder
from moto.core.models import MockAWS
from moto.core.responses import ActionContext
from moto.core.serialize import DefaultAttributePicker

__all__ = [
    "AgentsforBedrockResponse",
    "MotoBedrockBackend",
    "MotoBedrockResponse",
    "decorate_class",
    "event_frames",
    "install",
    "is_installed",
    "serialize_exact",
]

# Our control endpoints: POST /moto-api/bedrock/<operation>, JSON in and out.
CONTROL_PATH = "{0}/moto-api/bedrock/(?P<operation>[a-z_]+)$"

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Replace moto's bedrock and bedrock-runtime backends with ours (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from .bedrock.models import bedrock_backends
        from .bedrockruntime.models import bedrockruntime_backends

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

        from .control import http_control

        moto_api_urls.url_paths[CONTROL_PATH] = http_control
        _installed = True


def is_installed() -> bool:
    """Whether moto currently serves our backends for bedrock and bedrock-runtime."""
    from .bedrock.models import bedrock_backends
    from .bedrockruntime.models import bedrockruntime_backends

    return (
        moto.backends.get_backend("bedrock") is bedrock_backends
        and moto.backends.get_backend("bedrock-runtime") is bedrockruntime_backends
    )


def decorate_class(mock: Any, klass: type) -> type:
    """Decorate a test class's methods the way ``mock_aws`` does (setUp resets, etc.).

    moto's logic is reused rather than copied; it only calls ``mock(method, reset=...,
    remove_data=...)``, which ``mock_bedrock`` implements.
    """
    return MockAWS._decorate_class(mock, klass)


def event_frames(
    context: ActionContext,
    events: Iterable[dict[str, Any]],
    exception: tuple[str, dict[str, Any]] | None = None,
) -> Iterator[bytes]:
    """Encode an operation's events lazily, one binary frame per event.

    ``events`` are ``{member: body}`` mappings of the operation's event-stream union; it is
    consumed as frames are pulled, so a paced generator paces the frames. ``exception``,
    if given, is ``(member, body)`` of an exception member, sent as the last frame.
    """
    operation = context.operation_model
    output_shape = operation.output_shape
    stream_name = output_shape.event_stream_name
    serializer_cls: Any = context.serializer_class
    serializer = serializer_cls.EVENT_STREAM_SERIALIZER_CLS(operation)
    encoder = EventStreamEncoder()
    for message in EventStream({stream_name: events}, output_shape, serializer):
        yield encoder.encode_event(message)
    if exception is not None:
        name, body = exception
        shape = output_shape.members[stream_name].members[name]
        payload, content_type = serializer.serialize_event_payload(
            body, shape, list(shape.members.items())
        )
        headers = {
            ":message-type": "exception",
            ":exception-type": name,
            ":content-type": content_type or "application/json",
        }
        yield encoder.encode_message(headers, payload)


def serialize_exact(context: ActionContext, result: Any) -> tuple[int, dict[str, Any], Any]:
    """Serialize ``result`` whose keys are exactly the output shape's member names.

    moto's default value picker tries several spellings of every key (camelCase,
    snake_case...), which is most of the cost of serializing a Converse reply; our results
    are built with the model's own names, so a direct look-up is enough.
    """
    serializer_cls: Any = context.serializer_class
    serializer = serializer_cls(
        operation_model=context.operation_model, value_picker=DefaultAttributePicker()
    )
    serialized = serializer.serialize(result)
    return serialized["status_code"], serialized["headers"], serialized["body"]
