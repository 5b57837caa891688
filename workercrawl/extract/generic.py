"""The generic body path for pages no profile knows: trafilatura, then readability."""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree

from .dom import Line, lines, parse
from .text import compact, content_length

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)

ENOUGH = 80  # tokens: below this the precision pass probably cut the article


def _trafilatura(tree, url: str, precision: bool) -> list[Line]:
    try:
        doc = trafilatura.bare_extraction(
            tree, url=url, favor_precision=precision, include_comments=False,
            include_tables=True, with_metadata=False, deduplicate=False,
        )
    except Exception:  # trafilatura raises assorted errors on odd trees; the fallback copes
        return []
    text = getattr(doc, "text", None) or ""
    return [Line(t.strip()) for t in text.split("\n") if t.strip()]


def _readability(html: str) -> list[Line]:
    try:
        from readability import Document

        summary = Document(html).summary(html_partial=True)
        return lines(parse(summary))
    except Exception:  # readability fails loudly on fragments; then there is no fallback text
        return []


def body_lines(tree, html: str, url: str) -> list[Line]:
    """Candidate body lines: precision first, balanced when it is thin, readability last."""
    best: list[Line] = []
    for attempt in (lambda: _trafilatura(tree, url, True), lambda: _trafilatura(tree, url, False), lambda: _readability(html)):
        found = attempt()
        if sum(content_length(l.text) for l in found) > sum(content_length(l.text) for l in best):
            best = found
        if sum(content_length(l.text) for l in best) >= ENOUGH:
            break
    return best


def container(tree, body: list[str]):
    """The smallest element holding the first and last body paragraphs (for figures)."""
    if not body:
        return None
    first = _node_with(tree, body[0])
    last = _node_with(tree, body[-1]) if len(body) > 1 else first
    if first is None or last is None:
        return first if first is not None else last
    ancestors = set(first.iterancestors())
    ancestors.add(first)
    for node in [last, *last.iterancestors()]:
        if node in ancestors:
            return node
    return None


def _node_with(tree, paragraph: str):
    key = compact(paragraph)
    probe = key[:10] if len(key) >= 10 else key
    if not probe:
        return None
    for text in tree.xpath("//body//text()"):
        if probe in compact(text):
            parent = text.getparent()
            return parent.getparent() if text.is_tail and parent.getparent() is not None else parent
    return None


def mark_captions(body: list[Line], box) -> list[Line]:
    """trafilatura drops layout: take caption marks from the same text in the DOM."""
    if box is None:
        return body
    flagged = {compact(l.text) for l in lines(box) if l.caption}
    if not flagged:
        return body
    return [Line(l.text, compact(l.text) in flagged) for l in body]


__all__ = ["body_lines", "container", "mark_captions", "etree"]
