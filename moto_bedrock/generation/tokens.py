"""The one tokenizer approximation used everywhere: usage, truncation, stream chunking.

Real models use BPE vocabularies we cannot ship. This approximation is deterministic,
dependency-free and in the same range as BPE tokenizers for English prose (roughly 1.2 to
1.4 tokens a word). It is not any vendor's tokenizer:

* a token is a run of letters of at most 9 characters (a word of up to 9 letters is one
  token, a 12-letter word two), a run of at most 3 digits, or any other single non-space
  character;
* whitespace is glued to the front of the token that follows it, as BPE vocabularies do,
  so ``"".join(tokenize(text)) == text`` always holds;
* whitespace at the very end of a text is one more token.

With words of up to 9 letters as one token, counts of English prompts land within a few
percent of Claude's, Nova's and Mistral's tokenizers on the recordings in docs/tokens.md.
The tokens a model's chat template adds around a prompt are counted separately
(``generation.framing``).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["count_tokens", "tokenize", "truncate_tokens"]

# BPE vocabularies hold nearly every common English word of up to 9 letters whole
# ("knowledge", "countries"); longer ones are mostly two pieces.
_WORD_PIECE = 9
# A stretch of upper-case words (``YOU MUST ANSWER``): BPE vocabularies hold few
# upper-case pieces, so such text costs far more tokens than the same words in lower case.
_CAPITALS = r"[A-Z]{2,}(?![^\W\d_])(?: [A-Z]+(?![^\W\d_]))*"
_PIECES = re.compile(rf"\s*(?:(?P<caps>{_CAPITALS})|[^\W\d_]+|\d{{1,3}}|\S)|\s+")
#: Characters (spaces included) an upper-case stretch packs into its tokens: 4 and 3 in turn.
_CAPITAL_PIECES = (4, 3)
#: An upper-case word of up to this many letters on its own is one token (``API``, ``JSON``).
_ACRONYM = 4


#: Texts up to this length are tokenized once and remembered: one call counts its prompt,
#: cuts its reply and counts what it kept, often the same text more than once.
_REMEMBERED_LENGTH = 16_384


def tokenize(text: str) -> list[str]:
    """Split ``text`` into token strings whose concatenation is ``text``."""
    return list(_tokens(text))


def _tokens(text: str) -> tuple[str, ...]:
    if len(text) <= _REMEMBERED_LENGTH:
        return _remembered(text)
    return tuple(_split(text))


@lru_cache(maxsize=512)
def _remembered(text: str) -> tuple[str, ...]:
    return tuple(_split(text))


def _split(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _PIECES.finditer(text):
        piece = match.group()
        body = piece.lstrip()
        if match.group("caps") and len(body) > _ACRONYM:
            tokens.extend(_capitals(piece, len(piece) - len(body)))
            continue
        if len(body) <= _WORD_PIECE or not body.isalpha():
            tokens.append(piece)
            continue
        lead = piece[: len(piece) - len(body)]
        chunks = [body[i : i + _WORD_PIECE] for i in range(0, len(body), _WORD_PIECE)]
        chunks[0] = lead + chunks[0]
        tokens.extend(chunks)
    return tokens


def _capitals(piece: str, lead: int) -> list[str]:
    # The leading whitespace rides on the first piece, as with any token.
    chunks: list[str] = []
    start, turn = 0, 0
    while start < len(piece) - lead:
        end = start + _CAPITAL_PIECES[turn % 2]
        chunks.append(piece[lead + start : lead + end])
        start, turn = end, turn + 1
    chunks[0] = piece[:lead] + chunks[0]
    return chunks


def count_tokens(text: str) -> int:
    """Number of tokens in ``text`` under the approximation above."""
    return len(_tokens(text))


def truncate_tokens(text: str, limit: int) -> tuple[str, bool]:
    """The first ``limit`` tokens of ``text``, and whether anything was cut."""
    tokens = _tokens(text)
    if len(tokens) <= limit:
        return text, False
    return "".join(tokens[:limit]), True
