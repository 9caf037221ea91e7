"""Meta Llama 3 / 3.1 / 3.2 / 3.3 / 4 on InvokeModel: a chat-template prompt in, a generation out.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.5. The prompt's
chat template (``<|start_header_id|>user<|end_header_id|>`` for Llama 3, ``<|header_start|>``
for Llama 4) is taken apart into Converse-shaped turns, so the responder sees the user's
question, not the markers.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from ..tokens import count_tokens
from . import MakeId, NativeRequest, Pieces, malformed, reply_text
from ._schema import array, check_keys, check_type, optional

KNOWN_KEYS = ("prompt", "temperature", "top_p", "max_gen_len")
# The parameter page gives 512 as max_gen_len's default; the maximum is the catalog's
# max_output_tokens (2048 on the page; larger limits were observed for 3.2 and 3.3).
DEFAULT_MAX_GEN_LEN = 512
_STOP_REASONS = {"max_tokens": "length"}

_HEADER = re.compile(
    r"<\|(?:start_header_id|header_start)\|>(.*?)<\|(?:end_header_id|header_end)\|>",
    re.DOTALL,
)
# Special tokens that carry no words: begin/end of text, end of turn or message, images.
_SPECIAL = re.compile(r"<\|(?:begin_of_text|end_of_text|eot_id|eot|eom_id|eom|image)\|>")
_ROLES = {"system": "system", "user": "user", "assistant": "assistant", "ipython": "user"}
_IMAGE_MAGIC = (
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"RIFF", "webp"),
)


def _turns(prompt: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The template's (system, messages); a prompt without headers is one user turn."""
    headers = list(_HEADER.finditer(prompt))
    if not headers:
        return [], [{"role": "user", "content": [{"text": prompt}]}]
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(prompt)
        text = _SPECIAL.sub("", prompt[header.end() : end]).strip()
        role = _ROLES.get(header.group(1).strip(), "user")
        if not text:
            continue  # the empty assistant header that asks the model to answer
        if role == "system":
            system.append({"text": text})
        elif messages and messages[-1]["role"] == role:
            messages[-1]["content"].append({"text": text})
        else:
            messages.append({"role": role, "content": [{"text": text}]})
    return system, messages


def _images(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Llama 3.2+ ``images`` (base64 strings) as Converse image blocks."""
    blocks = []
    for index, item in enumerate(array(body["images"], "#/images")):
        where = f"#/images/{index}"
        check_type(item, "String", where)
        try:
            data = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise malformed(f"{where}: expected base64 data") from None
        image_format = next((f for magic, f in _IMAGE_MAGIC if data.startswith(magic)), "png")
        blocks.append({"image": {"format": image_format, "source": {"bytes": data}}})
    return blocks


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Llama body the way Bedrock does and translate it."""
    # Only the vision models (3.2 11B/90B, Llama 4) take images.
    known = (*KNOWN_KEYS, "images") if model.image_input else KNOWN_KEYS
    check_keys(body, "#", ("prompt",), known)
    check_type(body["prompt"], "String", "#/prompt")
    limit = model.max_output_tokens
    max_gen_len = optional(body, "max_gen_len", "Integer", minimum=1, maximum=limit)
    config: dict[str, Any] = {"maxTokens": max_gen_len or DEFAULT_MAX_GEN_LEN}
    for native, converse in (("temperature", "temperature"), ("top_p", "topP")):
        value = optional(body, native, "Number", minimum=0, maximum=1)
        if value is not None:
            config[converse] = value
    system, messages = _turns(body["prompt"])
    if "images" in body:
        images = _images(body)
        users = [m for m in messages if m["role"] == "user"]
        if users:
            users[-1]["content"][:0] = images
        else:
            messages.insert(0, {"role": "user", "content": images})
    templated = _HEADER.search(body["prompt"]) is not None
    return NativeRequest(messages, system, config, templated=templated)


def _stop_reason(result: InferenceResult) -> str:
    return _STOP_REASONS.get(result.stop_reason, "stop")


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    return {
        "generation": reply_text(result),
        "prompt_token_count": result.usage["inputTokens"],
        "generation_token_count": result.usage["outputTokens"],
        "stop_reason": _stop_reason(result),
    }


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per text piece with a running token count, then an empty closing chunk.

    Only the first chunk carries ``prompt_token_count``; the closing chunk carries the
    stop reason and, from the backend, the invocation metrics.
    """
    total = result.usage["outputTokens"]
    sent = ""
    for index, piece in enumerate(pieces(reply_text(result))):
        sent += piece
        yield (
            {
                "generation": piece,
                "prompt_token_count": None if index else result.usage["inputTokens"],
                "generation_token_count": min(total, count_tokens(sent)),
                "stop_reason": None,
            }
        )
    yield (
        {
            "generation": "",
            "prompt_token_count": None,
            "generation_token_count": total,
            "stop_reason": _stop_reason(result),
        }
    )


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a stream chunk carries, or None for the closing chunk."""
    if chunk["stop_reason"] is not None and not chunk["generation"]:
        return None
    return str(chunk["generation"])


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return str(body.get("generation", ""))
