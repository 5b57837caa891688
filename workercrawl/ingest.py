"""One path from fetched page(s) to stored rows:

    fetched page(s) → decode → extract → validate → one result → record (raw pages + article or reject)

Every way a page reaches the store goes through here, so the same page gives the same row
whichever command stored it: the crawl's item pipelines (thin adapters in pipelines/),
`workercrawl extract` (stored, or printed with --json), `workercrawl reextract`, and the
import of saved pages and WARC records. A result is a plain dict: a normalized article
(status "article") or a rejection (status "rejected", built only by `rejection`).

No Scrapy, Twisted or spider import: re-extraction and extraction worker processes load this.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Sequence
from urllib.parse import urlsplit

from workercrawl.extract import EXTRACTOR_VERSION, extract_article
from workercrawl.extract.decode import header_charset
from workercrawl.items import ARTICLE, Fetched
from workercrawl.store import rows, search
from workercrawl.urls import canonical_url
from workercrawl.validate import INVALID, normalize_article, problem

REJECTED = "rejected"


def rejection(url: str, reason: str, detail: str | None = None, *, encoding: str | None = None,
              extractor_version: str | None = None) -> dict:
    """The one shape of a rejection: why `url` is not stored as an article."""
    return {"url": url, "status": REJECTED, "reason": reason, "detail": detail or None,
            "encoding": encoding, "extractor_version": extractor_version}


def validated(result: dict, nav: dict | None = None) -> dict:
    """An extraction result (Article/Rejection.to_dict()) ready for the store: a normalized
    article, or a rejection — the one it was, or `invalid` with the problem as detail.
    Navigation facts (e-paper 版次/版名) fill fields the page itself did not state."""
    if not result or result.get("status") != "article":
        if result and result.get("status") == REJECTED:
            return rejection(result.get("url", ""), result.get("reason") or "extractor-error", result.get("detail"),
                             encoding=result.get("encoding"), extractor_version=result.get("extractor_version"))
        return result
    article = normalize_article(result, nav)
    why = problem(article)
    if why:
        return rejection(article["url"], INVALID, why, encoding=article.get("encoding"),
                         extractor_version=article.get("extractor_version"))
    return article


# -- decode → extract → validate ---------------------------------------------------------

@lru_cache(maxsize=1)
def _site_charsets() -> tuple[tuple[str, str], ...]:
    from workercrawl import sites

    found = []
    for key in sites.keys():
        try:
            site = sites.entry(key)
        except (KeyError, ValueError):
            continue
        if site.extra.get("charset"):
            found += [(domain, site.extra["charset"]) for domain in site.allowed_domains]
    return tuple(found)


def site_charset(url: str) -> str | None:
    """The charset sites.toml configures for this URL's host, if any."""
    host = (urlsplit(url).hostname or "").lower()
    return next((cs for domain, cs in _site_charsets() if host == domain or host.endswith("." + domain)), None)


def with_charset_hint(headers: dict, charset: str | None) -> dict:
    """The site's configured charset (sites.toml `charset`) when the server named none."""
    if not charset or header_charset(headers):
        return headers
    kept = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "") or "text/html"
    return {**kept, "Content-Type": f"{ctype.split(';')[0].strip()}; charset={charset}"}


def read(pages: Sequence[Fetched], nav: dict | None = None) -> dict:
    """Page 1 (and continuation pages 2..N) → a normalized article or a rejection. Never raises.

    nav: what navigation knew (charset hint, e-paper 版次/版名); a crawl stores it with the raw
    page so a re-extraction reads the page exactly as the crawl did."""
    nav = nav or {}
    first = pages[0]
    hint = nav.get("charset") or site_charset(first.url)
    headers = with_charset_hint(dict(first.headers or {}), hint)
    # Continuation pages are decoded with their own headers (a GBK page 2 behind a UTF-8 page 1).
    more = [(page.body, with_charset_hint(dict(page.headers or {}), hint)) for page in pages[1:]]
    try:
        result = extract_article(first.body, first.url, headers, more).to_dict()
    except Exception as exc:  # extract_article rejects rather than raises; a bug must still not lose the page
        return rejection(first.url, "extractor-error", f"{type(exc).__name__}: {exc}"[:300],
                         extractor_version=EXTRACTOR_VERSION)
    return validated(result, nav)


