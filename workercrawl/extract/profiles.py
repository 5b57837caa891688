"""Site profiles: which template a page uses, read from profiles.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from .dom import select


@dataclass(frozen=True)
class Profile:
    name: str
    site: str | None = None
    hosts: tuple[str, ...] = ()
    url: re.Pattern | None = None
    markers: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    pretitle: tuple[str, ...] = ()
    subtitle: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    trailer: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    site_from: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    poster: tuple[str, ...] = ()
    date_from_url: bool = False
    enpproperty: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def matches(self, host: str, path: str, tree) -> bool:
        on_host = any(host_matches(host, h) for h in self.hosts)
        on_path = bool(self.url and self.url.search(path))
        if (self.hosts or self.url) and not (on_host or on_path):
            return False
        return not self.markers or any(select(tree, m) for m in self.markers)


_HREF_HOST = re.compile(r"^https?://([^/:?#]+)", re.I)


def host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


_LISTS = {"hosts", "markers", "title", "pretitle", "subtitle", "header", "body", "trailer", "channel", "drop", "images", "site_from", "authors", "poster"}


def _profile(raw: dict) -> Profile:
    data = dict(raw)
    kwargs = {k: tuple(data.pop(k)) for k in list(data) if k in _LISTS}
    if "url" in data:
        kwargs["url"] = re.compile(data.pop("url"))
    known = {"name", "site", "date_from_url", "enpproperty"}
    kwargs.update({k: data.pop(k) for k in list(data) if k in known})
    return Profile(extra=data, **kwargs)


@lru_cache(maxsize=1)
def load() -> tuple[tuple[Profile, ...], dict[str, str], Profile]:
    raw = tomllib.loads(resources.files(__package__).joinpath("profiles.toml").read_text("utf-8"))
    fallback = _profile({"name": "generic", **raw.get("generic", {})})
    return tuple(_profile(p) for p in raw.get("profile", [])), dict(raw.get("hosts", {})), fallback


def generic() -> Profile:
    """Selectors tried on every page after its profile's own ([generic] in profiles.toml)."""
    return load()[2]


def choose(url: str, tree) -> Profile | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for profile in load()[0]:
        if profile.matches(host, parts.path, tree):
            return profile
    return None


@lru_cache(maxsize=1)
def _domains() -> tuple[str, ...]:
    """Every host a rule is keyed on: [hosts], the profiles' hosts and the self-media platforms
    (platforms.toml), so that a replica of their pages is read by the same rules."""
    from . import platforms

    domains = set(load()[1]) | {host for profile in load()[0] for host in profile.hosts}
    domains |= {entry.partition("/")[0] for entry in platforms.self_media_hosts()}
    return tuple(sorted(domains, key=len, reverse=True))  # the longest (most specific) first


@lru_cache(maxsize=4096)
def known_host(host: str) -> str | None:
    """The [hosts] domain `host` falls under, if any."""
    for domain in _domains():
        if host_matches(host, domain):
            return domain
    return None


def effective_url(url: str, tree) -> str:
    """The URL as the original site would serve it, for host-based rules.

    A page read from a mirror or a local replica (127.0.0.1, the big5 gateway) keeps its
    original host in <link rel=canonical> / og:url, or in the absolute links it carries:
    the known host they name most often stands in for the unknown one.
    """
    parts = urlsplit(url)
    if known_host((parts.hostname or "").lower()):
        return url
    for link in tree.iter("link", "meta"):
        rel = (link.get("rel") or link.get("property") or "").lower()
        target = link.get("href") if rel == "canonical" else link.get("content") if rel == "og:url" else None
        if target and target.startswith("http") and known_host((urlsplit(target).hostname or "").lower()):
            return target
    counts: dict[str, int] = {}
    for a in tree.iter("a"):
        match = _HREF_HOST.match(a.get("href") or "")
        if match:
            host = match.group(1).lower()
            if known_host(host):
                counts[host] = counts.get(host, 0) + 1
    if counts:
        host, hits = max(counts.items(), key=lambda item: item[1])
        if hits >= 2:
            return parts._replace(netloc=host).geturl()
    return url


def site_for_host(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    hosts = load()[1]
    # the longest matching domain wins: ldwb.workerbj.cn before workerbj.cn
    for domain in sorted(hosts, key=len, reverse=True):
        if host_matches(host, domain):
            return hosts[domain]
    return None
