"""A real `scrapy crawl` stores a deeply nested old-template article whole (Hardening #1)."""

from __future__ import annotations

import sqlite3

from test_extract_depth import paragraphs

OLD = "/27/202105/12/210512083015237.shtml"
TEXTS = paragraphs(600)
# what the old CMS does: a <font> opened on every line, never closed (600 levels of nesting)
FONTS = "\n".join(f'<font face="宋体" size="3">\u3000\u3000{text}<br>' for text in TEXTS).encode("gbk")


def deep(path: str, body: bytes) -> bytes:
    if path == OLD:
        return body.replace(b'<div class="ccontent">', b'<div class="ccontent">' + FONTS, 1)
    return body


def test_a_600_level_font_article_is_stored_whole(replica, crawl):
    site, _ = replica("workercn")
    site.rewrite = deep
    result = crawl("workercn", start_url=f"{site.url}/27/27.shtml")
    conn = sqlite3.connect(result.db)
    row = conn.execute("SELECT title, body FROM articles WHERE url = ?", (site.url + OLD,)).fetchone()
    conn.close()
    assert row is not None, "the deep article was not stored"
    title, body = row
    assert title == "基层工会经费使用有了新规范"
    missing = [t for t in TEXTS if t not in body]
    assert not missing, f"{len(missing)} of 600 lines missing"
    assert "把每一分钱都用在职工身上" in body  # the page's own paragraphs after the 600 levels