def prepare(pages: Sequence[Fetched], nav: dict | None = None) -> tuple:
    """`read`, plus the rest of the CPU-heavy work, for an extraction worker process, so the
    crawl process only routes: (result, {text: segmented text} for the search index or None,
    [(sha256, size, zlib body)] of the pages for the raw store)."""
    result = read(pages, nav)
    packed = [rows.pack_body(page.body) for page in pages]
    if result.get("status") != "article":
        return result, None, packed
    return result, {text: search.segment(text) for text in search.indexed_texts(result)}, packed


# -- the rows -----------------------------------------------------------------------------

def article_key(result: dict, url: str) -> str:
    """The URL an article is stored under: the page's own rel=canonical when it differs from
    the fetched URL only in the query string (?sid=N, ?utm=…: the site says they do not
    matter), else the fetched URL. Canonical links elsewhere (another path, another host: a
    mirror, a CMS that points every page at its home page) are not trusted."""
    fetched = canonical_url(url)
    declared = result.get("canonical")
    if not declared:
        return fetched
    declared = canonical_url(declared)
    a, b = urlsplit(fetched), urlsplit(declared)
    return declared if (a.netloc, a.path) == (b.netloc, b.path) else fetched


def stored_row(result: dict, *, spider: str, run_id: int | None, fetched_at: str, pages: int = 1,
               status: int | None = None, kind: str = ARTICLE, url: str | None = None) -> dict:
    """The articles row (JSON columns as lists) or rejects row `record` stores for a result:
    what `workercrawl extract --json` prints."""
    if result.get("status") == "article":
        row = rows.article_row(result, fetched_at=fetched_at, spider=spider, run_id=run_id, pages=pages,
                               url=article_key(result, url or result["url"]))
        return {k: json.loads(v) if k in rows.JSON_FIELDS else v for k, v in row.items()}
    return rows.reject_row(url=url or result["url"], reason=result.get("reason") or "extractor-error",
                           detail=result.get("detail"), status=status, kind=kind, spider=spider, run_id=run_id,
                           fetched_at=fetched_at, extractor_version=result.get("extractor_version"))


def record(store, result: dict, pages: Sequence[Fetched], *, url: str, spider: str, run_id: int | None,
           fetched_at: str, kind: str = ARTICLE, status: int | None = None, nav: dict | None = None,
           segmented: dict | None = None, packed: list | None = None, parts: int | None = None) -> list[str]:
    """Queue in the store: the raw pages that were received (2xx with a body; page 1 carries
    nav), then the article or the reject. `url` is the article's URL (page 1, or the URL a
    failed fetch wanted); `parts`: pages merged into the article (default: len(pages)); the
    store commits at its next flush. Returns what was queued: "article", or a reject reason
    per rejects row."""
    key = article_key(result, url) if result.get("status") == "article" else url
    packed = packed if packed and len(packed) == len(pages) else [None] * len(pages)
    for part, (page, done) in enumerate(zip(pages, packed), start=1):
        if 200 <= (page.status or 0) < 300 and page.body:
            store.add_raw_page(url=page.url, article_url=key, part=part, status=page.status, headers=page.headers,
                               encoding=page.encoding or (result.get("encoding") if part == 1 else None),
                               body=page.body, fetched_at=page.fetched_at, spider=spider, run_id=run_id,
                               packed=done, nav=nav if part == 1 else None)
    # URLs that redirected here (a list links the old URL): each is accounted for, and known
    # to the next run, as an alias of the article or as a reject like the page it leads to.
    redirected = [u for u in (nav or {}).get("redirected_from") or () if canonical_url(u) != canonical_url(url)]
    if result.get("status") == "article":
        store.add_article(result, fetched_at=fetched_at, spider=spider, run_id=run_id,
                          pages=parts or max(1, len(pages)), segmented=segmented, url=key)
        store.add_alias(url, key, "canonical", seen_at=fetched_at, run_id=run_id)  # nothing when they are equal
        for source in redirected:
            store.add_alias(source, key, "redirect", seen_at=fetched_at, run_id=run_id)
        return ["article"]
    reason = result.get("reason") or "extractor-error"
    for target, detail in ((url, result.get("detail")), *((u, f"redirects to {url}: {result.get('detail') or reason}")
                                                         for u in redirected)):
        store.add_reject(url=target, reason=reason, detail=detail, status=status, kind=kind, spider=spider,
                         run_id=run_id, fetched_at=fetched_at, extractor_version=result.get("extractor_version"))
    return [reason] * (1 + len(redirected))
