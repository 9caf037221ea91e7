"""Best-effort text of a PDF, enough to quote it: the strings its pages show.

Flate-compressed and plain content streams are read; text is what the ``Tj``, ``TJ``, ``'``
and ``"`` operators show from literal strings, with a space where a ``TJ`` kerning gap is
wide enough to be one. Hex strings (glyph ids of embedded font subsets) are read through the
file's ``ToUnicode`` CMaps when every CMap in the file maps each code it shares with another
the same way (one font, or fonts that agree); otherwise they give no text, and a file with
no other text gives None. Only streams holding a text object (``BT`` and ``Tj``/``TJ``) are read.
Work is bounded: at most :data:`MAX_INFLATED` bytes are inflated, :data:`MAX_SCANNED` bytes
of text streams read and :data:`MAX_TOKENS` tokens taken in all, and :data:`MAX_CHARS`
characters kept. The last :data:`REMEMBERED` files' texts are remembered by digest: a
conversation re-sends its PDFs every turn, and one call reads a PDF both to count its tokens
and to cite it.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib

import regex

__all__ = ["MAX_CHARS", "MAX_INFLATED", "MAX_SCANNED", "MAX_TOKENS", "REMEMBERED", "pdf_text"]

MAX_INFLATED = 8 * 1024 * 1024
MAX_CHARS = 4_000
MAX_TOKENS = 50_000
MAX_SCANNED = 512 * 1024
REMEMBERED = 32
_TEXTS: dict[str, str | None] = {}
_LOCK = threading.Lock()
#: A ``TJ`` adjustment this far left (thousandths of an em) reads as a word space.
_SPACE_GAP = -150

#: Literal strings (at most 2,000 characters a token; an unclosed one ends there, so the
#: scan never goes back), hex strings, numbers, array brackets, the text-showing operators
#: and those that move to a new line or end a text object, in order. On the ``regex``
#: package: the stdlib's ``re`` knows possessive repeats only from Python 3.11.
_TOKEN = regex.compile(
    rb"\((?:[^)\\]|\\.){0,2000}+\)?|<[0-9A-Fa-f\s]{0,4000}+>|-?\d*\.?\d+|\[|\]|TJ|Tj|T[dD*]|ET|'|\"",
    regex.S,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
#: A CMap's ``bfchar`` pairs and ``bfrange`` triples (a range's target: a start or an array).
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]{0,20000}\])")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
#: At most this many codes a file's CMaps may map (a range can name 65,536 at once).
MAX_CODES = 70_000
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


def _utf16(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", "replace")


def _cmap(content: bytes, into: dict[bytes, str]) -> bool:
    """Add a ``ToUnicode`` CMap's codes to ``into``; False when one maps a code differently."""
    entries: list[tuple[bytes, str]] = []
    for block in _BFCHAR.findall(content):
        for code, target in _PAIR.findall(block):
            if len(into) + len(entries) >= MAX_CODES:
                break
            if len(code) % 2 == 0 and len(target) % 4 == 0:
                entries.append((bytes.fromhex(code.decode()), _utf16(target)))
    for block in _BFRANGE.findall(content):
        for low, high, target in _RANGE.findall(block):
            if len(low) % 2 or len(low) != len(high):
                continue
            first, last = int(low, 16), int(high, 16)
            if last < first or len(into) + len(entries) + last - first > MAX_CODES:
                continue
            width = len(low) // 2
            if target.startswith(b"["):
                targets = [_utf16(t) for t in _HEX.findall(target) if len(t) % 4 == 0]
            elif len(target) > 2 and len(target) % 4 == 2:
                start, size = int(target[1:-1], 16), (len(target) - 2) // 2
                targets = [
                    (start + i).to_bytes(size, "big").decode("utf-16-be", "replace")
                    for i in range(last - first + 1)
                    if start + i < 256**size
                ]
            else:
                continue
            for offset, text in enumerate(targets[: last - first + 1]):
                entries.append(((first + offset).to_bytes(width, "big"), text))
    return all(into.setdefault(code, text) == text for code, text in entries)


