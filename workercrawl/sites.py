"""Per-site navigation data (sites.toml) and the host allow-list built from it.

`load(name)` reads a dedicated spider's table ([workercn], [grrb]); `entry(key)` reads a
[site.KEY] entry of the config-driven `sites` spider, merged over [sites] and its [family.X];
`generic()` is the -a start_url crawl without a KEY; `catalog()` lists the entries.
"""

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
    skip_paths: tuple[re.Pattern, ...] = ()
    next_texts: frozenset[str] = frozenset()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def is_article(self, url: str) -> bool:
        return _search(self.article_paths, url) and not self.skips(url)

    def skips(self, url: str) -> bool:
        """Never requested: files, search and login pages (skip_paths)."""
        return _search(self.skip_paths, url)

    def is_list(self, url: str) -> bool:
        return _search(self.list_paths, url)

    def is_page(self, url: str) -> bool:
        return _search(self.page_paths, url)


def _search(patterns, url: str) -> bool:
    path = urlsplit(url).path
    return any(p.search(path) for p in patterns)


_PATTERNS = ("article_paths", "list_paths", "page_paths", "skip_paths")
# Keys a [site.KEY] entry may set (see the comment above [sites] in sites.toml).
ENTRY_KEYS = frozenset({
    "name", "family", "start_urls", "allowed_domains", *_PATTERNS, "list_links", "page_links",
    "article_links", "next_texts", "issue_url", "charset", "max_list_pages", "depth", "max_pages",
    "probe_pages", "unsupported", "notes",
})


@lru_cache(maxsize=1)
def _raw() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("sites.toml").read_text("utf-8"))


def _build(name: str, raw: dict) -> Site:
    data = dict(raw)
    kwargs = {}
    for key in _PATTERNS:
        try:
            kwargs[key] = tuple(re.compile(p) for p in data.pop(key, ()))
        except re.error as exc:
            raise ValueError(f"sites.toml [{name}] {key}: bad regular expression: {exc}") from None
    kwargs["allowed_domains"] = tuple(d.lower() for d in data.pop("allowed_domains", ()))
    kwargs["start_urls"] = tuple(data.pop("start_urls", ()))
    kwargs["next_texts"] = frozenset(data.pop("next_texts", ()))
    return Site(name=name, extra=data, **kwargs)


@lru_cache(maxsize=None)
def load(name: str) -> Site:
    raw = _raw()
    if name not in raw:
        raise KeyError(f"no navigation rules for {name!r} in sites.toml")
    return _build(name, raw[name])


def _defaults() -> dict:
    return {k: v for k, v in _raw().get("sites", {}).items() if k != "generic"}


def keys() -> list[str]:
    """KEYs of the [site.KEY] entries, in file order."""
    return list(_raw().get("site", {}))


@lru_cache(maxsize=None)
def entry(key: str) -> Site:
    """[site.KEY] over its [family.X] over [sites]; unknown keys are an error, not a silent no-op."""
    entries = _raw().get("site", {})
    if key not in entries:
        raise KeyError(f"no site {key!r} in sites.toml; configured: {', '.join(entries) or 'none'}")
    own = entries[key]
    unknown = sorted(set(own) - ENTRY_KEYS)
    if unknown:
        raise ValueError(f"sites.toml [site.{key}]: unknown key(s) {', '.join(unknown)}")
    family = own.get("family")
    families = _raw().get("family", {})
    if family and family not in families:
        raise ValueError(f"sites.toml [site.{key}]: no [family.{family}] table")
    return _build(key, {**_defaults(), **families.get(family, {}), **own})


@lru_cache(maxsize=1)
def generic() -> Site:
    """Rules of the generic crawl (-a start_url without -a site): [sites] plus [sites.generic]."""
    return _build("generic", {**_defaults(), **_raw().get("sites", {}).get("generic", {})})


def catalog() -> list[dict]:
    """One row per configured site, for `workercrawl sites`."""
    rows = []
    for key in keys():
        site = entry(key)
        rows.append({
            "key": key, "name": site.extra.get("name", key), "family": site.extra.get("family"),
            "start_urls": list(site.start_urls), "allowed_domains": list(site.allowed_domains),
            "issue_url": site.extra.get("issue_url"), "unsupported": site.extra.get("unsupported"),
            "notes": site.extra.get("notes"),
        })
    return rows


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
