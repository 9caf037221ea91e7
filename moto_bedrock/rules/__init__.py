"""Bedrock's request rules, each with a stable id, and the strict/lenient switch.

A rule is a function of the parsed :class:`~moto_bedrock.generation.responders.Invocation` that
returns Bedrock's error text when the request breaks it, or None. Rules run in the order
Bedrock checks them; the first violation is raised as a ValidationException. A rule id
listed as lenient (or ``"*"``) is not enforced: the request goes on and the call history
records which rules were waived, for users migrating code that real Bedrock would reject.

Shape validation and model-id resolution are not rules: they cannot be waived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..bedrockruntime.exceptions import RuleViolation
from ..generation.reasoning import thinking_violation
from ..generation.responders import Invocation
from ..wire.streaming import ConfigError
from . import capabilities, conversation, recorded

__all__ = ["JOB_RULES", "RULES", "RuleViolation", "ValidationPolicy", "enforce"]

Rule = Callable[[Invocation], str | None]


def _max_tokens(invocation: Invocation) -> str | None:
    limit = invocation.model.max_output_tokens
    requested = invocation.inference_config.get("maxTokens")
    if requested is None or limit is None or requested <= limit:
        return None
    return (
        f"The maximum tokens you requested exceeds the model limit of {limit}. "
        f"Try again with a maximum tokens value that is lower than {limit}."
    )


#: Every rule, by id, in the order Bedrock checks them: the conversation's structure and
#: content, then its tool blocks and toolConfig, then the model's capabilities, then limits.
#: Ids are stable: users name them in ``configure_validation(lenient=[...])``.
RULES: dict[str, Rule] = {
    # message roles: botocore's enum allows "system", Bedrock does not (recorded.py)
    "message-roles": recorded.message_role_violation,
    # conversation structure and content (conversation.py)
    "conversation": conversation.conversation_violation,
    "document-text": conversation.document_text_violation,
    "media-in-user-messages": conversation.media_role_violation,
    "image-count": conversation.image_count_violation,
    "image-size": conversation.image_size_violation,
    "document-count": conversation.document_count_violation,
    "document-size": conversation.document_size_violation,
    "tool-ids-unique": conversation.tool_ids_violation,
    "tool-results-missing": conversation.tool_results_missing_violation,
    "tool-results-extra": conversation.tool_results_extra_violation,
    "tool-turns-separate": recorded.turn_mixing_violation,
    "tool-error-content": recorded.empty_error_result_violation,
    "cache-point-placement": recorded.cache_point_placement_violation,
    "cache-point-prefix": recorded.cache_point_prefix_violation,
    # tools (conversation.py)
    "tool-config-required": conversation.tool_config_violation,
    "tool-names-unique": conversation.tool_names_violation,
    "tool-schema-keys": recorded.nova_tool_schema_violation,
    "tool-choice-known": conversation.tool_choice_known_violation,
    # model capabilities, from the catalog flags (capabilities.py)
    "tool-use": capabilities.tool_use_violation,
    "tool-use-streaming": capabilities.tool_use_streaming_violation,
    "tool-choice-any": capabilities.tool_choice_any_violation,
    "tool-choice-tool": capabilities.tool_choice_tool_violation,
    "system-prompt": capabilities.system_prompt_violation,
    "image-input": capabilities.image_input_violation,
    "document-input": capabilities.document_input_violation,
    "video-input": capabilities.video_input_violation,
    "s3-source": recorded.s3_source_violation,
    # Claude's extended-thinking settings (generation/reasoning.py)
    "thinking": thinking_violation,
    # limits
    "context-window": capabilities.context_window_violation,
    "max-tokens": _max_tokens,
}
CONVERSE_RULES = tuple(RULES)
NATIVE_RULES = ("thinking", "max-tokens")
#: Checks of batch jobs (``bedrock/batch.py``), waivable by id like the request rules: the
#: job's role must exist in moto's IAM; its input must hold Bedrock's minimum of records.
JOB_RULES = ("job-role", "batch-record-count")


@dataclass
class ValidationPolicy:
    """Which rules are waived: none by default (strict), some, or ``"*"`` for all."""

    lenient: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        known = {*RULES, *JOB_RULES}
        unknown = sorted(set(self.lenient) - known - {"*"})
        if unknown:
            raise ConfigError(f"unknown rules {unknown}; expected some of {sorted(known)} or '*'")

    def waives(self, rule: str) -> bool:
        return "*" in self.lenient or rule in self.lenient


def enforce(invocation: Invocation, rules: Iterable[str], policy: ValidationPolicy) -> list[str]:
    """Check ``rules`` in order; raise the first violation not waived; return those waived."""
    waived = []
    for rule in rules:
        message = RULES[rule](invocation)
        if message is None:
            continue
        if policy.waives(rule):
            waived.append(rule)
            continue
        raise RuleViolation(rule, message)
    return waived
