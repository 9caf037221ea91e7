"""The declarative config: every behaviour setting of a backend in one YAML or JSON document.

Top-level keys are sections, each handed to the area that owns it: ``replies``, ``faults``,
``quotas``, ``latency`` and ``clock`` (``load_config`` of that area), ``streaming`` (the
stream settings), ``validation`` (``{"lenient": [...]}``) and ``history``
(``{"cap": N}``); ``regions`` says where the document applies. A section present replaces
that area's state; a section absent leaves it as it is. Loading is all-or-nothing: every
section is first loaded into fresh objects, and the backend is only touched once all of
them were accepted, so a bad document changes nothing.

A server started with ``--config FILE`` keeps the file as its startup config:
:func:`apply_startup_config` applies it to each backend as it is created, so it holds
again after moto's reset.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from moto.core.models import DEFAULT_ACCOUNT_ID

from .. import _moto
from ..rules import ValidationPolicy
from ..wire.streaming import StreamSettings
from .base import ConfigError, ControlBase, operation
from .history import HistoryLimits

if TYPE_CHECKING:
    from ..bedrockruntime.models import BedrockRuntimeBackend

__all__ = [
    "KEYS",
    "SECTIONS",
    "ConfigControls",
    "apply_config",
    "apply_startup_config",
    "dump_config",
    "load_config",
    "read_config_file",
    "reset_behaviour",
    "set_startup_configs",
    "write_config_file",
]

#: The areas of :class:`~moto_bedrock.behaviour.Behaviour` a document configures, in the
#: order they are loaded: the clock first, so that areas which start a time window when
#: loaded (quotas) start it on the configured clock.
AREAS = ("clock", "replies", "faults", "quotas", "latency", "guardrails", "jobs", "cassette")
#: Every section, in the order :func:`dump_config` writes them.
SECTIONS = (
    "replies",
    "faults",
    "quotas",
    "latency",
    "guardrails",
    "clock",
    "jobs",
    "cassette",
    "streaming",
    "validation",
    "history",
)
#: Every top-level key a document may have.
KEYS = (*SECTIONS, "regions")

FILE_TYPES = (".yaml", ".yml", ".json")


@dataclass
class _Staged:
    """A document that passed validation, ready to be applied to any backend."""

    areas: dict[str, Any]
    streaming: StreamSettings | None
    validation: ValidationPolicy | None
    history: HistoryLimits | None

    @property
    def sections(self) -> list[str]:
        present = set(self.areas)
        for name, value in (
            ("streaming", self.streaming),
            ("validation", self.validation),
            ("history", self.history),
        ):
            if value is not None:
                present.add(name)
        return [section for section in SECTIONS if section in present]


def _where(section: str, error: Exception) -> ConfigError:
    """``error`` as a ConfigError whose message starts with the section it is about."""
    message = str(error)
    if isinstance(error, ConfigError):
        return ConfigError(message if message.startswith(section) else f"{section}: {message}")
    # An area handed a value of the wrong shape may fail with a plain Python error.
    return ConfigError(f"{section}: invalid value ({type(error).__name__}: {message})")


def _mapping(section: str, value: Any, allowed: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{section} must be a mapping; got {type(value).__name__}")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ConfigError(f"{section}: unknown keys {unknown}; expected some of {sorted(allowed)}")
    return value


def _streaming(value: Any) -> StreamSettings:
    names = [f.name for f in fields(StreamSettings)]
    settings = _mapping("streaming", value, names)
    try:
        return StreamSettings(**settings)
    except ConfigError as error:
        message = str(error)
        # StreamSettings names the field first ("size must be ..."), so "streaming.size".
        if message.split(" ", 1)[0] in names:
            raise ConfigError(f"streaming.{message}") from None
        raise ConfigError(f"streaming: {message}") from None


def _validation(value: Any) -> ValidationPolicy:
    lenient = _mapping("validation", value, ["lenient"]).get("lenient") or []
    if not isinstance(lenient, list) or not all(isinstance(r, str) for r in lenient):
        raise ConfigError(f"validation.lenient must be a list of rule ids; got {lenient!r}")
    try:
        return ValidationPolicy(frozenset(lenient))
    except ConfigError as error:
        raise ConfigError(f"validation.lenient: {error}") from None


def _history(value: Any) -> HistoryLimits:
    return HistoryLimits.parse(value, "history")


def check_config(config: Any) -> _Staged:
    """Validate a whole document; raise ConfigError naming the first problem."""
    from . import Behaviour

    if not isinstance(config, Mapping):
        raise ConfigError(
            f"a config must be a mapping of sections ({', '.join(KEYS)}); "
            f"got {type(config).__name__}"
        )
    unknown = [key for key in config if key not in KEYS]
    if unknown:
        raise ConfigError(
            f"unknown top-level key {unknown[0]!r}; expected some of {', '.join(KEYS)}"
        )
    # Every area loads into a fresh Behaviour first: it validates exactly as the real load
    # will, and leaves the backend untouched if anything is wrong.
    trial = Behaviour()
    areas: dict[str, Any] = {}
    for area in AREAS:
        if area not in config:
            continue
        try:
            getattr(trial, area).load_config(copy.deepcopy(config[area]))
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            raise _where(area, error) from None
        areas[area] = config[area]
    return _Staged(
        areas=areas,
        streaming=_streaming(config["streaming"]) if "streaming" in config else None,
        validation=_validation(config["validation"]) if "validation" in config else None,
        history=_history(config["history"]) if "history" in config else None,
    )


def _commit(backend: BedrockRuntimeBackend, staged: _Staged) -> None:
    # The same values already loaded into fresh objects, and an area's load_config
    # replaces its state whatever it was, so these loads cannot fail on valid input.
    with backend.lock:
        behaviour = backend.behaviour
        for area, value in staged.areas.items():
            getattr(behaviour, area).load_config(copy.deepcopy(value))
        if staged.streaming is not None:
            backend.stream_settings = staged.streaming
        if staged.validation is not None:
            backend.validation = staged.validation
        if staged.history is not None:
            backend.history.set_limits(staged.history)


def load_config(backend: BedrockRuntimeBackend, config: Mapping[str, Any]) -> list[str]:
    """Apply ``config`` to one backend, all or nothing; returns the sections loaded.

    ``regions``, if present, is checked by :func:`apply_config`, which picks the backends.
    """
    staged = check_config(config)
    _commit(backend, staged)
    return staged.sections


def dump_config(backend: BedrockRuntimeBackend) -> dict[str, Any]:
    """Every section of ``backend``'s current settings; loading it back changes nothing."""
    behaviour = backend.behaviour
    with backend.lock:
        config = {
            "replies": behaviour.replies.to_config(),
            "faults": behaviour.faults.to_config(),
            "quotas": behaviour.quotas.to_config(),
            "latency": behaviour.latency.to_config(),
            "guardrails": behaviour.guardrails.to_config(),
            "clock": behaviour.clock.to_config(),
            "jobs": behaviour.jobs.to_config(),
            "cassette": behaviour.cassette.to_config(),
            "streaming": asdict(backend.stream_settings),
            "validation": {"lenient": sorted(backend.validation.lenient)},
            "history": backend.history.limits.to_config(),
        }
    # A copy: the caller may edit it without reaching into the live state.
    return copy.deepcopy(config)


