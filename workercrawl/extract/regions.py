"""The lines around the body: the header (headline to first paragraph: date, 来源, byline)
and the trailer (just after the body: 编辑, 来源), and what they say."""

from __future__ import annotations

import re

from . import byline, headline, meta as metalib
from .clean import is_noise
from .dom import Line, classed, text_of
from .normalize import DATE_RE, normalize_source, parse_datetime
from .text import compact, content_length

_FOOTER = re.compile(r"Copyright|版权所有|版權所有|©|ICP\s*备|公网安备|关于我们|违法和不良信息")
_SENTENCE = re.compile(r"[。，；！？,;]")


def _first_prose(paragraphs: list[str], title: str = "") -> str:
    """The first paragraph that reads as text: a 副题 or a caption may come before it, or the
    headline itself when the body kept it with a suffix the title lost ('标题｜峰会名')."""
    head = re.sub(r"\W", "", title)  # quotes may differ: the title's are normalized
    for paragraph in paragraphs[:4]:
        if head and re.sub(r"\W", "", paragraph).startswith(head):
            continue
        if content_length(paragraph) >= 20 and _SENTENCE.search(paragraph):
            return paragraph
    return paragraphs[0]


def _widget(line: Line) -> bool:
    """Share bars and link rows between the headline and the text: they say nothing."""
    text = line.text
    if metalib.parse_line(text) or DATE_RE.search(text) or byline.is_account_card(line):
        return False
    return is_noise(text) or line.link_chars >= len(text) * 0.5


def _is_headline(key: str, tkey: str) -> bool:
    """The headline's line, a comment counter glued on or not ('第二章 失乡号的船长241')."""
    return key == tkey or (key.startswith(tkey) and key[len(tkey):].isdigit() and len(key) - len(tkey) <= 5)


def _list_date(page_lines: list[Line], index: int) -> bool:
    """A bare date right after a link ('【光明日报】郭齐勇…' / '2018/06/22'): a sidebar list's entry
    that ends just above the headline, not the article's date."""
    text = page_lines[index].text
    date = DATE_RE.search(text)
    if not date or len(text) - len(date.group(0)) > 2 or index == 0:
        return False
    before = page_lines[index - 1]
    return before.link_chars >= len(before.text) * 0.5 > 0


def regions(page_lines: list[Line], title: str, paragraphs: list[str]) -> tuple[list[Line], list[Line]]:
    """Lines between the headline and the body (date/来源), and just after the body (编辑)."""
    if not paragraphs:
        return [], []
    keys = [l.key for l in page_lines]
    first, last = compact(_first_prose(paragraphs, title))[:24], compact(paragraphs[-1])[-24:]
    start = next((i for i, k in enumerate(keys) if first and first in k), None)
    if start is None:
        return [], []
    end = next((i for i in range(start, len(keys)) if last and last in keys[i]), start)
    tkey = compact(title)
    top = next((i for i in range(start - 1, max(-1, start - 30), -1) if tkey and _is_headline(keys[i], tkey)), None)
    if top is not None:
        above = [l for i, l in enumerate(page_lines[max(0, top - 2): top], start=max(0, top - 2))
                 if (metalib.parse_line(l.text) or metalib.credit_line(l.text)) and not _list_date(page_lines, i)]
        header = above + [l for l in page_lines[top + 1: start] if not _widget(l)]
    else:
        # headline not found: only labelled lines ('发布时间：…'), never a sidebar's bare dates
        header = [l for l in page_lines[max(0, start - 4): start] if metalib.has_label(l.text)]
    trailer = []
    for line in page_lines[end + 1: end + 13]:
        if _FOOTER.search(line.text):
            break  # the page footer: nothing below belongs to the article
        if (is_noise(line.text) or line.link_chars >= len(line.text) * 0.5) and not metalib.parse_line(line.text):
            continue  # a share bar or a related list between the body and the 编辑 line
        trailer.append(line)
    return header[-10:], trailer


def region_meta(region: list[Line], trailer: bool = False) -> metalib.Meta:
    found = metalib.Meta()
    if not trailer:
        # between headline and body any date is the publish date, labelled or not
        # ('发表于2014-08-24 21:30| 1164次阅读', '原创 南方都市报 2019-09-09 16:01:46')
        for line in region:
            if len(line.text) <= 100 and not metalib.is_weekday_header(line.text):
                label = metalib.parse_line(line.text)
                if label and label.published_at and metalib.has_label(line.text):
                    found.published_at = label.published_at
                    break
                stamp = parse_datetime(line.text)
                if stamp and not found.loose_published_at:
                    found.loose_published_at = stamp
        found.merge(byline.header_byline(region))
    for line in region:
        text = line.text
        if metalib.is_weekday_header(text):
            continue
        label = metalib.parse_line(text)
        if label is not None:
            if trailer and not metalib.TIME_LABEL.search(text):
                label.published_at = None  # unlabelled dates under the body belong to lists
            found.merge(label)
            continue
        credit = metalib.credit_line(text)
        if credit:
            found.authors += credit
    return found


_CLOCK = re.compile(r"\d{1,2}[-/月]\d{1,2}日?\s*\d{1,2}:\d{2}")  # '工人日报 05-20 09:12': a byline, yearless


def generic_subtitle(header: list[Line], title: str) -> str | None:
    """A short line between the headline and the date line is a 副题."""
    before_meta = []
    for line in header:
        text = line.text
        if (metalib.parse_line(text) is not None or metalib.credit_line(text) is not None
                or metalib.EPAPER_HEADER.match(text) or metalib.is_weekday_header(text)
                or byline.is_account_card(line)):
            break
        before_meta.append(line)
    if len(before_meta) == 1 and not before_meta[0].caption:
        text = before_meta[0].text
        if (4 <= len(text) <= 60 and not is_noise(text) and compact(text) != compact(title)
                and not headline._CRUMB_LINE.match(text) and not DATE_RE.search(text) and not _CLOCK.search(text)
                and not byline.slash_byline(text) and not byline.is_publisher(text)):
            return text
    return None


_MEDIA = re.compile(r"(?:^|\s)media(?:\s|$)")


def source_element(tree, header: list[Line]) -> str | None:
    """A short element whose class names it the source, when no 来源 label said so.

    Looked for in the header first; elsewhere only outside lists, where a 'source' class
    marks the publisher of each recommended story, not this one's.
    """
    near = (el for line in header if line.element is not None for el in line.element.iter())
    for where, elements in (("header", near), ("page", classed(tree))):
        for el in elements:
            ident = _ident(el)
            if not ident or (where == "page" and _in_list(el)):
                continue
            # a bare class 'media' names the publisher only next to the headline ('红星新闻')
            if not byline.SOURCE_CLASS.search(ident) and not (
                    where == "header" and _MEDIA.search(ident) and byline.is_publisher(text_of(el))):
                continue
            text = re.sub(r"^(?:来源|來源|稿源)\s*[:：]?\s*", "", text_of(el))
            text = re.sub(r"[^\w)）》]+$", "", text)  # '中国气象爱好者 ⋅'
            if (2 <= len(text) <= 20 and not DATE_RE.search(text) and re.search(r"[\u4e00-\u9fff]", text)
                    and not re.search(r"编辑|作者|责任|记者|[:：]", text)):
                return normalize_source(text)
    return None


def _ident(el) -> str:
    if not isinstance(el.tag, str):
        return ""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _in_list(el) -> bool:
    return any(a.tag == "li" for a in el.iterancestors())
