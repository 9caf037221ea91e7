"""Record and replay: runtime calls saved as readable fixtures ("cassettes") and played back.

A cassette is one YAML or JSON file of *interactions*. Each holds the operation, the
request in botocore's parameter form, and the answer in the same form: the output
structure, the decoded list of stream events (and an error event that ended the stream),
or a modeled error (code, HTTP status, message). Bytes (an InvokeModel body, an image) are
written as ``{"$json": value}`` when they hold JSON (``"$form"`` says how it was spaced, so
the bytes come back exactly) and as ``{"$base64": text}`` otherwise, so a fixture reads like
the conversation it records.

Matching normalises a request first: byte payloads decoded as above, the configured
``ignore`` paths removed, the ``redact`` patterns applied (the same ones that were applied
when the fixture was written). Interactions that match are played in recorded order; once
all are used, the last one repeats. The record modes follow vcrpy's: ``none`` (replay
only), ``once`` (record only when the file did not exist), ``new_episodes`` (replay what
matches, record the rest), ``all`` (record everything anew).

This module is plain data and logic; forwarding to an upstream and building the wire answer
happen in ``moto_bedrock.bedrockruntime.recording``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..bedrockruntime.exceptions import ValidationException
from .base import ConfigError, ControlBase, operation

__all__ = [
    "MODES",
    "OPERATIONS",
    "Cassette",
    "CassetteControls",
    "Interaction",
    "decode_value",
    "encode_value",
    "load_interactions",
]

MODES = ("none", "once", "new_episodes", "all")
OPERATIONS = (
    "Converse",
    "ConverseStream",
    "InvokeModel",
    "InvokeModelWithResponseStream",
    "CountTokens",
    "ApplyGuardrail",
)
FORMAT_KEY = "moto_bedrock_cassette"
FORMAT_VERSION = 1
REDACTED = "<redacted>"
# A fixture is read whole: refuse files that could not be a sane recording.
MAX_FILE_BYTES = 64 * 1024 * 1024
_UPSTREAM_KEYS = ("endpoint_url", "region", "profile", "timeout")


# -- bytes as readable values ---------------------------------------------------------------


# How a JSON payload was written, so it is re-written to the same bytes: separators and
# whether non-ASCII text was escaped. The first is the default and is left out of fixtures.
_JSON_FORMS: dict[str, dict[str, Any]] = {
    "compact": {"separators": (",", ":"), "ensure_ascii": False},
    "compact-ascii": {"separators": (",", ":"), "ensure_ascii": True},
    "spaced": {"separators": (", ", ": "), "ensure_ascii": False},
    "spaced-ascii": {"separators": (", ", ": "), "ensure_ascii": True},
}


def _encode_bytes(data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
        parsed = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return {"$base64": base64.b64encode(data).decode("ascii")}
    for form, options in _JSON_FORMS.items():
        if json.dumps(parsed, **options) == text:
            return {"$json": parsed} if form == "compact" else {"$json": parsed, "$form": form}
    return {"$text": text}  # JSON written some other way: kept as it was


def encode_value(value: Any) -> Any:
    """``value`` with every ``bytes`` made readable: ``{"$json": ...}`` (with ``"$form"``
    when not compact), ``{"$text": ...}`` or ``{"$base64": ...}``; decoding gives the same bytes."""
    if isinstance(value, bytes | bytearray):
        return _encode_bytes(bytes(value))
    if isinstance(value, Mapping):
        return {str(key): encode_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode_value(item) for item in value]
    return value


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value`."""
    if isinstance(value, Mapping):
        keys = set(value)
        if keys in ({"$json"}, {"$json", "$form"}):
            options = _JSON_FORMS.get(str(value.get("$form", "compact")))
            if options is None:
                raise ConfigError(f"$form must be one of {', '.join(_JSON_FORMS)}")
            return json.dumps(value["$json"], **options).encode("utf-8")
        if keys == {"$text"}:
            return str(value["$text"]).encode("utf-8")
        if keys == {"$base64"}:
            return base64.b64decode(str(value["$base64"]))
        return {key: decode_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    return value


# -- one recorded call ------------------------------------------------------------------------


@dataclass
class Interaction:
    """One recorded call, already in its encoded (file) form."""

    operation: str
    request: dict[str, Any]
    response: dict[str, Any] | None = None
    events: list[dict[str, Any]] | None = None
    stream_error: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"operation": self.operation, "request": self.request}
        for name in ("response", "events", "stream_error", "error"):
            if getattr(self, name) is not None:
                document[name] = getattr(self, name)
        return document

    @property
    def model_id(self) -> str:
        """The model the call named (for ApplyGuardrail, the guardrail)."""
        return str(self.request.get("modelId") or self.request.get("guardrailIdentifier") or "")

    @classmethod
    def from_document(cls, document: Any, where: str) -> Interaction:
        if not isinstance(document, Mapping):
            raise ConfigError(f"{where}: an interaction must be a mapping")
        unknown = set(document) - {
            "operation",
            "request",
            "response",
            "events",
            "stream_error",
            "error",
        }
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
        operation = document.get("operation")
        if operation not in OPERATIONS:
            raise ConfigError(f"{where}.operation: must be one of {', '.join(OPERATIONS)}")
        request = document.get("request")
        if not isinstance(request, Mapping):
            raise ConfigError(f"{where}.request: must be a mapping")
        has = {name for name in ("response", "events", "error") if document.get(name) is not None}
        if not has or ("error" in has and len(has) > 1):
            raise ConfigError(f"{where}: needs an error, or a response and/or events")
        error = document.get("error")
        for name, value in (("error", error), ("stream_error", document.get("stream_error"))):
            if value is not None and not (
                isinstance(value, Mapping)
                and isinstance(value.get("code"), str)
                and isinstance(value.get("message", ""), str)
            ):
                raise ConfigError(f"{where}.{name}: needs a string code and message")
        events = document.get("events")
        if events is not None and not (
            isinstance(events, list) and all(isinstance(e, Mapping) and len(e) == 1 for e in events)
        ):
            raise ConfigError(f"{where}.events: must be a list of one-key mappings")
        response = document.get("response")
        if response is not None and not isinstance(response, Mapping):
            raise ConfigError(f"{where}.response: must be a mapping")
        return cls(
            operation=str(operation),
            request=dict(request),
            response=dict(response) if response is not None else None,
            events=[dict(e) for e in events] if events is not None else None,
            stream_error=dict(document["stream_error"]) if document.get("stream_error") else None,
            error=dict(error) if error is not None else None,
        )


