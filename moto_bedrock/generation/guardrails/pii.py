"""Sensitive information: PII entity types found by pattern, and custom regexes.

Every built-in pattern has bounded repetition and no nested quantifiers, so it runs in time
linear in the text. Where a format has a check digit (card numbers and Canadian SINs: Luhn;
IBAN: ISO 7064 mod 97; US routing numbers: the ABA checksum; NHS numbers: mod 11; VINs: the
ISO 3779 check digit) a match must pass it. Formats that only a context word makes sensible
(a CVV, a PIN, a password, a bank account number) need that word just before the value, and
only the value is reported. Types that need a language model (``NAME``, ``ADDRESS``,
``DRIVER_ID``, ...) are approximated by the context patterns documented in
docs/guardrails.md; ``CA_HEALTH_NUMBER`` is never detected.

Custom regexes run on the ``regex`` package with a time limit, after patterns with nested
quantifiers are refused when the guardrail is created.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from .common import ASSESSED, Finding, Mask, setting

__all__ = [
    "DETECTED_TYPES",
    "PII_PATTERNS",
    "REGEX_TIMEOUT_SECONDS",
    "SensitivePolicy",
    "luhn",
    "unsafe_regex",
]

#: Wall-time limit for one custom regex over one block of text.
REGEX_TIMEOUT_SECONDS = 0.25


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of digits."""
    values = [int(c) for c in reversed(digits)]
    return (sum(values[0::2]) + sum(_DOUBLED[v] for v in values[1::2])) % 10 == 0


def _digits(text: str) -> str:
    return "".join(filter(str.isdigit, text))


def _card(match: str) -> bool:
    digits = _digits(match)
    return 13 <= len(digits) <= 19 and luhn(digits)


def _sin(match: str) -> bool:
    return luhn(_digits(match))


def _iban(match: str) -> bool:
    compact = match.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def _aba(match: str) -> bool:
    d = [int(c) for c in _digits(match)]
    if len(d) != 9:
        return False
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0


def _nhs(match: str) -> bool:
    d = [int(c) for c in _digits(match)]
    if len(d) != 10:
        return False
    check = 11 - sum(v * (10 - i) for i, v in enumerate(d[:9])) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == d[9]


