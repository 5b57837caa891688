"""The generic body path for pages no profile knows: trafilatura, then readability."""

from __future__ import annotations

import logging
import re

import lxml.html
import trafilatura

from . import meta as metalib
from .clean import TAIL_MARKERS, is_noise
from .dom import Line, lines, parse
from .text import CJK_RE, compact, content_length, norm_space

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)

_SENTENCE = re.compile(r"[。；，,;]|\.\s")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
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


# readability's cleaner drops scripts and styles anyway, but first scans every link and
# attribute of them: 0.27 s on a 770 KB WeChat page. Dropping them here is 1 ms.
_SCRIPTS = re.compile(r"<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>", re.I | re.S)


def _readability(tree) -> list[Line]:
    """readability parses its input again, with libxml2's default nesting limit (256 levels,
    beyond which it silently reads no further): it gets the page as parse() read it, whole
    and at most dom.MAX_DEPTH deep, not the raw HTML."""
    try:
        from readability import Document

        html = lxml.html.tostring(tree, encoding="unicode")
        summary = Document(_SCRIPTS.sub("", html)).summary(html_partial=True)
        return lines(parse(summary))
    except Exception:  # readability fails loudly on fragments; then there is no fallback text
        return []


def _thin(found: list[Line]) -> int:
    return sum(content_length(l.text) for l in found)


def _text(found: list[Line]) -> int:
    """Tokens in lines that are not boilerplate."""
    return sum(content_length(l.text) for l in found if not is_noise(norm_space(l.text)))


def _prose(found: list[Line]) -> int:
    """Tokens in sentence-like lines: navigation, headline lists and disclaimers do not count."""
    total = 0
    for line in found:
        size = content_length(line.text)
        if size >= 16 and _SENTENCE.search(line.text) and not is_noise(line.text):
            total += size
    return total


def candidate_lines(tree, url: str, page_prose: int = 0, chinese: bool = True) -> list[Line]:
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
        if (_prose(found), _text(found)) > (_prose(best), _text(best)):  # equal sentences: more text
            best = found
        if _prose(best) >= min(enough, page_prose):
            return best  # enough, or all the prose the page has: another pass cannot find more
    if _prose(best) < ENOUGH <= page_prose:  # both trafilatura passes missed: readability may not
        found = _readability(tree)
        # more sentences, and more text too: a report dialog's one sentence does not beat a
        # short post of code lines and headings
        if _prose(found) > _prose(best) and _text(found) > _text(best):
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


def body_lines(tree, url: str, page_lines: list[Line], title: str = ""):
    """(container, lines): the extractors decide what is article text; the DOM gives its shape.

    Paragraph breaks and caption marks come from the page's own blocks, kept where the
    extractor kept their text: whole short lines, or long lines found inside its output.
    """
    sample = "".join(l.text for l in page_lines[:400])
    chinese = len(CJK_RE.findall(sample)) >= 0.2 * max(1, content_length(sample))
    found = _table_cells(candidate_lines(tree, url, _prose(page_lines), chinese))
    whole = {l.key for l in found}
    kept = "".join(whole_key for whole_key in (l.key for l in found))
    keys = [line.key for line in page_lines]
    sure = [i for i, k in enumerate(keys) if k and (k in whole or (len(k) >= 20 and k in kept))]
    sure = sorted(set(sure) | set(_cut_short(found, keys)))
    title_key = compact(title)
    if sure:
        # short lines (sub-headings) inside merged extractor text count between sure lines
        span = range(sure[0], sure[-1] + 1)
        picked = sorted(set(sure) | {i for i in span if keys[i] and keys[i] in kept})
    else:
        picked = []
    picked = _with_sub_headings(page_lines, picked)
    closing = _editor_line(page_lines, picked)
    if _thin([page_lines[i] for i in picked]) < _thin(found) * 0.9:
        # the DOM disagrees: trust the extractor's text
        return None, _below_title(_cut_found(found, page_lines, picked, closing), title_key)
    if closing is not None:
        picked = [i for i in picked if i < closing] + [closing]
    picked = _without_related_boxes(page_lines, picked)
    picked = _without_other_stories(page_lines, picked)
    # Nothing above the headline is article text (navigation, sidebars of table layouts):
    # cut at the headline occurrence right above the first real paragraph.
    heads = [i for i, k in enumerate(keys) if title_key and k == title_key]
    first = next((i for i in picked if _is_paragraph(page_lines[i])), None)
    top = max((i for i in heads if first is not None and i < first), default=None)
    shaped = [page_lines[i] for i in picked if top is None or i > top]
    return container(shaped), shaped


