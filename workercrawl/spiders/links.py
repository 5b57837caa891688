"""The one place links are read from a page: Scrapy's LinkExtractor over <a> and <area> href.

Every navigation step (list pages, hubs, e-paper pages, the generic crawl) asks `links()`; a CSS
list (list_links, page_links, article_links) asks `links_in()`, which reads the first selector
that holds links. javascript:/mailto: links are dropped here; files (PDF, images, office
documents) by the site's skip_paths, like any URL the crawl meets.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.response import get_base_url

from workercrawl.urls import canonical_url


@lru_cache(maxsize=None)
def _extractor(css: str | None) -> LinkExtractor:
    # unique=False: every link in page order; callers dedupe by canonical URL where it matters
    # (LinkExtractor's own dedupe canonicalizes each URL, which the hot path does not need).
    # deny_extensions=(): files are skip_paths' job (one regex per URL, start URLs included);
    # the default list costs ~100 endswith calls per link, a third of a list page's navigation.
    return LinkExtractor(restrict_css=css or (), tags=("a", "area"), attrs=("href",), unique=False,
                         deny_extensions=())


def links(response) -> list[tuple[str, str]]:
    """(absolute URL, text) of every link on the page, in page order."""
    return _extract(response, None)


def links_in(response, selectors) -> list[tuple[str, str]]:
    """The links inside the first CSS selector that holds any; [] when none does (or none is
    configured): the caller decides what to fall back on."""
    for css in selectors or ():
        found = _extract(response, css)
        if found:
            return found
    return []


def _extract(response, css: str | None) -> list[tuple[str, str]]:
    if not isinstance(response, TextResponse):
        return []
    return [(link.url, " ".join(link.text.split())) for link in _extractor(css).extract_links(response)]


def titles(response) -> dict[str, str]:
    """canonical URL → title of <a title> links: an arrow image's only words (<a title="下一页">)."""
    if not isinstance(response, TextResponse):
        return {}
    base = get_base_url(response)
    return {canonical_url(urljoin(base, a.attrib["href"].strip())): a.attrib["title"].strip()
            for a in response.xpath("//a[@href][@title]")}
