"""extract_article: bytes + URL in, Article or Rejection out. No Scrapy here."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

from . import headline, meta as metalib, profiles, verdict
from .article import BINARY, ERROR, UNPARSEABLE, Article, Rejection
from .clean import body_length, clean_lines, is_noise
from .decode import DecodeError, decode_html
from .dom import Line, ParseError, lines, meta_content, parse, select, select_first, text_of
from .figures import figures, lead_images
from .generic import body_lines
from .normalize import DATE_RE, make_iso, normalize_datetime, normalize_names, normalize_source, parse_datetime
from .text import compact, norm_space

log = logging.getLogger(__name__)

_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")
_ENP = re.compile(r"<(?:founder-)?(title|subtitle|introtitle|pretitle|date|author|nodename)>(.*?)</", re.S | re.I)
_FOOTER = re.compile(r"Copyright|版权所有|版權所有|©|ICP\s*备|公网安备|关于我们|违法和不良信息")


def extract_article(
    body: bytes | str,
    url: str,
    headers: Mapping | None = None,
    more_pages: Iterable[bytes | str] = (),
) -> Article | Rejection:
    """Read one article page (plus pages 2..N of a multi-page article) into an Article.

    Never raises: bad input, non-articles and internal failures come back as a Rejection.
    """
    try:
        return _extract(body, url, headers, list(more_pages))
    except DecodeError as exc:
        return Rejection(url, exc.code, exc.detail)
    except ParseError as exc:
        return Rejection(url, UNPARSEABLE, str(exc))
    except RecursionError:
        return Rejection(url, UNPARSEABLE, "HTML is nested too deeply to read")
    except Exception as exc:  # a bug must cost one page, never the crawl
        log.exception("extraction failed on %s", url)
        return Rejection(url, ERROR, f"{type(exc).__name__}: {exc}")


def _extract(body, url, headers, more_pages) -> Article | Rejection:
    html, encoding = decode_html(body, headers)
    if "<" not in html[:4096] and "\x00" in html:
        return Rejection(url, BINARY, "the body is not HTML")
    tree = parse(html)
    home = profiles.effective_url(url, tree)  # a replica's page is read as its original would be
    profile = profiles.choose(home, tree)
    page_lines = lines(tree.find("body") if tree.find("body") is not None else tree)
    enp = _enpproperty(html) if profile and profile.enpproperty else {}

    title = enp.get("title") or headline.find_title(tree, profile.title if profile else ())
    generic = profiles.generic()
    pretitle = (_first_text(tree, profile.pretitle if profile else ()) or enp.get("introtitle") or enp.get("pretitle")
                or _headline_part(tree, generic.pretitle, title))
    subtitle = (_first_text(tree, profile.subtitle if profile else ()) or enp.get("subtitle")
                or _headline_part(tree, generic.subtitle, title))

    box, raw_body, profile_used = _body_source(tree, html, url, profile, page_lines, title)
    later_trailers: list[Line] = []
    for extra in more_pages:
        more_body, more_trailer = _continuation_lines(extra, url, headers, profile)
        raw_body += more_body
        later_trailers += more_trailer

    heads = [t for t in (title, pretitle, subtitle) if t]
    cleaned = clean_lines(raw_body, drop_texts=heads)
    paragraphs = cleaned.paragraphs

    header, trailer = _regions(page_lines, title, paragraphs)
    if not subtitle:
        subtitle = _generic_subtitle(header, title)
        if subtitle:
            paragraphs = [p for p in paragraphs if compact(p) != compact(subtitle)]
    if profile:
        known = _lines_of(tree, profile.header)
        header = known + [l for l in header if l.element not in {k.element for k in known}]
        trailer = _lines_of(tree, profile.trailer) + trailer
    trailer += later_trailers  # the 编辑 line of a multi-page article may sit on its last page

    found = metalib.Meta()
    found.merge(_region_meta(header))
    found.merge(cleaned.meta)
    found.merge(_region_meta(trailer, trailer=True))
    if not found.source:  # '<span class="source">中国青年报</span>': portals often drop the label
        found.source = _source_element(tree)
    if not found.authors:  # <meta name="author" content="中工网记者 邹文涛"> as a last resort
        tagged = meta_content(tree, "author", "article:author") or ""
        if metalib.has_role(tagged):  # a bare word there is as often the site ("网易") as a person
            found.authors = metalib.parse_credits(tagged)

    site = (_first_text(tree, profile.site_from) if profile else None) or headline.find_site(
        tree, home, profile.site if profile else None, profiles.site_for_host(home), title)
    if profile and profile.authors:
        found.authors = normalize_names([text_of(el) for el in select(tree, profile.authors)]) + found.authors
    rejection = verdict.not_article(tree, url, title, paragraphs, encoding, cleaned.links, cleaned.dates)
    if rejection:
        return rejection

    published = _published_at(tree, url, profile, enp, found)
    page_no, page_name = cleaned.page_no, cleaned.page_name
    if profile and profile.date_from_url and not page_name:
        number = _url_page(url, profile)
        page_no, page_name = _epaper_page(page_lines, number)
        page_no = page_no or (str(number).zfill(2) if number else None) or _masthead_page(page_lines)
        node = enp.get("nodename") or ""
        named = metalib.EPAPER_PAGE.search(node)
        page_name = (named.group("name") if named else node) or page_name
    channel = (
        _first_text(tree, profile.channel if profile else ())
        or (page_name if profile and profile.date_from_url else None)
        or headline.breadcrumb(tree, page_lines, site)
        or headline.channel_from_title(tree, site)
    )
    images = figures(tree, url, box, profile, cleaned.captions, lead_images(page_lines, title, box))
    return Article(
        url=url,
        title=title,
        body="\n".join(paragraphs),
        site=site,
        channel=channel,
        pretitle=pretitle or None,
        subtitle=_strip_dashes(subtitle),
        published_at=published,
        # an e-paper's own articles are published by the paper itself
        source=found.source or (site if profile and profile.date_from_url else None),
        authors=normalize_names(found.authors),
        editors=normalize_names(found.editors),
        images=images,
        page_no=page_no,
        page_name=page_name,
        encoding=encoding,
        profile=profile_used or "generic",
    )


def _first_text(tree, selectors) -> str | None:
    found = select(tree, selectors)
    return text_of(found[0]) or None if found else None


def _lines_of(tree, selectors) -> list[Line]:
    out: list[Line] = []
    for el in select(tree, selectors):
        out += lines(el)
    return out


def _body_source(tree, html, url, profile, page_lines=None, title=""):
    """(container element, raw body lines, profile name or None for the generic path)."""
    if profile and profile.body:
        found = select(tree, profile.body)
        if found:
            box = found[0]
            skip = frozenset(el for sel in profile.drop for el in select(box, sel))
            raw = lines(box, skip=skip)
            if body_length([l.text for l in raw]) >= verdict.MIN_BODY // 2:
                return box, raw, profile.name
    if page_lines is None:
        page_lines = lines(tree.find("body") if tree.find("body") is not None else tree)
    box, raw = body_lines(tree, html, url, page_lines, title)
    return box, raw, None


def _continuation_lines(extra, url, headers, profile) -> tuple[list[Line], list[Line]]:
    """Body and trailer lines of page 2..N, read with the same profile as page 1."""
    try:
        html, _ = decode_html(extra, headers)
        tree = parse(html)
    except (DecodeError, ParseError):
        return [], []
    _, raw, _ = _body_source(tree, html, url, profile)
    return raw, (_lines_of(tree, profile.trailer) if profile else [])


def _regions(page_lines: list[Line], title: str, paragraphs: list[str]) -> tuple[list[Line], list[Line]]:
    """Lines between the headline and the body (date/来源), and just after the body (编辑)."""
    if not paragraphs:
        return [], []
    keys = [l.key for l in page_lines]
    first, last = compact(paragraphs[0])[:24], compact(paragraphs[-1])[-24:]
    start = next((i for i, k in enumerate(keys) if first and first in k), None)
    if start is None:
        return [], []
    end = next((i for i in range(start, len(keys)) if last and last in keys[i]), start)
    tkey = compact(title)
    top = next((i for i in range(start - 1, max(-1, start - 15), -1) if tkey and keys[i] == tkey), None)
    if top is not None:
        above = [l for l in page_lines[max(0, top - 2): top] if metalib.parse_line(l.text)]
        header = above + page_lines[top + 1: start]
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


def _region_meta(region: list[Line], trailer: bool = False) -> metalib.Meta:
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


def _generic_subtitle(header: list[Line], title: str) -> str | None:
    """A short line between the headline and the date line is a 副题."""
    before_meta = []
    for line in header:
        text = line.text
        if (metalib.parse_line(text) is not None or metalib.credit_line(text) is not None
                or metalib.EPAPER_HEADER.match(text) or metalib.is_weekday_header(text)):
            break
        before_meta.append(line)
    if len(before_meta) == 1 and not before_meta[0].caption:
        text = before_meta[0].text
        if (4 <= len(text) <= 60 and not is_noise(text) and compact(text) != compact(title)
                and not headline._CRUMB_LINE.match(text) and not DATE_RE.search(text)):
            return text
    return None


def _enpproperty(html: str) -> dict[str, str]:
    start = html.find("enpproperty")
    if start < 0:
        return {}
    chunk = html[start: html.find("enpproperty", start + 11) + 1 or start + 4000]
    return {k.lower(): norm_space(v) for k, v in _ENP.findall(chunk) if norm_space(v)}


def url_date(url: str) -> str | None:
    match = _URL_DATE.search(url.split("?", 1)[0])
    return make_iso(*match.groups()) if match else None


def _published_at(tree, url, profile, enp, found) -> str | None:
    if profile and profile.date_from_url:
        issue = normalize_datetime(enp.get("date")) or url_date(url)
        if issue:
            return issue[:10]
    if found.published_at:
        return found.published_at
    tagged = meta_content(
        tree, "article:published_time", "publishdate", "pubdate", "publish_date", "PubDate",
        "og:release_date", "dc.date", "dc.date.issued", "datePublished", "firstpublishedtime",
    )
    return (normalize_datetime(tagged) or normalize_datetime(enp.get("date")) or found.loose_published_at
            or url_date(url))


def _strip_dashes(text: str | None) -> str | None:
    """'——记唐山市劳动模范' → '记唐山市劳动模范': the dash is typography, not the headline."""
    return re.sub(r"^[—\-－–]+\s*", "", text).strip() or None if text else None


def _url_page(url: str, profile) -> int | None:
    pattern = profile.extra.get("page_in_url")
    match = re.search(pattern, url) if pattern else None
    return int(match.group(1)) if match else None


def _epaper_page(page_lines: list[Line], number: int | None) -> tuple[str | None, str | None]:
    """The current 版 ('第03版:工会') of an e-paper article.

    The page-list entry with the URL's page number, else the one mention that is not a link.
    """
    for line in page_lines:
        if len(line.text) > 40:
            continue
        for match in metalib.EPAPER_PAGE.finditer(line.text):
            if int(metalib.epaper_page_number(match)) == number or (
                number is None and line.link_chars <= len(line.text) - len(match.group(0))
            ):
                return metalib.epaper_page_number(match), match.group("name")
    return None, None


def _masthead_page(page_lines: list[Line]) -> str | None:
    """'《工人日报》(2024年05月20日 01版)' → '01'."""
    for line in page_lines:
        if metalib.EPAPER_HEADER.match(line.text):
            match = re.search(r"0*(\d{1,3})\s*版", line.text)
            return match.group(1).zfill(2) if match else None
    return None


def _headline_part(tree, selectors, title: str) -> str | None:
    """引题/副题 from the usual class names, when short and not the headline itself."""
    found = select_first(tree, selectors)
    text = text_of(found[0]) if found else None
    if text and len(text) <= 60 and compact(text) != compact(title):
        return text
    return None



_SOURCE_CLASS = re.compile(r"source|media-name|laiyuan", re.I)


def _source_element(tree) -> str | None:
    """A short element whose class names it the source, when no 来源 label said so."""
    for el in tree.iter():
        ident = el.get("class") if isinstance(el.tag, str) else None
        if ident and _SOURCE_CLASS.search(ident):
            text = re.sub(r"^(?:来源|來源|稿源)\s*[:：]?\s*", "", text_of(el))
            text = re.sub(r"[^\w)）》]+$", "", text)  # '中国气象爱好者 ⋅'
            if (2 <= len(text) <= 20 and not DATE_RE.search(text) and re.search(r"[\u4e00-\u9fff]", text)
                    and not re.search(r"编辑|作者|责任|记者|[:：]", text)):
                return normalize_source(text)
    return None