_VIN_VALUES = {
    **{str(n): n for n in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _vin(match: str) -> bool:
    vin = match.upper()
    if not any(c.isdigit() for c in vin) or not any(c.isalpha() for c in vin):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == check


def _secret(match: str) -> bool:
    return (
        any(c.isupper() for c in match)
        and any(c.islower() for c in match)
        and any(c.isdigit() for c in match)
    )


def _ip(match: str) -> bool:
    if ":" in match:
        return True
    return all(int(part) <= 255 for part in match.split("."))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
#: Each character's shape: every digit becomes 0, every ASCII capital A, every small letter a.
_SHAPE = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "0" * 10 + "A" * 26 + "a" * 26,
)
#: Coarser shapes, so that runs are literals too: capitals and digits as X (VINs), and
#: every character of a secret key (letters, digits, ``/``, ``+``) as K.
_VIEWS = {
    "runs": str.maketrans(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "X" * 36 + "w" * 26
    ),
    "hex": str.maketrans("0123456789ABCDEFabcdef", "h" * 22),
    "keys": str.maketrans(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/+", "K" * 64
    ),
}
_WORDISH = frozenset("Aa0_")


@dataclass(frozen=True)
class _Pattern:
    """How one PII type is found.

    Python's regex engine skips quickly only to a literal, so most patterns run over the
    text's *shape* (digits as ``0``, capitals as ``A``, small letters as ``a``): a card
    number is ``0`` followed by more, an SSN ``000-00-0000``. A candidate must then match
    ``exact`` on the real text, and pass ``check``. ``not_after`` holds the shape characters
    that may not come just before a candidate. With ``context``, the value is only looked
    for just after the context words, found case-insensitively on the lower-cased text.
    ``needs`` is a lower-case word the text must contain for the pattern to be tried at all.
    """

    type: str
    shape: re.Pattern[str]
    exact: re.Pattern[str] | None = None
    check: Callable[[str], bool] | None = None
    not_after: frozenset[str] = _WORDISH
    context: re.Pattern[str] | None = None
    needs: tuple[str, ...] = ()
    view: str = ""
    """Run ``shape`` over this coarser view (:data:`_VIEWS`) rather than the shape."""

    def spans(
        self, text: str, lowered: str, shaped: str, views: Mapping[str, str]
    ) -> Iterator[tuple[int, int]]:
        if self.needs and not any(word in lowered for word in self.needs):
            return
        if self.context is not None:
            for gate in self.context.finditer(lowered):
                if gate.start() and shaped[gate.start() - 1] in _WORDISH:
                    continue
                match = self.shape.match(text, gate.end())
                if match is not None:
                    yield match.start(), match.end()
            return
        for candidate in self.shape.finditer(views[self.view] if self.view else shaped):
            start, end = candidate.span()
            if start and shaped[start - 1] in self.not_after:
                continue
            if self.exact is None:
                yield start, end
                continue
            match = self.exact.fullmatch(text, start, end)
            if match is not None:
                if "v" in match.re.groupindex:
                    yield match.start("v"), match.end("v")
                else:
                    yield start, end


def _p(
    type_: str,
    shape: str,
    exact: str | None = None,
    check: Callable[[str], bool] | None = None,
    not_after: str = "Aa0_",
    needs: tuple[str, ...] = (),
    view: str = "",
) -> _Pattern:
    return _Pattern(
        type_,
        re.compile(shape),
        None if exact is None else re.compile(exact),
        check,
        frozenset(not_after),
        None,
        needs,
        view,
    )


def _after(
    type_: str, words: str, value: str, check: Callable[[str], bool] | None = None
) -> _Pattern:
    """``value`` (on the real text) when one of ``words`` (any case) comes just before it."""
    context = re.compile(
        rf"(?:{words})(?![a-z0-9_])[ \t]{{0,3}}(?:is|=|:|#|no\.?|number)?[ \t:#]{{0,3}}"
    )
    needs = tuple(re.sub(r"[^a-z].*", "", alternative) for alternative in words.split("|"))
    return _Pattern(
        type_, re.compile(value + r"(?![\w])"), None, check, frozenset(), context, needs
    )


_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_EMAIL_DOMAIN = re.compile(
    r"@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24}(?![A-Za-z0-9])"
)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    """Addresses found from each ``@``: the domain forwards, the local part backwards."""
    for domain in _EMAIL_DOMAIN.finditer(text):
        start = at = domain.start()
        while start > 0 and at - start < 64 and text[start - 1] in _EMAIL_LOCAL:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        if start < at:
            yield start, domain.end()


_DIGIT_EDGE = "0-"
_STREETS = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    "|Terrace|Square|Sq"
)

