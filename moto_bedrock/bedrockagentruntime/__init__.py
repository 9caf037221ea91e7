"""The ``bedrock-agent-runtime`` service, for the operations moto lacks (Rerank).

moto imports ``moto.bedrockagentruntime`` and reads ``bedrockagentruntime_backends`` from it;
``_moto.serve_service`` registers this package under that name.
"""

from .models import bedrockagentruntime_backends

__all__ = ["bedrockagentruntime_backends"]
