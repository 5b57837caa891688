"""Normalize an extracted article's fields and turn invalid ones into rejections.

Uses the extraction core's own normalizers, so a value stored by the crawl and one produced by
re-extraction are spelled the same. Navigation facts (e-paper 版次/版名 from the page list)
fill fields the page itself did not state.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from workercrawl.extract.normalize import normalize_datetime, normalize_names, normalize_source
from workercrawl.items import PageItem

logger = logging.getLogger(__name__)

INVALID = "invalid"
_TEXT_FIELDS = ("title", "pretitle", "subtitle", "site", "channel", "page_name")


def normalize_article(article: dict, nav: dict | None = None) -> dict:
    out = dict(article)
    nav = nav or {}
    for name in _TEXT_FIELDS:
        value = out.get(name)
        out[name] = (" ".join(value.split()) or None) if isinstance(value, str) else None
    out["body"] = "\n".join(line.strip() for line in (out.get("body") or "").splitlines() if line.strip())
    out["published_at"] = normalize_datetime(out.get("published_at"))
    out["source"] = normalize_source(out.get("source"))
    out["authors"] = normalize_names(out.get("authors") or [])
    out["editors"] = normalize_names(out.get("editors") or [])
    out["images"] = [
        {"src": img["src"], "caption": img.get("caption") or None}
        for img in out.get("images") or [] if isinstance(img, dict) and img.get("src")
    ]
    out["page_no"] = _page_no(out.get("page_no")) or _page_no(nav.get("page_no"))
    out["page_name"] = out.get("page_name") or nav.get("page_name") or None
    return out


def _page_no(value) -> str | None:
    text = str(value).strip() if value not in (None, "") else ""
    return str(int(text)) if text.isdigit() else (text or None)


def problem(article: dict) -> str | None:
    """Why a normalized article must not be stored, or None."""
    if not article.get("title"):
        return "no title"
    if not article.get("body"):
        return "no body text"
    return None


class ValidationPipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        item = self._validate(item)
        if isinstance(item, PageItem) and item.nav.get("probe") and item.error is None:
            self._probe(item)
        return item

    def _validate(self, item):
        if not isinstance(item, PageItem) or not item.result or item.result.get("status") != "article":
            return item
        article = normalize_article(item.result, item.nav)
        why = problem(article)
        if why:
            self.stats.inc_value(f"workercrawl/invalid/{why.replace(' ', '-')}")
            logger.warning("not storing %s as an article: %s", item.url, why)
            item.result = {
                "url": article["url"], "reason": INVALID, "detail": why, "encoding": article.get("encoding"),
                "extractor_version": article.get("extractor_version"), "status": "rejected",
            }
        else:
            item.result = article
        return item

    def _probe(self, item: PageItem) -> None:
        """A page fetched only to see whether it is an article (generic crawl, probe_pages):
        navigation unless extraction found a dated article, so dropped quietly, not recorded."""
        result = item.result or {}
        if result.get("status") == "article" and result.get("published_at"):
            return
        self.stats.inc_value("workercrawl/probed_not_article")
        why = result.get("reason") or "no publish date"
        raise DropItem(f"{item.url} is not an article ({why}): navigation only", log_level="DEBUG")
