"""One page of a listing, with Bedrock's ``nextToken``/``maxResults`` conventions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._moto import InvalidPageToken, Paginator
from .errors import ValidationException

__all__ = ["InvalidNextToken", "page"]


class InvalidNextToken(ValidationException):
    # Unverified text: Bedrock's wording for a forged or stale token was not observed.
    message = "The provided nextToken is not valid."


def page(
    items: Sequence[dict[str, Any]],
    max_results: int | None,
    next_token: str | None,
    unique: str | Sequence[str],
    default: int = 1000,
) -> tuple[list[dict[str, Any]], str | None]:
    """The page ``next_token`` points at (``max_results`` long) and the token after it.

    ``unique`` names the item key(s) a token remembers, so a token stays valid while
    other items are added or removed. A token not made by this listing is refused with
    a ValidationException.
    """
    try:
        paginator = Paginator(
            max_results=max_results,
            max_results_default=default,
            starting_token=next_token,
            unique_attribute=list(unique) if not isinstance(unique, str) else unique,
            param_values_to_check={},
            fail_on_invalid_token=True,
        )
        result, token = paginator.paginate(list(items))
    except InvalidPageToken:
        raise InvalidNextToken() from None
    return list(result), token
