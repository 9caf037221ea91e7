"""TwelveLabs' ``mediaSource``: ``{"base64String": …}`` or ``{"s3Location": {"uri", "bucketOwner"?}}``."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from . import malformed
from ._schema import check_keys, check_type

__all__ = ["media_source"]


def media_source(value: Any, where: str) -> tuple[bytes | None, dict[str, Any] | None]:
    """(inline bytes, S3 location): exactly one of the two is set."""
    check_type(value, "JSONObject", where)
    check_keys(value, where, (), ("base64String", "s3Location"))
    if ("base64String" in value) == ("s3Location" in value):
        # The everit oneOf wording, as for other "exactly one of" bodies.
        count = 2 if value else 0
        raise malformed(f"{where}: #: {count} subschemas matched instead of one")
    if "base64String" in value:
        check_type(value["base64String"], "String", f"{where}/base64String")
        try:
            return base64.b64decode(value["base64String"], validate=True), None
        except (binascii.Error, ValueError):
            raise malformed(f"{where}/base64String: expected base64 data") from None
    location = value["s3Location"]
    check_type(location, "JSONObject", f"{where}/s3Location")
    check_keys(location, f"{where}/s3Location", ("uri",), ("uri", "bucketOwner"))
    check_type(location["uri"], "String", f"{where}/s3Location/uri")
    return None, dict(location)