def _backends_of(account_id: str) -> Any:
    # Found through moto, not imported: the backends sit above the behaviour layer.
    return _moto.installed_backends("bedrock-runtime")[account_id]


def _every_region(value: Any) -> bool:
    return value == "*" or (isinstance(value, list) and "*" in value)


def _regions(value: Any, default: str, account_id: str) -> list[str]:
    """The regions ``regions: ...`` names: ``None`` is ``default``, ``"*"`` all of them."""
    backends = _backends_of(account_id)
    if value is None:
        return [default]
    if _every_region(value):
        return list(backends.regions)
    if not isinstance(value, list) or not value or not all(isinstance(r, str) and r for r in value):
        raise ConfigError(f"regions must be a list of region names, or '*'; got {value!r}")
    unknown = [region for region in value if region not in backends]
    if unknown:
        raise ConfigError(f"regions: unknown regions {unknown}")
    return list(dict.fromkeys(value))


def apply_config(
    config: Mapping[str, Any], account_id: str = DEFAULT_ACCOUNT_ID, region: str = "us-east-1"
) -> list[str]:
    """Apply ``config`` to the backends of the regions it names (default: ``region``).

    All or nothing: the document and its regions are checked before any backend changes.
    Returns the regions it was applied to.
    """
    return _apply(config, account_id, region)[0]


def _apply(config: Mapping[str, Any], account_id: str, region: str) -> tuple[list[str], list[str]]:
    """Check, then apply: the regions and the sections loaded."""
    staged = check_config(config)
    regions = _regions(config.get("regions"), region, account_id)
    backends = _backends_of(account_id)
    for name in regions:
        _commit(backends[name], staged)
    return regions, staged.sections


def reset_behaviour(backend: BedrockRuntimeBackend) -> None:
    """Every behaviour setting back to what a new backend has; the history stays."""
    from . import Behaviour

    with backend.lock:
        # The clock is shared with the control plane: kept, but back to real time.
        backend.behaviour = Behaviour(backend.behaviour.clock_source)
        backend.behaviour.clock.use_real()
        backend.stream_settings = StreamSettings()
        backend.clear_stream_faults()
        backend.validation = ValidationPolicy()
        backend.history.set_limits(HistoryLimits())
    # A server's --config file is part of what a new backend has.
    apply_startup_config(backend)


