"""The generic body path for pages no profile knows: trafilatura, then readability."""

from __future__ import annotations

import logging
import re

import trafilatura

from .clean import is_noise
from .dom import Line, lines, parse
from .text import CJK_RE, compact, content_length

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)

_SENTENCE = re.compile(r"[。；，,;]|\.\s")
FAST = True
ENOUGH = 80  # tokens: below this the precision pass probably cut the article


def _trafilatura(tree, url: str, precision: bool) -> list[Line]:
    try:
        doc = trafilatura.bare_extraction(
            tree, url=url, favor_precision=precision, include_comments=False,
            include_tables=True, with_metadata=False, deduplicate=False, fast=FAST,
        )
    except Exception:  # trafilatura raises assorted errors on odd trees; the fallback copes
        return []
    text = getattr(doc, "text", None) or ""
    text = text.replace("\\|", "|")  # trafilatura escapes pipes inside table cells
    return [Line(t.strip()) for t in text.split("\n") if t.strip()]


def _readability(html: str) -> list[Line]:
    try:
        from readability import Document

        summary = Document(html).summary(html_partial=True)
        return lines(parse(summary))
    except Exception:  # readability fails loudly on fragments; then there is no fallback text
        return []


def _thin(found: list[Line]) -> int:
    return sum(content_length(l.text) for l in found)


def _prose(found: list[Line]) -> int:
    """Tokens in sentence-like lines: navigation, headline lists and disclaimers do not count."""
    total = 0
    for line in found:
        size = content_length(line.text)
        if size >= 16 and _SENTENCE.search(line.text) and not is_noise(line.text):
            total += size
    return total


def candidate_lines(tree, html: str, url: str, page_prose: int = 0, chinese: bool = True) -> list[Line]:
    """Text the extractors keep: precision first, balanced when thin, readability last.

    'Thin' is judged against the prose on the whole page: a precision pass that kept a
    comment notice and a few headlines of a long article page has missed the article.
    """
    best: list[Line] = []
    enough = max(ENOUGH, int(page_prose * 0.4))
    # Precision mode pays off on Chinese portals; on other pages trafilatura's default is best.
    modes = (True, False) if chinese else (False, True)
    for precision in modes:
        found = _trafilatura(tree, url, precision)
        if _prose(found) > _prose(best):
            best = found
        if _prose(best) >= min(enough, page_prose):
            return best  # enough, or all the prose the page has: another pass cannot find more
    if _prose(best) < ENOUGH <= page_prose:  # both trafilatura passes missed: readability may not
        found = _readability(html)
        if _prose(found) > _prose(best):
            best = found
    return best


def _table_cells(found: list[Line]) -> list[Line]:
    """trafilatura renders layout tables as '| cell | cell |': one line per cell instead."""
    out = []
    for line in found:
        text = line.text
        if text.startswith("|") and text.endswith("|"):
            out += [Line(c.strip()) for c in text.strip("|").split(" | ") if c.strip() and c.strip() != "---"]
        else:
            out.append(line)
    return out


def body_lines(tree, html: str, url: str, page_lines: list[Line], title: str = ""):
    """(container, lines): the extractors decide what is article text; the DOM gives its shape.

    Paragraph breaks and caption marks come from the page's own blocks, kept where the
    extractor kept their text: whole short lines, or long lines found inside its output.
    """
    sample = "".join(l.text for l in page_lines[:400])
    chinese = len(CJK_RE.findall(sample)) >= 0.2 * max(1, content_length(sample))
    found = _table_cells(candidate_lines(tree, html, url, _prose(page_lines), chinese))
    whole = {l.key for l in found}
    kept = "".join(whole_key for whole_key in (l.key for l in found))
    keys = [line.key for line in page_lines]
    sure = [i for i, k in enumerate(keys) if k and (k in whole or (len(k) >= 20 and k in kept))]
    title_key = compact(title)
    if sure:
        # short lines (sub-headings) inside merged extractor text count between sure lines
        span = range(sure[0], sure[-1] + 1)
        picked = sorted(set(sure) | {i for i in span if keys[i] and keys[i] in kept})
    else:
        picked = []
    if _thin([page_lines[i] for i in picked]) < _thin(found) * 0.9:
        return None, _below_title(found, title_key)  # the DOM disagrees: trust the extractor's text
    # Nothing above the headline is article text (navigation, sidebars of table layouts):
    # cut at the headline occurrence right above the first real paragraph.
    heads = [i for i, k in enumerate(keys) if title_key and k == title_key]
    first = next((i for i in picked if _is_paragraph(page_lines[i])), None)
    top = max((i for i in heads if first is not None and i < first), default=None)
    shaped = [page_lines[i] for i in picked if top is None or i > top]
    return container(shaped), shaped


def _is_paragraph(line: Line) -> bool:
    return content_length(line.text) >= 30 and bool(_SENTENCE.search(line.text)) and not is_noise(line.text)


def _below_title(found: list[Line], title_key: str) -> list[Line]:
    """Drop what an extractor kept above the headline (table layouts put sidebars there)."""
    heads = [i for i, line in enumerate(found) if title_key and line.key == title_key]
    for index in reversed(heads):
        if _prose(found[index + 1:]) >= ENOUGH:
            return found[index + 1:]
    return found


def container(shaped: list[Line]):
    """The smallest element holding the longest body paragraphs (for figures).

    The longest paragraphs are article text even when the extractor kept some navigation
    or footer lines at the edges.
    """
    longest = sorted(shaped, key=lambda l: len(l.text), reverse=True)[:3]
    nodes = [l.element for l in longest if l.element is not None]
    if not nodes:
        return None
    common = [nodes[0], *nodes[0].iterancestors()]
    for node in nodes[1:]:
        chain = {node, *node.iterancestors()}
        common = [a for a in common if a in chain]
    return common[0] if common else None


def prose_length(paragraphs: list[str]) -> int:
    return _prose([Line(p) for p in paragraphs])
