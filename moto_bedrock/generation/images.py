"""Image work shared by the image codecs (their request checks are in :mod:`.codecs._schema`).

* :func:`png` draws a deterministic placeholder picture (horizontal bands, each a shifted
  colour gradient) and encodes it as an 8-bit RGB PNG using only ``zlib`` and ``struct``;
* :func:`image_size` reads the width and height of a PNG or JPEG input image.

Why a hand-written DEFLATE encoder: ``zlib.compress`` output depends on the zlib build
(zlib-ng, Intel or Cloudflare forks produce different bytes), so identical requests would
give different PNG bytes on different machines. The picture is made of a few distinct rows,
each repeated many times, so a fixed-Huffman stream of "literal row, then one overlapping
back-reference for its repeats" is both tiny to write and small on the wire.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib

__all__ = ["image_size", "png"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The widest row a DEFLATE back-reference can repeat (maximum distance 32768 bytes).
_MAX_DISTANCE = 32768
# Gradient levels per channel: each channel owns 85 byte codes (0-84, 85-169, 170-254), so a
# single ``bytes.translate`` table can colour all three channels of a row at C speed.
_LEVELS = 85


# -- PNG --------------------------------------------------------------------------------


def png(width: int, height: int, seed: int, prompt: str) -> bytes:
    """A valid ``width`` x ``height`` RGB PNG whose pixels depend only on (prompt, seed).

    The colours come from SHA-256 of the pair (never ``hash()``, which is salted per
    process), and the encoder is pure Python, so the bytes are the same everywhere.
    """
    if not (isinstance(width, int) and isinstance(height, int)) or width < 1 or height < 1:
        raise ValueError(f"invalid PNG size {width!r}x{height!r}")
    digest = hashlib.sha256(json.dumps([seed, prompt]).encode()).digest()
    rows = _picture(width, height, digest)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"".join(
        (
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", _zlib_stream(rows)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _picture(width: int, height: int, digest: bytes) -> list[tuple[bytes, int]]:
    """The scanlines as (filtered row, repeat count) pairs, top to bottom."""
    bands = min(height, 4 + digest[0] % 13)
    # 7 bytes a band: two RGB end colours and a phase shift.
    stream = hashlib.shake_256(digest).digest(7 * bands)
    span = max(1, width - 1)
    levels = bytes(x * (_LEVELS - 1) // span for x in range(width))
    codes = bytearray(3 * width)  # R, G and B codes interleaved pixel by pixel
    for channel in range(3):
        codes[channel::3] = bytes(level + channel * _LEVELS for level in levels)
    rows: list[tuple[bytes, int]] = []
    for band in range(bands):
        start = 7 * band
        c0, c1 = stream[start : start + 3], stream[start + 3 : start + 6]
        table = bytearray(256)
        for channel in range(3):
            low, high = c0[channel], c1[channel]
            for level in range(_LEVELS):
                table[channel * _LEVELS + level] = low + (high - low) * level // (_LEVELS - 1)
        shift = 3 * (stream[start + 6] * width // 256)
        shifted = codes[shift:] + codes[:shift]
        repeat = (band + 1) * height // bands - band * height // bands
        # Filter type 0 (None) keeps identical pixel rows identical on the wire.
        rows.append((b"\x00" + shifted.translate(table), repeat))
    return rows


# DEFLATE with the fixed Huffman code (RFC 1951 §3.2.6), written as a string of "0"/"1" in
# stream order and packed once at the end: string building and int(…, 2) run at C speed.
def _huffman(code: int, bits: int) -> str:
    return format(code, f"0{bits}b")  # Huffman codes go most-significant bit first


def _extra(value: int, bits: int) -> str:
    return format(value, f"0{bits}b")[::-1] if bits else ""  # extra bits go LSB first


_LITERALS = [_huffman(0x30 + v, 8) if v < 144 else _huffman(0x190 + v - 144, 9) for v in range(256)]
_END_OF_BLOCK = _huffman(0, 7)
# Length symbols 257-285 and distance symbols 0-29: smallest value and extra-bit count.
_LENGTH_BASES = (
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
)  # fmt: skip
_LENGTH_EXTRA = (
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
)  # fmt: skip
_DISTANCE_BASES = (
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
)  # fmt: skip
_DISTANCE_EXTRA = (
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
    9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
)  # fmt: skip


def _match(length: int, distance: int) -> str:
    """The bits of one back-reference: copy ``length`` (3-258) bytes from ``distance`` back."""
    index = max(i for i, base in enumerate(_LENGTH_BASES) if base <= length)
    symbol = 257 + index
    code = _huffman(symbol - 256, 7) if symbol < 280 else _huffman(0xC0 + symbol - 280, 8)
    bits = code + _extra(length - _LENGTH_BASES[index], _LENGTH_EXTRA[index])
    index = max(i for i, base in enumerate(_DISTANCE_BASES) if base <= distance)
    return (
        bits
        + _huffman(index, 5)
        + _extra(distance - _DISTANCE_BASES[index], _DISTANCE_EXTRA[index])
    )


def _copy(total: int, distance: int) -> str:
    """Back-references copying ``total`` bytes; overlapping copies repeat the last row."""
    full, rest = divmod(total, 258)
    tail: list[int] = []
    if rest in (1, 2) and full:  # a match is at least 3 long: borrow from a full one
        full, tail = full - 1, [258 + rest - 3, 3]
    elif rest:
        tail = [rest]
    return _match(258, distance) * full + "".join(_match(n, distance) for n in tail)


def _zlib_stream(rows: list[tuple[bytes, int]]) -> bytes:
    bits = ["110"]  # BFINAL=1, then BTYPE=01 (fixed Huffman), LSB first
    adler = 1
    for row, repeat in rows:
        literal = "".join(map(_LITERALS.__getitem__, row))
        if len(row) <= _MAX_DISTANCE:
            bits.append(literal)
            if repeat > 1 and (repeat - 1) * len(row) >= 3:
                bits.append(_copy((repeat - 1) * len(row), len(row)))
        else:
            bits.append(literal * repeat)
        for _ in range(repeat):
            adler = zlib.adler32(row, adler)
    bits.append(_END_OF_BLOCK)
    stream = "".join(bits)
    size = -(-len(stream) // 8)
    # Bit i of the stream is bit i % 8 of byte i // 8: reverse, read as one binary number.
    deflate = int(stream[::-1], 2).to_bytes(size, "little")
    # CMF 0x78 (deflate, 32K window), FLG 0x01 (no dictionary, check bits valid).
    return b"\x78\x01" + deflate + struct.pack(">I", adler)


# -- input images -----------------------------------------------------------------------

# JPEG start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image, or None if it is none of them (or
    is truncated)."""
    if data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return (width, height) if width and height else None
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return (width, height) if width and height else None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if not data.startswith(b"\xff\xd8"):
        return None
    offset = 2
    while offset + 9 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return (width, height) if width and height else None
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            offset += 2
            continue
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    # The first chunk carries the size: VP8 (lossy) in its frame header, VP8L (lossless) as
    # 14-bit fields less one, VP8X (extended) as 24-bit canvas fields less one.
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        size = (width & 0x3FFF, height & 0x3FFF)
    elif chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        (bits,) = struct.unpack("<I", data[21:25])
        size = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    elif chunk == b"VP8X" and len(data) >= 30:
        size = (
            int.from_bytes(data[24:27], "little") + 1,
            int.from_bytes(data[27:30], "little") + 1,
        )
    else:
        return None
    return size if size[0] and size[1] else None
