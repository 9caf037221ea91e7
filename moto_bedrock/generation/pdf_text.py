"""Best-effort text of a PDF, enough to quote it: the strings its pages show.

Flate-compressed and plain content streams are read; text is what the ``Tj``, ``TJ``, ``'``
and ``"`` operators show from literal strings, with a space where a ``TJ`` kerning gap is
wide enough to be one. Fonts with custom encodings (hex glyph ids) give no text, and the
result is then None. Only streams holding a text object (``BT`` and ``Tj``/``TJ``) are read.
Work is bounded: at most :data:`MAX_INFLATED` bytes are inflated, :data:`MAX_SCANNED` bytes
of text streams read and :data:`MAX_TOKENS` tokens taken in all, and :data:`MAX_CHARS`
characters kept.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["MAX_CHARS", "MAX_INFLATED", "MAX_SCANNED", "MAX_TOKENS", "pdf_text"]

MAX_INFLATED = 8 * 1024 * 1024
MAX_CHARS = 4_000
MAX_TOKENS = 50_000
MAX_SCANNED = 512 * 1024
#: A ``TJ`` adjustment this far left (thousandths of an em) reads as a word space.
_SPACE_GAP = -150

#: Literal strings (at most 2,000 characters a token; an unclosed one ends there, so the
#: scan never goes back), numbers,
#: array brackets and the text-showing operators, in order.
_TOKEN = re.compile(rb"\((?:[^)\\]|\\.){0,2000}+\)?|-?\d+(?:\.\d+)?|\[|\]|TJ|Tj|'|\"", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
#: PDFDocEncoding's punctuation in 0x80-0x9F (ISO 32000-1, Annex D); the rest is Latin-1.
_PDFDOC = str.maketrans(
    {"\x84": "\u2014", "\x85": "\u2013", "\x8d": "\u201c", "\x8e": "\u201d", "\x8f": "\u2018"}
    | {"\x90": "\u2019", "\x93": "fi", "\x94": "fl"}
)


def _unescape(raw: bytes) -> str:
    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code.isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, b"" if code in b"\r\n" else code)

    data = _ESCAPE.sub(one, raw) if b"\\" in raw else raw
    return data.decode("latin-1").translate(_PDFDOC)


def _shown(content: bytes, budget: list[int]) -> list[str]:
    """The strings ``content`` shows; ``budget[0]`` (tokens left) is spent as it reads."""
    shown: list[str] = []
    operand: str | None = None  # a string or array directly before the current token
    array: list[str] | None = None  # the array being read
    previous_end = -1
    for match in _TOKEN.finditer(content):
        budget[0] -= 1
        if budget[0] < 0:
            break
        token = match.group()
        adjacent = not content[previous_end : match.start()].strip()
        previous_end = match.end()
        if token.startswith(b"("):
            text = _unescape(token[1:-1] if token.endswith(b")") else token[1:])
            if array is not None:
                array.append(text)
            operand = text if array is None else None
        elif token == b"[":
            array, operand = [], None
        elif token == b"]":
            operand, array = ("".join(array) if array is not None else None), None
        elif token in (b"TJ", b"Tj", b"'", b'"'):
            if operand is not None and adjacent:
                shown.append(operand)
            operand = None
        elif array is not None:
            if float(token) <= _SPACE_GAP:
                array.append(" ")
        else:
            operand = None
    return shown


def _streams(data: bytes) -> list[bytes]:
    """The bodies between ``stream`` and ``endstream``, found in one pass."""
    bodies, position = [], 0
    while (start := data.find(b"stream", position)) != -1:
        body = start + len(b"stream")
        body += 2 if data.startswith(b"\r\n", body) else 1 if data.startswith(b"\n", body) else 0
        end = data.find(b"endstream", body)
        if end == -1:
            break
        bodies.append(data[body:end])
        position = end + len(b"endstream")
    return bodies


def pdf_text(data: bytes) -> str | None:
    """The text ``data`` (a PDF) shows, spaces collapsed; None when none can be read."""
    if not data.startswith(b"%PDF"):
        return None
    budget, kept, tokens, scanned = MAX_INFLATED, 0, [MAX_TOKENS], MAX_SCANNED
    pieces: list[str] = []
    for raw in _streams(data):
        if budget <= 0 or kept > MAX_CHARS or tokens[0] <= 0:
            break
        try:
            inflater = zlib.decompressobj()
            content = inflater.decompress(raw, budget)
        except zlib.error:
            content = raw  # an uncompressed stream (or one we cannot read)
        budget -= len(content)
        if b"BT" not in content or (b"Tj" not in content and b"TJ" not in content):
            continue  # fonts, images, metadata
        if scanned <= 0:
            break
        content, scanned = content[:scanned], scanned - len(content)
        shown = _shown(content, tokens)
        kept += sum(len(piece) for piece in shown)
        pieces.extend(shown)
    text = " ".join(" ".join(pieces).split())
    readable = sum(ch.isalpha() for ch in text)
    return text[:MAX_CHARS] if readable >= 20 else None