#: Earlier patterns win where two matches overlap.
PII_PATTERNS: tuple[_Pattern, ...] = (
    _p("AWS_ACCESS_KEY", r"AAAA[A0]{16}(?![Aa0])", r"(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)\w{16}"),
    _p("AWS_SECRET_KEY", "K" * 40 + "(?![K=])", None, _secret, "Aa0_/+", view="keys"),
    _p("EMAIL", "@"),  # found by _emails
    _p(
        "URL",
        r"(?:aaaaa?://|aaa\.)[^\s<>\"'()]{1,2000}[^\s<>\"'().,;:!?]",
        r"(?:https?://|www\.).*",
    ),
    _p("IP_ADDRESS", r"00{0,2}\.0{1,3}\.0{1,3}\.0{1,3}(?![0.])", None, _ip, "Aa0_.:"),
    _p(
        "IP_ADDRESS",
        r"(?:[Aa0]{1,4}:){7}[Aa0]{1,4}(?![Aa0_:])",
        r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}",
        None,
        "Aa0_:",
        needs=(":",),
    ),
    _p("MAC_ADDRESS", "hh:hh:hh:hh:hh:hh(?![hA-Za-z0-9_:-])", None, None, "Aa0_:-", view="hex"),
    _p("MAC_ADDRESS", "hh-hh-hh-hh-hh-hh(?![hA-Za-z0-9_:-])", None, None, "Aa0_:-", view="hex"),
    _p("CREDIT_DEBIT_CARD_NUMBER", r"0(?:[ -]?0){12,18}(?![0-])", None, _card, _DIGIT_EDGE),
    _after("CREDIT_DEBIT_CARD_CVV", "cvv2?|cvc2?|card verification code|security code", r"\d{3,4}"),
    _after(
        "CREDIT_DEBIT_CARD_EXPIRY",
        "expiration date|expiration|expiry|expires|exp",
        r"(?:0[1-9]|1[0-2])/(?:\d{4}|\d{2})",
    ),
    _p(
        "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER",
        r"000-00-0000(?![0-])",
        r"9\d{2}-(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])-\d{4}",
        None,
        _DIGIT_EDGE,
    ),
    _p(
        "US_SOCIAL_SECURITY_NUMBER",
        r"000-00-0000(?![0-])",
        r"(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}",
        None,
        _DIGIT_EDGE,
    ),
    _p("CA_SOCIAL_INSURANCE_NUMBER", r"000[ -]000[ -]000(?![0-])", None, _sin, _DIGIT_EDGE),
    _p(
        "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
        r"AA00(?: ?[A0]{4}){2,7}(?: ?[A0]{1,3})?(?![Aa0])",
        None,
        _iban,
    ),
    _after("US_BANK_ROUTING_NUMBER", "routing number|routing|aba|rtn", r"\d{9}", _aba),
    _after("US_BANK_ACCOUNT_NUMBER", "bank account|account|acct", r"\d{6,17}"),
    _after("SWIFT_CODE", "swift code|swift|bic", r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?"),
    _p(
        "UK_NATIONAL_INSURANCE_NUMBER",
        r"AA ?00 ?00 ?00 ?A(?![Aa0])",
        r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]",
    ),
    _p("UK_NATIONAL_HEALTH_SERVICE_NUMBER", r"000 ?000 ?0000(?![0-])", None, _nhs, _DIGIT_EDGE),
    _after("UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "utr|unique taxpayer reference", r"\d{10}"),
    _p(
        "PHONE",
        r"\+0{1,3}[ .-]?(?:\(000\)[ .-]?|000[ .-])000[ .-]0000(?![Aa0_-])",
        None,
        None,
        "Aa0_+",
    ),
    _p(
        "PHONE",
        r"\+0{1,3}[ .-]00{1,3}[ .-]0000?[ .-]0000?(?![Aa0_-])",
        None,
        None,
        "Aa0_+",
    ),
    _p("PHONE", r"\(000\)[ .-]?000[ .-]0000(?![Aa0_-])", None, None, "Aa0_+"),
    _p("PHONE", r"000[ .-]000[ .-]0000(?![Aa0_-])", None, None, "Aa0_+"),
    _after("US_PASSPORT_NUMBER", "passport number|passport", r"[A-Z]?\d{8,9}"),
    _p(
        "VEHICLE_IDENTIFICATION_NUMBER",
        "X" * 17 + "(?![Xw])",
        r"[A-HJ-NPR-Z0-9]{17}",
        _vin,
        view="runs",
    ),
    _after(
        "DRIVER_ID",
        "driver's license|drivers license|driver license|driver id",
        r"[A-Z0-9-]{5,20}",
    ),
    _after(
        "LICENSE_PLATE",
        "license plate|licence plate|number plate",
        r"[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]",
    ),
    _after("PASSWORD", "password|passwd|pwd", r"[^\s]{1,128}"),
    _after("USERNAME", "username|user name|user id|login", r"[A-Za-z0-9._@-]{1,64}"),
    _after("PIN", "pin", r"\d{4,8}"),
    _p(
        "AGE",
        r"00{0,2}(?: aaaaa? aaa| aaa? aaa|-aaaa-aaa)(?![Aa0])",
        r"(?P<v>\d{1,3})(?i: years? old| yrs? old|-year-old)",
        needs=("old",),
    ),
    _after("AGE", "age|aged", r"\d{1,3}"),
    _p(
        "ADDRESS",
        r"00{0,5} (?:Aa{1,20} ){1,4}Aa{0,9}\.?(?![Aa0])",
        rf"\d{{1,6}} (?:[A-Z][a-z]{{1,20}} ){{1,4}}(?:{_STREETS})\.?",
    ),
    _p(
        "NAME",
        r"Aa{0,3}\.? Aa{1,30}(?: Aa{1,30}){0,2}",
        r"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? (?P<v>[A-Z][a-z]{1,30}(?: [A-Z][a-z]{1,30}){0,2})",
    ),
    _after("NAME", "my name is|name", r"[A-Z][a-z]{1,30}(?: [A-Z][a-z]{1,30}){0,2}"),
)

