"""Tokens a model's prompt template adds around what the caller sent, per body family.

Real models wrap a conversation in a chat template (role headers, begin/end markers, the
assistant cue) and, when tools are offered, some add a tool-use system prompt of their own.
Bedrock's reported ``inputTokens`` include all of it: Claude reports about 8 input tokens
for "Hello", one of them for the word. These figures are fitted to public recordings of
real traffic (``docs/tokens.md`` lists each recording and how close we come):

* ``request`` — added once per call (template start, the first role header, the cue);
* ``message`` — added for each message after the first;
* ``system`` — added when a system prompt is present;
* ``tools`` — the tool-use prompt added when tools are offered with ``toolChoice`` auto (or
  none), and ``forced_tools`` with ``any`` or ``tool``;
* ``counting`` — what CountTokens reports on top of the usage an invocation would report;
* ``thinking`` — added when extended thinking is enabled with a budget;
* ``structured`` — the structured-output prompt added with ``outputConfig.textFormat``
  (the schema's own tokens are counted besides);
* ``text_scale`` — how many more tokens the model's tokenizer makes of the same text;
* ``pixel_images`` — whether images cost by their size (``generation.inference``) rather
  than a flat amount;
* ``no_reasoning`` — added when the caller does not ask for reasoning (Qwen3 closes an
  empty think block);
* ``per_tool`` — what each tool definition adds besides its words (its rendering);
* ``past_reasoning`` — whether the reasoning of assistant turns before the latest user
  text is read again (Claude up to 4.1, Qwen3 and DeepSeek drop it); ``think_tags`` —
  whether such a turn's text up to its last ``</think>`` is reasoning (DeepSeek, Qwen3);
* ``document`` — a document's wrapper (its name and format, as the model reads them);
* ``pdf_page`` — what each page of a PDF document in a message costs as an image (0: the
  PDF is read as its text only), ``pdf_text`` whether its text is counted besides;
* ``video`` — what a video costs (it is not decoded: a short clip's recorded cost).

A few models differ from their family's template (``MODEL_FRAMINGS``, by model-id prefix).

Families without a recording use the nearest template (marked in docs/tokens.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Framing", "framing_for", "framing_tokens"]


@dataclass(frozen=True)
class Framing:
    request: int = 0
    message: int = 0
    system: int = 0
    tools: int = 0
    forced_tools: int = 0
    counting: int = 0
    thinking: int = 0
    structured: int = 0
    text_scale: float = 1.0
    pixel_images: bool = False
    no_reasoning: int = 0
    per_tool: int = 0
    past_reasoning: bool = True
    think_tags: bool = False
    document: int = 10
    pdf_page: int = 0
    pdf_text: bool = True
    video: int = 2320


# Anthropic's tool-use system prompt: 346 tokens under auto/none and 313 under any/tool
# for Claude 3.5 and later (Anthropic's tool-use pricing table).
# Extended thinking with a budget adds about 28 (Sonnet 4 and 4.5 report 42 and 43 for a
# 7-token question that costs 14 without it: pydantic/pydantic-ai tests/models/cassettes/
# test_bedrock/test_bedrock_model_thinking_part_anthropic.yaml and ..._legacy.yaml);
# adaptive thinking adds nothing (..._anthropic_adaptive.yaml: 14).
#
# Claude up to 4.1 drops the thinking of earlier turns, except in the tool-use loop after the
# latest user text (Anthropic's extended-thinking guide): Claude 3.7 Sonnet reports 182 for a
# turn after a 280-token redacted thinking block, what the turn costs without it
# (pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
# test_bedrock_model_thinking_part_redacted.yaml), and 539 in a tool loop that keeps it
# (test_bedrock_anthropic_tool_with_thinking.yaml). Claude 4.5 and later keep it.
_CLAUDE = Framing(
    request=7,
    message=3,
    system=1,
    tools=346,
    forced_tools=313,
    thinking=28,
    pixel_images=True,
    past_reasoning=False,
)
# Claude 4.5 and later, as recorded on Bedrock (pydantic/pydantic-ai tests/models/cassettes/
# test_tool_choice_matrix/*-bedrock.yaml, Sonnet 4.5, 2026): one small tool and a short
# question report 572 input tokens under auto and 655 under any, about 190 and 300 more than
# the 346/313 of Anthropic's table. CountTokens reports 16 or 17 more than Converse usage
# for the same prompt (langchain-ai/langchain-aws libs/aws/tests/integration_tests/
# chat_models/test_bedrock_converse.py: 38 on Sonnet 4.5, 39 on Sonnet 4.6, for a system
# prompt and a question Converse bills at about 22; Claude 3.7 Sonnet counted 21 there).
# Native structured output adds about 105 besides its schema, read as JSON text (pydantic/
# pydantic-ai tests/models/bedrock/cassettes/test_native_output/*.yaml: 210 to 317 for short
# prompts; 94 to 113 besides prompt and schema in each).
# A PDF document in a message is read as page images besides its text: one page costs about
# 1,700 more than its text (…/test_multimodal_tool_returns/test_multimodal_tool_return_matrix[
# tool_return_content-binary-document-bedrock_claude].yaml: 2,242 where the text-only
# reading costs 648; …[tool_return_content-url-document-bedrock_claude].yaml: 3,310 for a
# page of dense text); inside a tool result only its wrapper counts (…[direct-binary-
# document-bedrock_claude].yaml and …[direct-url-document-…].yaml: 631 and 630 for those two
# PDFs). Claude 3.7 Sonnet reads a PDF as its text only
# (test_bedrock/test_bedrock_multiple_documents_in_history.yaml: 145 for two).
_CLAUDE_4_5 = replace(
    _CLAUDE,
    tools=530,
    forced_tools=610,
    counting=16,
    structured=105,
    past_reasoning=True,
    pdf_page=1700,
)
# Sonnet 4.6's CountTokens reports one more than Sonnet 4.5's for the same prompt (39 and
# 38 in langchain-aws's test above, before and after commit 6da32788 moved it to 4.6); no
# recording shows Opus 4.6, which keeps the 4.5 figure.
_SONNET_4_6 = replace(_CLAUDE_4_5, counting=17)
# Claude Opus 4.7 and later use a new tokenizer, which Anthropic says makes up to 1.35 times
# the tokens of the same text; Sonnet 5 reports 16 for "I'm Pickle Rick" where Sonnet 4.5
# reported 12 (langchain-ai/langchain-aws libs/aws/tests/integration_tests/chat_models/
# test_bedrock.py, commit 6da32788).
_CLAUDE_5 = replace(_CLAUDE_4_5, text_scale=1.35)
# Nova 1 prompts carry no document wrapper (…/test_bedrock/test_text_as_binary_content_input
# .yaml: 21, the words alone), and its tool prompt is about 360 plus 25 a tool besides the
# tool's words (nine recordings of one or two tools: pydantic/pydantic-ai test_bedrock/
# test_bedrock_model_retry.yaml, …_iter_stream.yaml, …_structured_output.yaml; Arize-ai/
# openinference python/…/cassettes/TestNovaInvokeModel.test_nova_with_tool_use.yaml), about
# 395 under toolChoice any (…_structured_output.yaml). A short video costs about
# 2,320 on Nova Pro (test_bedrock/test_bedrock_cache_messages_with_video_as_last_content.yaml:
# a 1.3 s clip).
_NOVA = Framing(
    request=0, message=2, tools=360, forced_tools=395, per_tool=25, document=0, video=2320
)
# Nova 2's tool prompt is about twice Nova 1's: one small tool and a short question report
# 901 on Nova 2 Lite (pydantic/pydantic-ai tests/models/cassettes/test_multimodal_tool_returns/
# test_multimodal_tool_return_matrix[*-bedrock_nova].yaml, first calls), 571 with two tools on
# Nova Micro (test_bedrock/test_bedrock_model_structured_output.yaml).
# A PDF document costs about 2,590 a page whatever its text (a one-page A4 PDF with one
# line and a US-letter page of dense text both: …[tool_return_content-binary-document-
# bedrock_nova].yaml 3,529 and …[tool_return_content-url-document-bedrock_nova].yaml 3,514),
# and a short video about 1,720 (…-video-bedrock_nova].yaml: 1,830 for a 1.3 s 720p clip,
# 1,600 for a 10 s 320x176 one).
_NOVA_2 = replace(
    _NOVA,
    tools=870,
    forced_tools=870,
    per_tool=0,
    pixel_images=True,
    pdf_page=2590,
    pdf_text=False,
    video=1720,
)
# Llama 3 and Mistral 7B report 23 and 18 for a 9-token question through Converse
# (Arize-ai/openinference js/packages/openinference-instrumentation-bedrock/test/recordings/
# should-handle-meta-llama-models.json and should-handle-mistral-models.json); a bare Llama
# prompt through InvokeModel counts only itself (should-handle-meta-llama-models-invoke.json).
# With tools, Llama 4 Maverick reports about 115 more and Pixtral Large about 40 more
# (pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
# test_bedrock_media_kind_delivered_in_tool_result[meta_image].yaml and [mistral_document]).
_LLAMA = Framing(request=14, message=5, system=4, tools=115, forced_tools=115)
_MISTRAL = Framing(request=2, message=2)
_CHATML = Framing(request=11, message=5, system=3)
# Qwen3 closes an empty think block (4 tokens) unless reasoning_config asks it to reason: 19
# for a 7-token question, 15 with reasoning_config (pydantic/pydantic-ai tests/models/
# cassettes/test_bedrock/test_bedrock_thinking_false_qwen_variant_silent_drop.yaml and
# ..._thinking_high_qwen_variant.yaml). Its template, like DeepSeek R1's, keeps only what
# follows "</think>" in earlier assistant turns: 39 for a next turn whose history holds a
# 55-token think block (..._thinking_high_qwen_variant.yaml), 33 on DeepSeek R1 for one
# holding a 400-token answer and think block (test_bedrock_model_thinking_part_deepseek.yaml).
_QWEN = replace(_CHATML, request=8, no_reasoning=4, past_reasoning=False, think_tags=True)
_DEEPSEEK = Framing(request=4, message=2, past_reasoning=False, think_tags=True)
# Open-weight models served through the OpenAI chat format use their own chat templates,
# fitted to one recording each (pydantic/pydantic-ai tests/models/bedrock/cassettes/
# test_native_output/test_bedrock_native_output_{google,minimax,nvidia}.yaml and tests/models/
# cassettes/test_bedrock/test_bedrock_zai_native_output.yaml, test_bedrock_moonshotai_tool_call
# .yaml): Gemma 3 27 for a 19-token question, MiniMax M2 40, Nemotron Nano 2 33, GLM 4.7 21
# for a 12-token prompt with a system prompt, Kimi K2 Thinking 92 for a 48-token prompt with
# one tool (its tool declaration is JSON: about 33 besides the tool's words).
_GEMMA = Framing(request=9, message=5, system=1)
_MINIMAX = Framing(request=21, message=4)
_NEMOTRON = Framing(request=14, message=4)
_GLM = Framing(request=7, message=2, system=2)
_KIMI = Framing(request=7, message=4, system=4, tools=33, forced_tools=33)
# gpt-oss wraps every request in its harmony system header (model identity, dates,
# reasoning level, channels): about 67 tokens.
_HARMONY = Framing(request=67, message=4, system=4)

FRAMINGS: dict[str, Framing] = {
    "anthropic": _CLAUDE,
    "anthropic-text": Framing(request=4, message=3),
    "nova": _NOVA,
    "llama": _LLAMA,
    "mistral": Framing(request=9, message=8),
    "mistral-chat": replace(_MISTRAL, tools=40, forced_tools=40),
    "mistral_chat_v2": _MISTRAL,
    "voxtral": _MISTRAL,
    "qwen": _QWEN,
    "deepseek": _DEEPSEEK,
    "deepseek_v3": _DEEPSEEK,
    # Other models in the OpenAI chat format without a recording: a ChatML-like estimate.
    "openai_chat": _CHATML,
    # Palmyra X4's tool prompt: 88 for a 30-token conversation of five turns with one tool
    # (pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
    # test_bedrock_writer_tool_result_followed_by_text_accepted.yaml).
    "writer": replace(_CHATML, tools=27, forced_tools=27),
    "cohere-command-r": Framing(request=8, message=3, system=3),
    "ai21-jamba": Framing(request=6, message=3, system=3),
}

#: Models whose template differs from their family's, by foundation-model id prefix.
MODEL_FRAMINGS: dict[str, Framing] = {
    **{
        prefix: _CLAUDE_4_5
        for prefix in (
            "anthropic.claude-haiku-4-5",
            "anthropic.claude-sonnet-4-5",
            "anthropic.claude-opus-4-5",
            "anthropic.claude-opus-4-6",
        )
    },
    "anthropic.claude-sonnet-4-6": _SONNET_4_6,
    "amazon.nova-2-lite": _NOVA_2,
    "amazon.nova-2-pro": _NOVA_2,
    # Claude 3 Sonnet's tool prompt on Bedrock: 435 and 364 for one and two tools and short
    # prompts (Arize-ai/openinference js/packages/openinference-instrumentation-bedrock/test/
    # recordings/should-handle-multiple-tools-in-single-request.json and
    # should-handle-tool-result-responses.json), about 280 besides the tools' words.
    "anthropic.claude-3-sonnet": replace(_CLAUDE, tools=280, forced_tools=280),
    "openai.gpt-oss": _HARMONY,
    "google.gemma": _GEMMA,
    "minimax.": _MINIMAX,
    "nvidia.nemotron": _NEMOTRON,
    "zai.glm": _GLM,
    "moonshot.kimi": _KIMI,
    **{
        prefix: _CLAUDE_5
        for prefix in (
            "anthropic.claude-opus-4-7",
            "anthropic.claude-sonnet-5",
            "anthropic.claude-opus-5",
            "anthropic.claude-fable-5",
        )
    },
}

_NONE = Framing()


def framing_for(family: str, model_id: str = "") -> Framing:
    """The template overhead of a model (its family's; none for families not listed)."""
    for prefix, framing in MODEL_FRAMINGS.items():
        if model_id.startswith(prefix):
            return framing
    return FRAMINGS.get(family, _NONE)


def framing_tokens(
    family: str,
    messages: int,
    has_system: bool,
    tool_config: dict[str, Any] | None,
    model_id: str = "",
) -> int:
    """Template tokens for a call with ``messages`` messages."""
    framing = framing_for(family, model_id)
    total = framing.request + framing.message * max(0, messages - 1)
    if has_system:
        total += framing.system
    tools = [t for t in (tool_config or {}).get("tools") or [] if "toolSpec" in t]
    if tools:
        choice = (tool_config or {}).get("toolChoice") or {}
        forced = isinstance(choice, dict) and ("any" in choice or "tool" in choice)
        total += framing.forced_tools if forced else framing.tools
        total += framing.per_tool * len(tools)
    return total
