"""Deterministic, dependency-free embeddings that carry surface similarity.

Method (feature hashing, the "hashing trick"):

* a text is lower-cased and split into words (runs of Unicode letters, digits and ``_``)
  and single punctuation marks;
* each word is one feature (weight 1.0) and, for words, each character 3-gram of the word
  wrapped in boundary markers (``<cat>`` gives ``<ca``, ``cat``, ``at>``) is another; the
  3-grams of one word share a total L2 weight of 0.8 (each gets ``0.8 / sqrt(count)``), so
  a word counts more than its pieces, and a long word no more than a short one;
* every feature is hashed with BLAKE2b (never Python's ``hash()``, which is salted per
  process) to a 64-bit number that gives both an index (``h % dimensions``) and a ±1 sign;
* the signed weights are summed into the vector, which is then L2-normalized.

Texts that share words, or pieces of words (``embedding``/``embeddings``), therefore have
a higher cosine similarity than unrelated texts, and the same input gives bit-identical
vectors in every process, on every machine, whatever ``PYTHONHASHSEED`` is.

Limits: there are no semantics beyond shared surface forms. Synonyms are not close
("car" vs "automobile"), word order is ignored ("dog bites man" equals "man bites dog"),
unrelated texts still have small non-zero similarities from hash collisions and shared
function words, and vectors are sparse (a short text touches a few dozen of the
dimensions; the rest are exactly 0.0, which the binary forms read as 0 bits). A text
with no words (empty or blank) gets one fixed, dense unit vector. Images
(:func:`embed_bytes`) are hashed in fixed 256-byte blocks, so only byte-identical content
is similar: two photos of the same cat are as far apart as any two images.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from functools import lru_cache

__all__ = [
    "combine",
    "embed_bytes",
    "embed_text",
    "pack_bits",
    "scale",
    "to_bits",
    "to_int8",
    "to_uint8",
]

_WORD_WEIGHT = 1.0
# Total L2 weight of one word's 3-grams, spread evenly over them.
_PIECE_WEIGHT = 0.8
_NGRAM = 3
_BLOCK = 256
_SIGN_BIT = 1 << 63
_WORDS = re.compile(r"\w+|[^\w\s]")

# A hashed feature: (64-bit hash, weight). Index and sign are derived per dimension count.
_Feature = tuple[int, float]


def _hash64(data: bytes, person: bytes) -> int:
    """A stable 64-bit hash; ``person`` separates words, pieces and image blocks."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8, person=person).digest(), "little")


@lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[_Feature, ...]:
    """The word feature and its 3-gram pieces. Cached: vocabularies repeat a lot."""
    features = [(_hash64(word.encode(), b"word"), _WORD_WEIGHT)]
    if word[0].isalnum() or word[0] == "_":
        marked = f"<{word}>"
        grams = [marked[i : i + _NGRAM] for i in range(len(marked) - _NGRAM + 1)]
        weight = _PIECE_WEIGHT / math.sqrt(len(grams))
        features.extend((_hash64(g.encode(), b"piece"), weight) for g in grams)
    return tuple(features)


def _accumulate(features: Sequence[_Feature], vector: list[float]) -> None:
    dimensions = len(vector)
    for value, weight in features:
        vector[value % dimensions] += -weight if value & _SIGN_BIT else weight


def _normalized(vector: list[float]) -> list[float]:
    norm = math.sqrt(math.fsum(x * x for x in vector))
    return [x / norm for x in vector]


@lru_cache(maxsize=64)
def _fixed_vector(seed: bytes, dimensions: int) -> tuple[float, ...]:
    """A dense pseudo-random unit vector, the same for the same seed everywhere."""
    stream = hashlib.shake_256(seed).digest(2 * dimensions)
    raw = [int.from_bytes(stream[i : i + 2], "little") - 32767.5 for i in range(0, len(stream), 2)]
    return tuple(_normalized(raw))


def _check(dimensions: int) -> None:
    if dimensions < 1:
        raise ValueError(f"dimensions must be positive, got {dimensions}")


def embed_text(text: str, dimensions: int) -> list[float]:
    """A unit-length embedding of ``text`` (see the module docstring for the method)."""
    _check(dimensions)
    vector = [0.0] * dimensions
    found = False
    for match in _WORDS.finditer(text.lower()):
        _accumulate(_word_features(match.group()), vector)
        found = True
    if not found or not any(vector):
        # No words at all, or (vanishingly rare) features that cancelled out exactly.
        return list(_fixed_vector(b"moto-bedrock empty text", dimensions))
    return _normalized(vector)


def embed_bytes(data: bytes, dimensions: int) -> list[float]:
    """A unit-length embedding of binary content (an image), from 256-byte blocks."""
    _check(dimensions)
    vector = [0.0] * dimensions
    features = [(_hash64(data[i : i + _BLOCK], b"block"), 1.0) for i in range(0, len(data), _BLOCK)]
    _accumulate(features, vector)
    if not any(vector):
        return list(_fixed_vector(b"moto-bedrock empty bytes", dimensions))
    return _normalized(vector)


def combine(*vectors: Sequence[float]) -> list[float]:
    """The normalized sum of unit vectors (e.g. a caption and its image)."""
    total = [math.fsum(values) for values in zip(*vectors, strict=True)]
    if not any(total):
        return list(_fixed_vector(b"moto-bedrock empty combination", len(total)))
    return _normalized(total)


def scale(vector: Sequence[float], factor: float) -> list[float]:
    """``vector`` multiplied by ``factor`` (for un-normalized outputs)."""
    return [x * factor for x in vector]


def to_bits(vector: Sequence[float]) -> list[int]:
    """One 0/1 value per dimension: 1 where the component is positive (Titan ``binary``)."""
    return [1 if x > 0 else 0 for x in vector]


def _unit_scale(vector: Sequence[float]) -> float:
    # Scale by the largest magnitude so the quantized values use the whole range.
    largest = max((abs(x) for x in vector), default=0.0)
    return 1.0 / largest if largest else 0.0


def to_int8(vector: Sequence[float]) -> list[int]:
    """Symmetric scalar quantization to [-127, 127] (within int8's [-128, 127])."""
    factor = 127.0 * _unit_scale(vector)
    return [round(x * factor) for x in vector]


def to_uint8(vector: Sequence[float]) -> list[int]:
    """Scalar quantization to [0, 255], with 0.0 mapped to the middle of the range."""
    factor = _unit_scale(vector)
    return [min(255, max(0, round((x * factor + 1.0) * 127.5))) for x in vector]


def pack_bits(vector: Sequence[float], signed: bool) -> list[int]:
    """Sign bits packed 8 to a byte, most significant first (``len(vector) / 8`` values).

    Unsigned gives bytes in [0, 255] (Cohere ``ubinary``); signed subtracts 128, giving
    [-128, 127] (Cohere ``binary``, the convention sentence-transformers also uses).
    A trailing partial byte is padded with zero bits.
    """
    bits = to_bits(vector)
    offset = 128 if signed else 0
    packed = []
    for start in range(0, len(bits), 8):
        byte = 0
        for position, bit in enumerate(bits[start : start + 8]):
            byte |= bit << (7 - position)
        packed.append(byte - offset)
    return packed
