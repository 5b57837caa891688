"""Whitespace and token helpers shared by every extraction step."""

from __future__ import annotations

import re

# U+3000 (ideographic space), U+00A0, the U+2000 block, zero-width characters, BOM.
_SPACES = re.compile(r"[\s\u3000\u00a0\u2000-\u200b\u202f\u205f\ufeff]+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A CJK character, or a run of any other letters/digits (Latin, Cyrillic, …).
TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
CJK_RE = re.compile(rf"[{_CJK}]")


def norm_space(text: str) -> str:
    """Collapse every kind of whitespace into one ASCII space and strip."""
    return _SPACES.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Each CJK character is a token, each run of other letters/digits is a token."""
    return TOKEN_RE.findall(text)


def content_length(text: str) -> int:
    """Number of tokens: a fair size measure for mixed Chinese/Latin text."""
    return len(TOKEN_RE.findall(text))


def compact(text: str) -> str:
    """Text with all whitespace removed, for robust substring matching."""
    return _SPACES.sub("", text)