# -- files --------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """yaml.safe_load, but a key repeated in one mapping is an error, not "last wins"."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        problem = (
            "found an unhashable key"
            if not isinstance(key, Hashable)
            else f"found duplicate key {key!r}"
            if key in mapping
            else None
        )
        if problem is not None:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, problem, key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise ValueError(f"duplicate key {key!r}")
        mapping[key] = value
    return mapping


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            raise ConfigError(
                f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None
        except ValueError as error:  # a duplicate key
            raise ConfigError(f"{path}: {error}") from None
    try:
        # A SafeLoader subclass: only plain data, as yaml.safe_load builds.
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(f"{path}: {where}{error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: {error}") from None


def read_config_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A config document from a ``.yaml``/``.yml`` or ``.json`` file (not yet validated).

    An empty file is an empty document. Errors name the file, and the line for syntax.
    """
    path = Path(path)
    if path.suffix.lower() not in FILE_TYPES:
        raise ConfigError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
            f"use {', '.join(FILE_TYPES)}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise ConfigError(f"{path}: cannot read the file: {reason}") from None
    document = _parse(path, text)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(
            f"{path}: the top level must be a mapping of sections ({', '.join(KEYS)}); "
            f"got {type(document).__name__}"
        )
    return document


def write_config_file(path: str | os.PathLike[str], config: Mapping[str, Any]) -> None:
    """Write ``config`` as YAML or JSON, by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FILE_TYPES:
        raise ConfigError(f"{path}: unsupported file type {suffix!r}; use {', '.join(FILE_TYPES)}")
    if suffix == ".json":
        text = json.dumps(config, indent=2) + "\n"
    else:
        text = yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


# -- the server's startup config ----------------------------------------------------------


@dataclass(frozen=True)
class StartupConfig:
    """A document given on the server's command line, and the regions it applies to."""

    source: str
    config: dict[str, Any]
    regions: frozenset[str] | None
    """None: every region."""

    def applies_to(self, region: str) -> bool:
        return self.regions is None or region in self.regions


# Set once, when the server starts (``--config``); read whenever a backend is created.
# A tuple, replaced whole, so a backend created on another thread sees all or none of it.
_startup: tuple[StartupConfig, ...] = ()


def set_startup_configs(
    documents: Sequence[tuple[str, Mapping[str, Any]]], default_region: str
) -> list[StartupConfig]:
    """Validate ``(source, document)`` pairs and make them the startup config, in order.

    Raises ConfigError (prefixed with the source) and keeps the old ones if any is bad.
    """
    global _startup
    chosen = []
    for source, document in documents:
        try:
            check_config(document)
            regions = _regions(document.get("regions"), default_region, DEFAULT_ACCOUNT_ID)
        except ConfigError as error:
            raise ConfigError(f"{source}: {error}") from None
        every = _every_region(document.get("regions"))
        chosen.append(StartupConfig(source, dict(document), None if every else frozenset(regions)))
    _startup = tuple(chosen)
    return chosen


def startup_configs() -> tuple[StartupConfig, ...]:
    """The documents the server was started with (``--config``), in order."""
    return _startup


def apply_startup_config(backend: BedrockRuntimeBackend) -> None:
    """Apply the server's startup config to ``backend`` (nothing outside a server).

    Called when a backend is created, which includes every moto reset.
    """
    for startup in _startup:
        if startup.applies_to(backend.region_name):
            load_config(backend, startup.config)


# -- control operations -------------------------------------------------------------------


class ConfigControls(ControlBase):
    """Control operations for whole config documents."""

    @operation
    def load_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Apply a config document (sections as in a config file), all or nothing.

        Sections present replace those areas; absent ones are left alone. It applies to
        this control's region unless the document names ``regions`` (``"*"``: all).
        Returns ``{"regions": [...], "sections": [...]}``.
        """
        regions, sections = _apply(config, self.account_id, self.region)
        return {"regions": regions, "sections": sections}

    @operation
    def get_config(self) -> dict[str, Any]:
        """Every section of this region's current settings (``load_config`` takes it back)."""
        return dump_config(self._runtime)

    @operation
    def reset_behaviour(self) -> dict[str, Any]:
        """Every behaviour setting back to its default (the server's ``--config`` file
        included); the call history is kept. Returns the resulting config."""
        reset_behaviour(self._runtime)
        return self.get_config()

    def load_config_file(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Read a ``.yaml``/``.yml``/``.json`` config file here and apply it (both doors).

        Errors name the file. Returns what :meth:`load_config` returns.
        """
        config = read_config_file(path)
        try:
            return self.load_config(config=config)
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None

    def save_config_file(self, path: str | os.PathLike[str]) -> None:
        """Write this region's current config to a ``.yaml``/``.yml``/``.json`` file."""
        write_config_file(path, self.get_config())
