"""Resource ids, ARNs and timestamps, deterministic under moto's seeding and the clock.

Ids come from moto's own random source, which ``POST /moto-api/seed`` (or
``moto.moto_api._internal.mock_random.seed``) seeds, so the same seed and the same calls
give the same ids. Timestamps come from the behaviour clock: on a manual clock they are
``datetime.fromtimestamp(clock.now())``, so a test that fixes the clock gets fixed times.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone

from ..._moto import moto_random
from ...behaviour.clock import Clock

__all__ = ["new_id", "resource_arn", "timestamp"]

_ALPHABET = string.ascii_lowercase + string.digits


def new_id(length: int = 12, alphabet: str = _ALPHABET) -> str:
    """A lowercase alphanumeric id, the form Bedrock gives its resources (``[a-z0-9]{12}``)."""
    return "".join(moto_random.choice(alphabet) for _ in range(length))


def resource_arn(
    partition: str, region: str, account_id: str, resource_type: str, resource_id: str
) -> str:
    """``arn:<partition>:bedrock:<region>:<account>:<resource_type>/<resource_id>``."""
    return f"arn:{partition}:bedrock:{region}:{account_id}:{resource_type}/{resource_id}"


def timestamp(clock: Clock) -> datetime:
    """The clock's current time as an aware UTC datetime."""
    return datetime.fromtimestamp(clock.now(), tz=timezone.utc)