#: Every PII type moto-bedrock can find (the others are never detected).
DETECTED_TYPES = frozenset(p.type for p in PII_PATTERNS)


_NESTED = re.compile(r"\([^()]*[+*}][^()]*\)\s*[+*{]")


def unsafe_regex(pattern: str) -> str | None:
    """Why ``pattern`` may not be used (a syntax error or a nested quantifier), else None."""
    try:
        regex.compile(pattern)
    except regex.error as error:
        return f"invalid regular expression: {error}"
    if _NESTED.search(pattern):
        return "nested quantifiers can take exponential time"
    return None


class _Taken:
    """Spans of the text already reported, kept sorted: earlier patterns win overlaps."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        """Whether ``start``..``end`` overlaps no span taken; if so, take it."""
        index = bisect.bisect_right(self.starts, start)
        if index and self.ends[index - 1] > start:
            return False
        if index < len(self.starts) and self.starts[index] < end:
            return False
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


@dataclass
class _Hit:
    start: int
    end: int
    placeholder: str
    entry: dict[str, Any]


class SensitivePolicy:
    """A guardrail's sensitive-information policy, compiled once per guardrail version."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.entities = list(policy.get("piiEntities", []))
        self.regexes = [
            (entry, regex.compile(entry["pattern"])) for entry in policy.get("regexes", [])
        ]

    @property
    def configured(self) -> bool:
        return bool(self.entities or self.regexes)

    def findings(self, text: str, source: str) -> tuple[list[Finding], list[Finding]]:
        """The PII-entity and regex findings for ``text``, in text order."""
        taken = _Taken()
        lowered = text.translate(_ASCII_LOWER)
        shaped = text.translate(_SHAPE)
        views = {name: text.translate(table) for name, table in _VIEWS.items()}
        pii: list[_Hit] = []
        wanted: dict[str, str] = {}
        for entry in self.entities:
            enabled, action = setting(entry, source)
            if enabled:
                wanted[entry["type"]] = action
        for pattern in PII_PATTERNS:
            if pattern.type not in wanted:
                continue
            action = wanted[pattern.type]
            found = (
                _emails(text)
                if pattern.type == "EMAIL"
                else pattern.spans(text, lowered, shaped, views)
            )
            for start, end in found:
                value = text[start:end]
                if pattern.check is not None and not pattern.check(value):
                    continue
                if not taken.free(start, end):
                    continue
                pii.append(
                    _Hit(
                        start,
                        end,
                        "{" + pattern.type + "}",
                        {
                            "match": value,
                            "type": pattern.type,
                            "action": ASSESSED[action],
                            "detected": True,
                        },
                    )
                )
        custom: list[_Hit] = []
        for entry, compiled in self.regexes:
            enabled, action = setting(entry, source)
            if not enabled:
                continue
            try:
                for match in compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                    if match.end() == match.start():
                        continue
                    custom.append(
                        _Hit(
                            match.start(),
                            match.end(),
                            "{" + entry["name"] + "}",
                            {
                                "name": entry["name"],
                                "match": match.group(),
                                "regex": entry["pattern"],
                                "action": ASSESSED[action],
                                "detected": True,
                            },
                        )
                    )
            except TimeoutError:
                continue  # a pattern that runs too long finds nothing more
        return _as_findings(pii), _as_findings(custom)

    def undetected(self, found: set[str], source: str) -> list[Finding]:
        """With ``outputScope: FULL``, each enabled entity type nothing matched, as Bedrock
        lists it (``match`` empty; Arize-ai/openinference test_apply_success_guardrails.yaml,
        2026-04)."""
        return [
            Finding({"match": "", "type": entry["type"], "action": "NONE", "detected": False})
            for entry in self.entities
            if entry["type"] not in found and setting(entry, source)[0]
        ]


def _as_findings(hits: list[_Hit]) -> list[Finding]:
    hits.sort(key=lambda h: h.start)
    return [
        Finding(
            h.entry,
            [Mask(h.start, h.end, h.placeholder)] if h.entry["action"] == "ANONYMIZED" else [],
        )
        for h in hits
    ]
