"""A Python view of the call history, with assertions for tests.

A :class:`HistoryView` holds the JSON form of some recorded calls (what
``get_call_history`` returns), so it is built the same way in-process and against a
server: ``control.history(**filters)``. Its assertions raise ``AssertionError`` with the
calls listed, one line each, so a failing test shows what the code under test really sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NoReturn, overload

from .history import CallFilter

__all__ = ["HistoryView"]

# How much of the last user text a formatted line shows.
SNIPPET = 40


class HistoryView:
    """Recorded calls (JSON dicts, oldest first) and assertions over them."""

    def __init__(self, calls: Iterable[Mapping[str, Any]], description: str = "") -> None:
        self.calls: list[dict[str, Any]] = [dict(call) for call in calls]
        self.description = description
        """The filters this view was selected with (for messages)."""

    # -- a sequence of calls ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.calls)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.calls)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self.calls[index]

    def __repr__(self) -> str:
        where = f" matching {self.description}" if self.description else ""
        return f"<HistoryView: {len(self.calls)} calls{where}>"

    @property
    def first(self) -> dict[str, Any]:
        """The oldest call; AssertionError when there is none."""
        self._need_calls()
        return self.calls[0]

    @property
    def last(self) -> dict[str, Any]:
        """The most recent call; AssertionError when there is none."""
        self._need_calls()
        return self.calls[-1]

    def _need_calls(self) -> None:
        # A readable failure beats the IndexError (or None) a test would trip over next.
        if not self.calls:
            where = f" matching {self.description}" if self.description else ""
            raise AssertionError(f"no Bedrock calls were recorded{where}")

    def filter(
        self,
        operation: str | None = None,
        model: str | None = None,
        source: str | None = None,
        error: bool | str | None = None,
        since: int | None = None,
        limit: int | None = None,
    ) -> HistoryView:
        """The calls that also match these filters (as ``get_call_history`` takes them)."""
        chosen = CallFilter(operation, model, source, error, since, limit)
        description = ", ".join(d for d in (self.description, chosen.describe()) if d)
        return HistoryView(chosen.select(self.calls), description)

    # -- assertions ---------------------------------------------------------------------

    def assert_called(self, times: int | None = None, **filters: Any) -> HistoryView:
        """At least one matching call, or exactly ``times``; returns the matches."""
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise TypeError(f"times must be an integer; got {times!r}")
        chosen = CallFilter.of(filters)
        matched = chosen.select(self.calls)
        if (times is None and matched) or len(matched) == times:
            return HistoryView(matched, chosen.describe())
        wanted = "at least one call" if times is None else _calls(times)
        where = f" matching {chosen.describe()}" if filters else ""
        self._fail(f"expected {wanted}{where}; got {len(matched)}")

    def assert_not_called(self, **filters: Any) -> None:
        """No call matches ``filters`` (no call at all, without filters)."""
        chosen = CallFilter.of(filters)
        matched = chosen.select(self.calls)
        if matched:
            where = f" matching {chosen.describe()}" if filters else ""
            self._fail(f"expected no calls{where}; got {len(matched)}", matched)

    def assert_called_with_model(self, model: str) -> HistoryView:
        """Some call used ``model`` (an id as sent or resolved, or a glob)."""
        return self.assert_called(model=model)

    def assert_sent_tool_result(
        self, name: str | None = None, tool_use_id: str | None = None
    ) -> HistoryView:
        """Some request sent a toolResult block (for ``tool_use_id``, for a tool ``name``).

        The tool's name is looked up from the toolUse block with the result's id, in any
        recorded request or reply. Returns the calls whose request holds a matching result.
        """
        names = self._tool_names()
        matched = []
        sent: list[str] = []
        for call in self.calls:
            found = False
            for result in _blocks(call, "toolResult"):
                result_id = str(result.get("toolUseId"))
                sent.append(f"{result_id} ({names.get(result_id, 'unknown tool')})")
                if tool_use_id is not None and result_id != tool_use_id:
                    continue
                if name is not None and names.get(result_id) != name:
                    continue
                found = True
            if found:
                matched.append(call)
        if matched:
            return HistoryView(matched, self.description)
        wanted = " and ".join(
            part
            for part in (
                f"tool {name!r}" if name is not None else "",
                f"toolUseId {tool_use_id!r}" if tool_use_id is not None else "",
            )
            if part
        )
        results = ", ".join(dict.fromkeys(sent)) or "none"
        self._fail(
            f"expected a request sending a toolResult{' for ' + wanted if wanted else ''}; "
            f"toolResults sent: {results}"
        )

    def _tool_names(self) -> dict[str, str]:
        """toolUseId -> tool name, from every toolUse in the requests and replies."""
        names: dict[str, str] = {}
        for call in self.calls:
            reply = [{"content": call.get("content") or []}]
            for tool_use in _blocks(call, "toolUse", extra=reply):
                if "toolUseId" in tool_use and "name" in tool_use:
                    names[tool_use["toolUseId"]] = tool_use["name"]
        return names

    def _fail(self, message: str, calls: list[dict[str, Any]] | None = None) -> NoReturn:
        shown = self.calls if calls is None else calls
        heading = "Matching calls" if calls is not None else "Recorded calls"
        where = f" matching {self.description}" if self.description and calls is None else ""
        raise AssertionError(
            f"{message}.\n{heading}{where} ({len(shown)}):\n{_format(shown, indent='  ')}"
        )

    # -- printing -----------------------------------------------------------------------

    def format(self) -> str:
        """One line per call: sequence, operation, model, source, stop reason or error."""
        return _format(self.calls)


def _calls(count: int) -> str:
    return f"{count} call" if count == 1 else f"{count} calls"


def _blocks(
    call: Mapping[str, Any], kind: str, extra: list[dict[str, Any]] | None = None
) -> Iterator[dict[str, Any]]:
    """The ``kind`` blocks (e.g. toolResult) in a call's request messages (and ``extra``)."""
    request = call.get("request") or {}
    for message in [*(request.get("messages") or []), *(extra or [])]:
        for block in message.get("content") or []:
            if isinstance(block, dict) and isinstance(block.get(kind), dict):
                yield block[kind]


def _format(calls: list[dict[str, Any]], indent: str = "") -> str:
    if not calls:
        return f"{indent}(no calls)"
    return "\n".join(indent + _line(call) for call in calls)


def _line(call: Mapping[str, Any]) -> str:
    parts = [f"#{call['sequence']}", call["operation"], call["model_id"]]
    resolved = call.get("resolved_model_id")
    if resolved and resolved != call["model_id"]:
        parts.append(f"-> {resolved}")
    if call.get("source"):
        parts.append(f"[{call['source']}]")
    error = call.get("error")
    if error:
        parts.append(f"{error['code']}: {error['message']}")
        if call.get("injected"):
            parts.append(f"(injected {call['injected']})")
    elif call.get("stop_reason"):
        parts.append(str(call["stop_reason"]))
    if call.get("stream_fault"):
        parts.append(f"stream fault {call['stream_fault']}")
    text = _last_user_text(call)
    if text is not None:
        snippet = text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
        parts.append(f"user: {snippet!r}")
    return " ".join(parts)


def _last_user_text(call: Mapping[str, Any]) -> str | None:
    request = call.get("request") or {}
    for message in reversed(request.get("messages") or []):
        if message.get("role") != "user":
            continue
        texts = [
            b["text"] for b in message.get("content") or [] if isinstance(b, dict) and "text" in b
        ]
        return " ".join(texts).replace("\n", " ") if texts else None
    return None
