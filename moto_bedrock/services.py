"""Our services, put into moto: the one place that wires the backends and the control door.

It sits at the top of the import graph (it imports both backends and the control surface),
so :mod:`moto_bedrock._moto` — the seam into moto — can stay at the bottom.
"""

from __future__ import annotations

from . import _moto, bedrockagentruntime
from .bedrock.models import bedrock_backends
from .bedrockagentruntime.responses import BedrockAgentRuntimeResponse
from .bedrockruntime.models import bedrockruntime_backends
from .behaviour.control import http_control

__all__ = ["install", "is_installed"]


def install() -> None:
    """Have moto serve our ``bedrock`` and ``bedrock-runtime`` (idempotent)."""
    _moto.install(bedrock_backends, bedrockruntime_backends, http_control)
    # moto has no bedrock-agent-runtime package: ours stands in for it.
    _moto.serve_service(
        "bedrock-agent-runtime", bedrockagentruntime, BedrockAgentRuntimeResponse.claims
    )


def is_installed() -> bool:
    """Whether moto currently serves our backends for bedrock and bedrock-runtime."""
    return (
        _moto.installed_backends("bedrock") is bedrock_backends
        and _moto.installed_backends("bedrock-runtime") is bedrockruntime_backends
    )
