"""``GET /moto-api/bedrock/``: what the server holds, in one JSON document.

For a person with a browser or ``curl``: the version, the regions that have state (per
account, with the size of their call history), the catalog's size and the config files
the server was started with.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .. import _moto
from ..catalog import load_catalog
from .config import startup_configs

__all__ = ["server_summary"]


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def server_summary(operations: tuple[str, ...]) -> dict[str, Any]:
    """The summary document; ``operations`` are the control operations offered."""
    accounts: dict[str, dict[str, Any]] = {}
    for account_id, regions in _moto.installed_backends("bedrock-runtime").items():
        for region, backend in list(regions.items()):
            history = backend.history
            accounts.setdefault(account_id, {})[region] = {
                "history": {"calls": len(history.records()), "cap": history.cap},
            }
    catalog = load_catalog()
    return {
        "name": "moto-bedrock",
        # The package itself, imported before any of its modules (not an import cycle).
        "version": sys.modules["moto_bedrock"].__version__,
        "moto": _version("moto"),
        "accounts": accounts,
        "catalog": {
            "models": len(catalog.models),
            "default_regions": list(catalog.default_regions),
        },
        "startup_config": [
            {
                "source": startup.source,
                "sections": sorted(key for key in startup.config if key != "regions"),
                "regions": None if startup.regions is None else sorted(startup.regions),
            }
            for startup in startup_configs()
        ],
        "control": {
            "operations": list(operations),
            "read_only": [name for name in operations if name.startswith("get_")],
            "usage": "POST /moto-api/bedrock/<operation> with a JSON object body; "
            "GET works for the read-only ones (query: region, account_id)",
        },
    }
