"""Self-media platforms and their boilerplate lines, read from platforms.toml (data, not code)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("platforms.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in _data()["boilerplate"]["lines"]))


def is_boilerplate(text: str) -> bool:
    """A platform's disclaimer, account promo or review-credit line (short lines only)."""
    return len(text) <= 150 and bool(_boilerplate().search(text))


@lru_cache(maxsize=1)
def _tails() -> re.Pattern | None:
    tails = _data()["boilerplate"].get("tails") or []
    return re.compile("|".join(f"(?:{p})" for p in tails)) if tails else None


def is_tail_heading(text: str) -> bool:
    """A platform's heading after which the rest of a post is its own news, not the article."""
    pattern = _tails()
    return len(text) <= 40 and pattern is not None and bool(pattern.search(text))


def self_media_hosts() -> list[str]:
    """'host' or 'host/path-prefix' entries of the platforms whose accounts publish posts."""
    return list(_data()["self_media"]["hosts"])


def is_self_media(url: str, source: str | None = None) -> bool:
    """Is the page a post of a self-media platform (its account is a publisher, not a person)?
    Its host says so, or its 来源 naming an account kind ('澎湃新闻·澎湃号·政务')."""
    if source and any(kind in source for kind in _data()["self_media"]["account_kinds"]):
        return True
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    for entry in _data()["self_media"]["hosts"]:
        domain, _, prefix = entry.partition("/")
        if (host == domain or host.endswith("." + domain)) and path.startswith("/" + prefix):
            return True
    return False


def is_platform_name(source: str | None) -> bool:
    """Does a source slot name a self-media platform itself ('新浪网'), not a publisher on it?"""
    return bool(source) and source in _data()["self_media"]["platform_names"]
