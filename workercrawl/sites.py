"""The site registry: per-site navigation data (sites.toml) and the host allow-list built from it.

`entry(key)` reads a [site.KEY] entry, merged over [sites] defaults and its [family.X];
`generic()` is the -a start_url crawl without a KEY; `catalog()` lists the entries.
Pure data: no Scrapy import, so the CLI, the scheduler and re-extraction can read it cheaply.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from workercrawl.urls import netloc


@dataclass(frozen=True)
class Site:
    """One entry's navigation rules; its other keys stay available in `extra`."""

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
        # An article shape wins: a TRS article folder …/t20170919_183870/ also ends in '/'.
        return _search(self.list_paths, url) and not self.is_article(url)

    def is_page(self, url: str) -> bool:
        return _search(self.page_paths, url)


def _search(patterns, url: str) -> bool:
    path = _split(url).path
    return any(p.search(path) for p in patterns)


# Each link is classified several times (article? list? skipped? allowed host?); urlsplit's own
# cache holds 128 URLs, fewer than one list page's links once link extraction has used it.
_split = lru_cache(maxsize=16384)(urlsplit)


_PATTERNS = ("article_paths", "list_paths", "page_paths", "skip_paths")
# Keys an entry, a family or [sites] may set (see the comment above [sites] in sites.toml).
ENTRY_KEYS = frozenset({
    "name", "family", "spider", "start_urls", "allowed_domains", *_PATTERNS, "list_links", "page_links",
    "article_links", "next_texts", "issue_url", "max_days", "charset", "max_list_pages", "depth",
    "max_pages", "probe_pages", "unsupported", "notes",
})
_TABLES = frozenset({"sites", "family", "site"})


# A sites file of one's own (`workercrawl crawl --sites FILE`, or this variable for `scrapy
# crawl`): its [site.KEY] entries replace the packaged list (so `--all` crawls exactly those);
# the [sites] keys and [family.NAME] tables it sets override the packaged ones, the rest are
# inherited (the generic URL shapes, the e-paper families).
SITES_FILE_ENV = "WORKERCRAWL_SITES"


def _raw() -> dict:
    return _load(os.environ.get(SITES_FILE_ENV) or "")


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    packaged = tomllib.loads(resources.files(__package__).joinpath("sites.toml").read_text("utf-8"))
    if not path:
        return packaged
    try:
        with open(path, "rb") as handle:
            own = tomllib.load(handle)
    except OSError as exc:
        raise ValueError(f"{SITES_FILE_ENV}={path}: cannot read the sites file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not a valid TOML sites file ({exc})") from None
    _checked(f"top level of {path}", own, _TABLES)
    merged = dict(packaged)
    merged["sites"] = {**packaged.get("sites", {}), **own.get("sites", {})}
    merged["family"] = {**packaged.get("family", {}), **own.get("family", {})}
    merged["site"] = own.get("site", {})
    return merged


def _checked(where: str, table: dict, allowed=ENTRY_KEYS) -> dict:
    """A typo (artcle_paths) is an error, not a silently ignored key."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"sites.toml [{where}]: unknown key(s) {', '.join(unknown)}")
    return table


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


def _defaults() -> dict:
    raw = _raw()
    _checked("top level", raw, _TABLES)  # e.g. a stray [workercn] table nobody would read
    defaults = {k: v for k, v in raw.get("sites", {}).items() if k != "generic"}
    return _checked("sites", defaults, ENTRY_KEYS - {"spider"})


def keys() -> list[str]:
    """KEYs of the [site.KEY] entries, in file order."""
    return list(_raw().get("site", {}))


def entry(key: str) -> Site:
    """[site.KEY] over its [family.X] over [sites]; unknown keys are an error, not a silent no-op."""
    return _entry(key, os.environ.get(SITES_FILE_ENV) or "")


@lru_cache(maxsize=None)
def _entry(key: str, sites_file: str) -> Site:
    entries = _raw().get("site", {})
    if key not in entries:
        raise KeyError(f"no site {key!r} in sites.toml; configured: {', '.join(entries) or 'none'}")
    own = _checked(f"site.{key}", entries[key])
    family = own.get("family")
    families = _raw().get("family", {})
    if family and family not in families:
        raise ValueError(f"sites.toml [site.{key}]: no [family.{family}] table")
    inherited = _checked(f"family.{family}", families.get(family, {}), ENTRY_KEYS - {"spider", "family"})
    return _build(key, {**_defaults(), **inherited, **own})


entry.cache_clear = _entry.cache_clear  # type: ignore[attr-defined]


def generic() -> Site:
    """Rules of the generic crawl (-a start_url without -a site): [sites] plus [sites.generic]."""
    return _generic(os.environ.get(SITES_FILE_ENV) or "")


@lru_cache(maxsize=4)
def _generic(sites_file: str) -> Site:
    own = _checked("sites.generic", _raw().get("sites", {}).get("generic", {}), ENTRY_KEYS - {"spider", "family"})
    return _build("generic", {**_defaults(), **own})


def spider_for(key: str) -> tuple[str, dict]:
    """The `scrapy crawl` that runs entry KEY: its dedicated spider, else `sites -a site=KEY`."""
    dedicated = entry(key).extra.get("spider")
    return (dedicated, {}) if dedicated else ("sites", {"site": key})


def catalog() -> list[dict]:
    """One row per configured site, for `workercrawl sites` and `workercrawl crawl`."""
    rows = []
    for key in keys():
        site = entry(key)
        rows.append({
            "key": key, "name": site.extra.get("name", key), "family": site.extra.get("family"),
            "spider": spider_for(key)[0], "start_urls": list(site.start_urls),
            "allowed_domains": list(site.allowed_domains), "issue_url": site.extra.get("issue_url"),
            "unsupported": site.extra.get("unsupported"), "notes": site.extra.get("notes"),
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
        parts = _split(url)
        if parts.scheme not in ("http", "https"):
            return False
        if netloc(url) in self.netlocs:
            return True
        host = (parts.hostname or "").lower()
        return any(_under(host, d) for d in self.domains)

    def __repr__(self) -> str:
        return f"HostAllowList(domains={list(self.domains)}, netlocs={sorted(self.netlocs)})"