def _decode(hex_digits: bytes, cmap: dict[bytes, str] | None) -> str:
    """A hex string's text through ``cmap`` (codes of one or two bytes); "" if unmapped."""
    digits = "".join(hex_digits.decode().split())
    raw = bytes.fromhex(digits + "0" * (len(digits) % 2))  # an odd last digit means x0
    if not cmap or not raw:
        return ""
    width = len(next(iter(cmap)))
    if len(raw) % width:
        return ""
    codes = [raw[i : i + width] for i in range(0, len(raw), width)]
    if any(code not in cmap for code in codes):
        return ""
    return "".join(cmap[code] for code in codes)


def _shown(content: bytes, budget: list[int], cmap: dict[bytes, str] | None = None) -> list[str]:
    """The strings ``content`` shows; ``budget[0]`` (tokens left) is spent as it reads."""
    shown: list[str] = []
    operand: str | None = None  # a string or array directly before the current token
    array: list[str] | None = None  # the array being read
    previous_end = -1
    # Glyph-id text places each run with ``Td`` and carries its own spaces: runs on one
    # line join as they are; a new line (a vertical move, ``T*``, ``ET``) starts a word.
    glued, same_line, number = False, False, 0.0
    for match in _TOKEN.finditer(content):
        budget[0] -= 1
        if budget[0] < 0:
            break
        token = match.group()
        adjacent = not content[previous_end : match.start()].strip()
        previous_end = match.end()
        hex_string = token.startswith(b"<")
        if token.startswith((b"(", b"<")):
            if hex_string:
                glued = same_line and glued
                text = _decode(token[1:-1], cmap)
            else:
                glued = False  # literal strings keep a space between shows
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
                if glued and shown:
                    shown[-1] += operand
                else:
                    shown.append(operand)
            glued = same_line = operand is not None and token in (b"TJ", b"Tj")
            operand = None
        elif token in (b"Td", b"TD", b"T*", b"ET"):
            same_line = same_line and token in (b"Td", b"TD") and number == 0
            glued = glued and same_line
            operand = None
        elif array is not None:
            if float(token) <= _SPACE_GAP:
                array.append(" ")
        else:
            number = float(token)
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
    # By digest, not by the bytes, which could hold megabytes each.
    key = hashlib.sha256(data).hexdigest()
    with _LOCK:
        if key in _TEXTS:
            return _TEXTS[key]
    text = _read(data)
    with _LOCK:
        if len(_TEXTS) >= REMEMBERED:
            _TEXTS.pop(next(iter(_TEXTS)))
        _TEXTS[key] = text
    return text


def _read(data: bytes) -> str | None:
    budget, tokens, scanned = MAX_INFLATED, [MAX_TOKENS], MAX_SCANNED
    contents: list[bytes] = []
    cmap: dict[bytes, str] | None = {}
    for raw in _streams(data):
        if budget <= 0:
            break
        try:
            inflater = zlib.decompressobj()
            content = inflater.decompress(raw, budget)
        except zlib.error:
            content = raw  # an uncompressed stream (or one we cannot read)
        budget -= len(content)
        if b"begincmap" in content:
            # A ToUnicode CMap may follow the pages that use it: read them all first.
            if cmap is not None and not _cmap(content, cmap):
                cmap = None  # fonts disagree on a code: their hex strings stay unread
            continue
        if b"BT" not in content or (b"Tj" not in content and b"TJ" not in content):
            continue  # fonts, images, metadata
        if scanned <= 0:
            break
        contents.append(content[:scanned])
        scanned -= len(content)
    pieces: list[str] = []
    kept = 0  # characters in pieces, kept as they come (many tiny streams stay linear)
    for content in contents:
        if kept > MAX_CHARS or tokens[0] <= 0:
            break
        shown = _shown(content, tokens, cmap)
        pieces.extend(shown)
        kept += sum(len(piece) for piece in shown)
    text = " ".join(" ".join(pieces).split())
    readable = sum(ch.isalpha() for ch in text)
    # Literal strings in a custom encoding read as noise, so they need some length to count;
    # text decoded through a CMap is text whatever its length.
    decoded = bool(cmap) and any(b"<" in content for content in contents)
    return text[:MAX_CHARS] if readable >= 20 or (decoded and readable > 0) else None
