"""Cost of one guardrail evaluation: 10,000 characters, every policy enabled, in-process.

    python benchmarks/bench_guardrails.py [--runs N]

The guardrail has a denied topic, all six content filters at HIGH, custom words and the
managed profanity list, every PII type moto-bedrock detects (ANONYMIZE) plus a custom
regex, and both contextual-grounding filters; the text is prose with an e-mail address, a
phone number and a card number in every 1,000 characters (``--dense`` puts three in every
140 characters: 200 findings). It times the evaluation engine directly
(``Guardrail.evaluate``), the work ApplyGuardrail and a guarded Converse add to a call, and
prints the median and the fastest run, in wall time and in this thread's CPU time (on a
shared machine the CPU time is what the evaluation itself costs; wall time adds waiting
for a core). The target is under 5 ms. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from moto_bedrock.generation.guardrails import Block, Guardrail
from moto_bedrock.generation.guardrails.pii import DETECTED_TYPES

TARGET_MS = 5.0
FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT", "PROMPT_ATTACK")

CONFIG = {
    "blockedInputMessaging": "Blocked.",
    "blockedOutputsMessaging": "Blocked.",
    "topicPolicy": {
        "topics": [
            {
                "name": "Investment advice",
                "definition": "Recommendations about investing money in stocks, bonds or funds.",
                "examples": ["Which stocks should I buy?", "Is gold a good investment?"],
                "type": "DENY",
            }
        ]
    },
    "contentPolicy": {
        "filters": [
            {
                "type": kind,
                "inputStrength": "HIGH",
                "outputStrength": "NONE" if kind == "PROMPT_ATTACK" else "HIGH",
            }
            for kind in FILTERS
        ]
    },
    "wordPolicy": {
        "words": [{"text": "competitor"}, {"text": "secret project"}],
        "managedWordLists": [{"type": "PROFANITY"}],
    },
    "sensitiveInformationPolicy": {
        "piiEntities": [{"type": t, "action": "ANONYMIZE"} for t in sorted(DETECTED_TYPES)],
        "regexes": [{"name": "booking", "pattern": r"BK-\d{6}", "action": "ANONYMIZE"}],
    },
    "contextualGroundingPolicy": {
        "filters": [
            {"type": "GROUNDING", "threshold": 0.5},
            {"type": "RELEVANCE", "threshold": 0.5},
        ]
    },
}

PROSE = (
    "Our support team answers questions about orders, deliveries and returns every day of "
    "the week. Most questions are about where a parcel is, how long a refund takes, or how "
    "to change the address on an order that has not shipped yet. We keep the answers short "
    "and point to the help pages where the details live, so that customers can find them "
    "again later without waiting for us. "
)
PARAGRAPH = (
    PROSE * 2 + "You can reach Jane at jane.doe@example.com or (555) 123-4567 about the card "
    "4111 1111 1111 1111. "
)
# Ten paragraphs of about 1,000 characters, each with three PII values: 30 findings.
TEXT = (PARAGRAPH * (10_000 // len(PARAGRAPH) + 1))[:10_000]
CONTEXT = [
    Block("Orders are answered by the support team.", ("grounding_source",)),
    Block("Who answers questions about orders?", ("query",)),
]
BLOCKS = [Block(TEXT), *CONTEXT]
DENSE_SENTENCE = (
    "Our support team answers questions about orders, and you can reach Jane at "
    "jane.doe@example.com or (555) 123-4567 about the card 4111 1111 1111 1111. "
)
DENSE = [Block((DENSE_SENTENCE * 80)[:10_000]), *CONTEXT]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dense", action="store_true")
    args = parser.parse_args()
    blocks = DENSE if args.dense else BLOCKS
    engine = Guardrail(CONFIG)
    engine.evaluate("OUTPUT", blocks)  # warm up: compiled patterns, stem cache
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(args.runs):
        began, began_cpu = time.perf_counter(), time.thread_time()
        evaluation = engine.evaluate("OUTPUT", blocks)
        cpu.append((time.thread_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    findings = len(evaluation.summary()["findings"])
    print(
        f"{len(blocks[0].text):,} characters, every policy, {findings} findings, {args.runs} runs"
    )
    for name, timings in (("wall", wall), ("cpu", cpu)):
        median, fastest = statistics.median(timings), min(timings)
        print(f"{name}: median {median:.2f} ms, fastest {fastest:.2f} ms (target < {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
