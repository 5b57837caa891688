"""The extractors compared in the benchmarks, behind one signature.

Each adapter takes (body bytes, url, headers) and returns a dict with the fields it can
give (body, title, published_at, authors, source, editors) or raises. Every tool gets the
page decoded by the same decoder, as trafilatura must (it garbles raw GBK).
"""

from __future__ import annotations

import logging

from workercrawl.extract import extract_article
from workercrawl.extract.decode import decode_html

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)


def workercrawl_tool(body, url, headers=None, more_pages=()):
    result = extract_article(body, url, headers, more_pages).to_dict()
    if result["status"] != "article":
        return {"status": "rejected", "reason": result["reason"]}
    return result


def trafilatura_tool(body, url, headers=None, more_pages=()):
    import trafilatura

    html, _ = decode_html(body, headers)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {"status": "rejected", "reason": "nothing extracted"}
    author = getattr(doc, "author", None)
    return {
        "status": "article", "body": doc.text or "", "title": doc.title,
        "published_at": doc.date, "authors": [a.strip() for a in author.split(";")] if author else [],
    }


def readability_tool(body, url, headers=None, more_pages=()):
    import lxml.html
    from readability import Document

    html, _ = decode_html(body, headers)
    document = Document(html)
    summary = lxml.html.fromstring(document.summary(html_partial=True))
    paragraphs = [" ".join(t.split()) for t in summary.itertext()]
    return {"status": "article", "body": "\n".join(p for p in paragraphs if p), "title": document.short_title()}


def gne_tool(body, url, headers=None, more_pages=()):
    from gne import GeneralNewsExtractor

    html, _ = decode_html(body, headers)
    result = GeneralNewsExtractor().extract(html)
    return {
        "status": "article", "body": result.get("content") or "", "title": result.get("title"),
        "published_at": result.get("publish_time") or None,
        "authors": [result["author"]] if result.get("author") else [],
    }


TOOLS = {
    "workercrawl": workercrawl_tool,
    "trafilatura": trafilatura_tool,
    "readability-lxml": readability_tool,
    "gne": gne_tool,
}


def available() -> dict:
    """Tools whose package is installed (the bench extra installs them all)."""
    out = {}
    for name, tool in TOOLS.items():
        module = {"trafilatura": "trafilatura", "readability-lxml": "readability", "gne": "gne"}.get(name)
        if module:
            try:
                __import__(module)
            except ImportError:
                continue
        out[name] = tool
    return out
