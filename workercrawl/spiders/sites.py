"""Per-site navigation data (sites.toml) and the host allow-list built from it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from workercrawl.urls import netloc


@dataclass(frozen=True)
class Site:
    """One spider's navigation rules; unknown keys stay available in `extra`."""

    name: str
    allowed_domains: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_paths: tuple[re.Pattern, ...] = ()
    list_paths: tuple[re.Pattern, ...] = ()
    page_paths: tuple[re.Pattern, ...] = ()
    next_texts: frozenset[str] = frozenset()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def is_article(self, url: str) -> bool:
        return _search(self.article_paths, url)

    def is_list(self, url: str) -> bool:
        return _search(self.list_paths, url)

    def is_page(self, url: str) -> bool:
        return _search(self.page_paths, url)


def _search(patterns, url: str) -> bool:
    path = urlsplit(url).path
    return any(p.search(path) for p in patterns)


_PATTERNS = ("article_paths", "list_paths", "page_paths")


@lru_cache(maxsize=None)
def load(name: str) -> Site:
    raw = tomllib.loads(resources.files(__package__).joinpath("sites.toml").read_text("utf-8"))
    if name not in raw:
        raise KeyError(f"no navigation rules for {name!r} in sites.toml")
    data = dict(raw[name])
    kwargs = {key: tuple(re.compile(p) for p in data.pop(key, ())) for key in _PATTERNS}
    kwargs["allowed_domains"] = tuple(d.lower() for d in data.pop("allowed_domains", ()))
    kwargs["start_urls"] = tuple(data.pop("start_urls", ()))
    kwargs["next_texts"] = frozenset(data.pop("next_texts", ()))
    return Site(name=name, extra=data, **kwargs)


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


class HostAllowList:
    """Domains (with their subdomains, any port) plus exact host:port pairs."""

    def __init__(self, domains=(), netlocs=()):
        self.domains = tuple(d.lower().strip(".") for d in domains if d)
        self.netlocs = frozenset(n.lower() for n in netlocs if n)

    @classmethod
    def for_spider(cls, domains, start_urls=(), extra_domains=()) -> "HostAllowList":
        """The site's domains; with -a start_url, exactly those hosts instead.

        A crawl pointed at a mirror or a test server stays there: the configured domains are
        kept only when a start URL is itself under one (a real workercn.cn channel page), so
        absolute links to the real site in a replica's pages are never followed.
        """
        if not start_urls:
            return cls([*domains, *extra_domains])
        hosts = [(urlsplit(u).hostname or "").lower() for u in start_urls]
        kept = [d for d in domains if any(_under(h, d) for h in hosts)]
        return cls([*kept, *extra_domains], [netloc(u) for u in start_urls])

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if netloc(url) in self.netlocs:
            return True
        host = (parts.hostname or "").lower()
        return any(_under(host, d) for d in self.domains)

    def __repr__(self) -> str:
        return f"HostAllowList(domains={list(self.domains)}, netlocs={sorted(self.netlocs)})"