def _cut_short(found: list[Line], keys: list[str]) -> list[int]:
    """Page lines the extractor kept only the start of (it may stop a paragraph at an inline
    link or quote widget): the page's whole paragraph is the article's."""
    page = set(keys)
    starts: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if len(key) > 16:
            starts.setdefault(key[:16], []).append(index)
    out = []
    for line in found:
        key = line.key
        if len(key) >= 16 and key not in page:
            out += [i for i in starts.get(key[:16], ()) if len(keys[i]) > len(key) and keys[i].startswith(key)][:1]
    return out


def _with_sub_headings(page_lines: list[Line], picked: list[int]) -> list[int]:
    """<h2>–<h6> sub-headings between two kept paragraphs of the same container: trafilatura's
    precision pass drops some ('组织覆盖：让劳动者“找得到娘家”')."""
    added = []
    for before, after in zip(picked, picked[1:]):
        for index in range(before + 1, after):
            line = page_lines[index]
            element = line.element
            if element is None or element.tag not in _HEADINGS or element.tag == "h1":
                continue
            text = line.text
            if not 2 <= content_length(text) <= 40 or is_noise(text) or TAIL_MARKERS.match(text) or metalib.parse_line(text):
                continue
            parent = element.getparent()
            if parent is not None and _inside(page_lines[before].element, parent) and _inside(page_lines[after].element, parent):
                added.append(index)
    return sorted(set(picked) | set(added)) if added else picked


def _editor_line(page_lines: list[Line], picked: list[int]) -> int | None:
    """A 责任编辑 line the extractor skipped closes the article: what it kept after that line
    (comments, keyword bars, follow-us promos) is page furniture. The line itself is kept so
    its names are read."""
    chosen = set(picked)
    for index in range(picked[0] + 1, picked[-1]) if picked else ():
        text = page_lines[index].text
        if index in chosen or len(text) > 80:
            continue
        label = metalib.parse_line(text)
        if label and label.editors and _prose([page_lines[i] for i in picked if i < index]) >= 30:
            return index
    return None


def _without_related_boxes(page_lines: list[Line], picked: list[int]) -> list[int]:
    """A '延伸·推荐' / '相关阅读' box inside the article: the extractor drops its heading and
    links but may keep a story summary in it; everything in the heading's box goes."""
    if not picked or page_lines[picked[0]].element is None:
        return picked
    chosen = set(picked)
    first = page_lines[picked[0]].element
    holds_first = {first, *first.iterancestors()}
    for index in range(picked[0] + 1, picked[-1]):
        line = page_lines[index]
        if index in chosen or line.element is None or not TAIL_MARKERS.match(line.text):
            continue
        box = None
        for ancestor in line.element.iterancestors():
            if ancestor in holds_first:
                break  # this one holds the article itself
            box = ancestor
        if box is not None:
            picked = [i for i in picked if i < index or not _inside(page_lines[i].element, box)]
    return picked


_OTHER_STORIES = re.compile(r"recommend|related|relate[ds]?\b|tuijian|xgwz|xgxw", re.I)


def _without_other_stories(page_lines: list[Line], picked: list[int]) -> list[int]:
    """Other stories the extractor took for text, outside the element holding the first
    paragraph: a box whose class names it (`detail-content__recommend`, `related-news`), or a
    stream of teasers, each summary in an `<li>` with its own headline link (a portal's
    '其他人也在看' under the article)."""
    first = next((i for i in picked if _is_paragraph(page_lines[i])), None)
    if first is None or page_lines[first].element is None or page_lines[first].element.getparent() is None:
        return picked
    home = page_lines[first].element.getparent()
    holds_first = {home, *home.iterancestors()}

    def other(line: Line) -> bool:
        if line.element is None or _inside(line.element, home):
            return False
        for ancestor in line.element.iterancestors():
            if ancestor in holds_first:
                return False
            ident = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
            if _OTHER_STORIES.search(ident):
                return True
            if ancestor.tag == "li":
                return any(len((a.text_content() or "").strip()) >= 6 and (a.text_content() or "").strip() not in line.text
                           for a in ancestor.iter("a") if a.get("href"))
        return False

    teasers = [i for i in picked if i > first and other(page_lines[i])]
    if len(teasers) < 2:
        return picked
    return [i for i in picked if i not in set(teasers)]


def _inside(element, box) -> bool:
    return element is not None and (element is box or any(a is box for a in element.iterancestors()))


def _cut_found(found: list[Line], page_lines: list[Line], picked: list[int], closing: int | None) -> list[Line]:
    """The extractor's own lines, cut where the page's 责任编辑 line stands."""
    if closing is None:
        return found
    after = {page_lines[i].key for i in picked if i > closing} - {page_lines[i].key for i in picked if i < closing}
    for position, line in enumerate(found):
        if line.key in after:
            return found[:position] + [page_lines[closing]]
    return found


def _is_paragraph(line: Line) -> bool:
    heading = line.element is not None and line.element.tag in _HEADINGS  # an SEO banner <h1>, not text
    return content_length(line.text) >= 30 and bool(_SENTENCE.search(line.text)) and not is_noise(line.text) and not heading


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
