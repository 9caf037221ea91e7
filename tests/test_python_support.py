"""The package imports on the oldest Python it declares (``python_requires = >=3.10``).

CI runs one Python, so syntax that only newer versions' ``re`` compile would pass there and
fail at import on 3.10: possessive repeats (``a*+``, ``a{1,3}+``) and atomic groups
(``(?>...)``) arrived in Python 3.11. Patterns that need them use the ``regex`` package.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import moto_bedrock

#: Escapes and character classes first (``\\++`` is a literal plus repeated, fine on 3.10).
_NEUTRAL = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]", re.S)
_NEWER = re.compile(r"[*+?}]\+|\(\?>")


def _newer_syntax(pattern: str | bytes) -> bool:
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    return _NEWER.search(_NEUTRAL.sub("x", text)) is not None


def test_the_check_sees_possessive_repeats_and_atomic_groups() -> None:
    assert _newer_syntax(r"\s++and") and _newer_syntax(rb"a{0,3}+") and _newer_syntax("(?>a)")
    assert not _newer_syntax(r"\++|[*+]+|a{2}|(?:x)+")


def test_stdlib_patterns_use_only_python_3_10_syntax() -> None:
    offenders = []
    for info in pkgutil.walk_packages(moto_bedrock.__path__, "moto_bedrock."):
        if info.name.endswith("__main__"):  # runs the server when imported
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and _newer_syntax(value.pattern):
                offenders.append(f"{info.name}.{name}")
    assert offenders == []