def _parse_text(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


def load_interactions(path: Path) -> list[Interaction]:
    """Read and check a cassette file; ConfigError names the file and the bad place."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
        document = _parse_text(path, path.read_text("utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot be read as a cassette ({error})") from None
    if not isinstance(document, Mapping) or document.get(FORMAT_KEY) != FORMAT_VERSION:
        raise ConfigError(f"{path}: not a cassette (needs '{FORMAT_KEY}: {FORMAT_VERSION}')")
    items = document.get("interactions") or []
    if not isinstance(items, list):
        raise ConfigError(f"{path}: interactions must be a list")
    return [Interaction.from_document(item, f"interactions[{i}]") for i, item in enumerate(items)]


def _sorted(value: Any) -> Any:
    """Mappings with sorted keys at every level, so re-recording gives an empty diff."""
    if isinstance(value, Mapping):
        if "$json" in value:  # a payload's own key order is part of its bytes
            return dict(value)
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def dump_interactions(path: Path, interactions: Sequence[Interaction]) -> None:
    """Write a cassette atomically, in a stable layout (YAML or JSON by extension)."""
    document = {
        FORMAT_KEY: FORMAT_VERSION,
        "interactions": [
            {key: _sorted(value) for key, value in i.to_document().items()} for i in interactions
        ],
    }
    if path.suffix.lower() == ".json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# -- matching ---------------------------------------------------------------------------------


def _differences(recorded: Any, sent: Any, where: str = "") -> list[str]:
    """Every path where two normalised requests differ, first to last."""
    if isinstance(recorded, Mapping) and isinstance(sent, Mapping):
        found: list[str] = []
        for key in sorted(set(recorded) | set(sent)):
            path = f"{where}.{key}" if where else str(key)
            if key not in recorded:
                found.append(f"{path}: not recorded, sent {_short(sent[key])}")
            elif key not in sent:
                found.append(f"{path}: recorded {_short(recorded[key])}, not sent")
            else:
                found.extend(_differences(recorded[key], sent[key], path))
        return found
    if isinstance(recorded, list) and isinstance(sent, list):
        found = []
        for index in range(max(len(recorded), len(sent))):
            path = f"{where}[{index}]"
            if index >= len(recorded):
                found.append(f"{path}: not recorded, sent {_short(sent[index])}")
            elif index >= len(sent):
                found.append(f"{path}: recorded {_short(recorded[index])}, not sent")
            else:
                found.extend(_differences(recorded[index], sent[index], path))
        return found
    if recorded != sent:
        return [f"{where or 'request'}: recorded {_short(recorded)}, sent {_short(sent)}"]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _without(value: dict[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """``value`` less each dotted path in ``paths`` (a missing path is fine)."""
    result = json.loads(json.dumps(value))
    for path in paths:
        *parents, last = path.split(".")
        node: Any = result
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return dict(result)


@dataclass
class CassetteSettings:
    """What a test asked for: the file, the mode, the upstream and the normalisation."""

    path: Path
    mode: str = "none"
    upstream: dict[str, Any] | None = None
    ignore: tuple[str, ...] = ()
    redact: tuple[str, ...] = ()

    @classmethod
    def check(
        cls, path: Any, mode: Any, upstream: Any, ignore: Any, redact: Any
    ) -> CassetteSettings:
        if not isinstance(path, str | os.PathLike) or not str(path):
            raise ConfigError("path must be a file path (.yaml, .yml or .json)")
        chosen = Path(path)
        if chosen.suffix.lower() not in (".yaml", ".yml", ".json"):
            raise ConfigError(f"path must end in .yaml, .yml or .json; got {str(path)!r}")
        if mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if upstream is not None:
            if not isinstance(upstream, Mapping) or set(upstream) - set(_UPSTREAM_KEYS):
                raise ConfigError(f"upstream takes only {', '.join(_UPSTREAM_KEYS)}")
            url = upstream.get("endpoint_url")
            if url is not None and not (isinstance(url, str) and re.match(r"https?://", url)):
                raise ConfigError("upstream.endpoint_url must be an http(s) URL")
            timeout = upstream.get("timeout", 60)
            if (
                isinstance(timeout, bool)
                or not isinstance(timeout, int | float)
                or not 0 < timeout <= 900
            ):
                raise ConfigError("upstream.timeout must be a number of seconds from 0 to 900")
        for name, value in (("ignore", ignore), ("redact", redact)):
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str) and v for v in value
            ):
                raise ConfigError(f"{name} must be a list of non-empty strings")
        for pattern in redact:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ConfigError(f"redact: bad pattern {pattern!r} ({error})") from None
        return cls(
            chosen, str(mode), dict(upstream) if upstream else None, tuple(ignore), tuple(redact)
        )

    def describe(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "mode": self.mode,
            "upstream": self.upstream,
            "ignore": list(self.ignore),
            "redact": list(self.redact),
        }


class Cassette:
    """A loaded cassette: its interactions, which have been played, and what to record."""

    def __init__(self, settings: CassetteSettings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        existed = settings.path.exists()
        self.interactions: list[Interaction] = (
            load_interactions(settings.path) if existed and settings.mode != "all" else []
        )
        self.recording = settings.mode in ("new_episodes", "all") or (
            settings.mode == "once" and not existed
        )
        self.replaying = settings.mode != "all"
        self.played: set[int] = set()
        self.recorded = 0
        self._patterns = [re.compile(p) for p in settings.redact]
        #: The botocore client recording forwards through, made on first use.
        self.upstream_client: Any = None

    @property
    def name(self) -> str:
        return self.settings.path.name

    def redact(self, value: Any) -> Any:
        """``value`` with every configured pattern replaced in every string."""
        if not self._patterns:
            return value
        if isinstance(value, str):
            for pattern in self._patterns:
                value = pattern.sub(REDACTED, value)
            return value
        if isinstance(value, Mapping):
            return {self.redact(k): self.redact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact(item) for item in value]
        return value

    def normalise(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """A request as a fixture stores it: bytes readable, patterns redacted."""
        return dict(self.redact(encode_value(request)))

    def _key(self, request: dict[str, Any]) -> dict[str, Any]:
        return _without(request, self.settings.ignore)

    def find(self, operation: str, request: dict[str, Any]) -> Interaction | None:
        """The next interaction recorded for this (normalised) request, or None."""
        if not self.replaying:
            return None
        wanted = self._key(request)
        with self.lock:
            matches = [
                index
                for index, interaction in enumerate(self.interactions)
                if interaction.operation == operation and self._key(interaction.request) == wanted
            ]
            if not matches:
                return None
            index = next((i for i in matches if i not in self.played), matches[-1])
            self.played.add(index)
            return self.interactions[index]

    def miss(self, operation: str, request: dict[str, Any]) -> ValidationException:
        """The error for a request nothing matches: the nearest fixture and how it differs."""
        wanted = self._key(request)
        nearest: tuple[int, int, list[str]] | None = None
        for index, interaction in enumerate(self.interactions):
            if interaction.operation != operation:
                continue
            differences = _differences(self._key(interaction.request), wanted)
            if nearest is None or len(differences) < nearest[1]:
                nearest = (index, len(differences), differences)
        message = (
            f"moto-bedrock cassette {self.name} (mode {self.settings.mode}) has no recorded "
            f"{operation} call that matches this request"
        )
        if nearest is None:
            message += f"; it holds no {operation} call."
        else:
            index, count, differences = nearest
            shown = "; ".join(differences[:3]) + ("; ..." if count > 3 else "")
            message += f"; the nearest is interactions[{index}], which differs at {shown}."
        error = ValidationException(message)
        error.injected = "cassette"  # type: ignore[attr-defined]
        return error

    def add(self, interaction: Interaction) -> int:
        """Keep a recorded interaction and write the file; its index."""
        with self.lock:
            interaction = dataclasses.replace(interaction, **self._redacted_answer(interaction))
            self.interactions.append(interaction)
            index = len(self.interactions) - 1
            self.played.add(index)
            self.recorded += 1
            dump_interactions(self.settings.path, self.interactions)
            return index

    def _redacted_answer(self, interaction: Interaction) -> dict[str, Any]:
        return {
            name: self.redact(getattr(interaction, name))
            for name in ("response", "events", "stream_error", "error")
        }

    def describe(self) -> dict[str, Any]:
        return {
            **self.settings.describe(),
            "interactions": len(self.interactions),
            "played": len(self.played),
            "recorded": self.recorded,
            "recording": self.recording,
        }


_SETTING_KEYS = ("path", "mode", "upstream", "ignore", "redact")


@dataclass
class CassettePlan:
    """The cassette in use on one backend, if any (the ``cassette`` config section)."""

    cassette: Cassette | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def use(self, settings: CassetteSettings) -> Cassette:
        cassette = Cassette(settings)
        with self.lock:
            self.cassette = cassette
        return cassette

    def eject(self) -> Cassette | None:
        with self.lock:
            cassette, self.cassette = self.cassette, None
        return cassette

    def load_config(self, config: Any) -> None:
        """``{path, mode, upstream, ignore, redact}`` uses that cassette; ``{}`` none."""
        if not isinstance(config, Mapping):
            raise ConfigError(f"must be a mapping; got {type(config).__name__}")
        unknown = sorted(set(config) - set(_SETTING_KEYS))
        if unknown:
            raise ConfigError(f"unknown keys {unknown}; expected some of {list(_SETTING_KEYS)}")
        if not config:
            self.eject()
            return
        self.use(
            CassetteSettings.check(
                config.get("path"),
                config.get("mode", "none"),
                config.get("upstream"),
                config.get("ignore") or [],
                config.get("redact") or [],
            )
        )

    def to_config(self) -> dict[str, Any]:
        cassette = self.cassette
        return cassette.settings.describe() if cassette is not None else {}


class CassetteControls(ControlBase):
    """Control operations for record and replay."""

    @operation
    def use_cassette(
        self,
        path: str,
        mode: str = "none",
        upstream: dict[str, Any] | None = None,
        ignore: list[str] | None = None,
        redact: list[str] | None = None,
    ) -> dict[str, Any]:
        """Replay (and, by ``mode``, record) runtime calls with the cassette file ``path``.

        ``path`` is read and written by the process that serves Bedrock (the server, in
        server mode). ``upstream`` is where recording forwards calls: ``{"endpoint_url":
        ..., "region": ..., "profile": ..., "timeout": seconds}``; without an endpoint it is
        real Bedrock in that region with the default credential chain. ``ignore`` lists
        dotted request paths left out of matching; ``redact`` lists regular expressions
        replaced by ``<redacted>`` in what is written (and in requests before matching).
        """
        settings = CassetteSettings.check(path, mode, upstream, ignore or [], redact or [])
        cassette = self._behaviour.cassette.use(settings)
        return cassette.describe()

    @operation
    def eject_cassette(self) -> dict[str, Any]:
        """Stop using the cassette; returns what it did (``{}`` when none was in use)."""
        cassette = self._behaviour.cassette.eject()
        return cassette.describe() if cassette else {}

    @operation
    def get_cassette(self) -> dict[str, Any]:
        """The cassette in use and its counts (``{}`` when none is)."""
        cassette = self._behaviour.cassette.cassette
        return cassette.describe() if cassette else {}
