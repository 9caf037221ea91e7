"""bedrock-agent-runtime's modeled errors, named like its botocore error shapes.

The module lives in ``moto_bedrock.bedrockagentruntime`` because moto derives an error's
service from its exception's module path (see ``_moto.py``).
"""

from __future__ import annotations

from ..bedrockruntime.exceptions import BedrockError


class ValidationException(BedrockError):
    code = "ValidationException"
