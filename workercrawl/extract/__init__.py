"""Extraction: one page (bytes + URL) in, one clean Article or a Rejection out.

Pure functions with no Scrapy import, shared by the spiders, re-extraction, the CLI and tests.
"""

from .article import EXTRACTOR_VERSION, Article, Image, Rejection
from .core import extract_article, url_date
from .pages import continuation_urls

__all__ = ["EXTRACTOR_VERSION", "Article", "Image", "Rejection", "extract_article", "continuation_urls", "url_date"]
