"""extract_article: bytes + URL in, Article or Rejection out. No Scrapy here."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Optional, Protocol, Union
from urllib.parse import urljoin

from lxml import etree

from . import headline, meta as metalib, pagedata, platforms, profiles, regions, verdict
from .article import BINARY, ERROR, UNPARSEABLE, Article, Rejection
from .clean import body_length, clean_lines, signed_by_office
from .decode import DecodeError, decode_html
from .dom import CutShort, Line, ParseError, lines, meta_content, parse, select, select_first, text_of
from .figures import figures, lead_images
from .generic import body_lines
from .normalize import is_handle, is_person_name, make_iso, normalize_datetime, normalize_names
from .text import compact, norm_space

log = logging.getLogger(__name__)

_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")


class _Served(Protocol):
    """A response as a crawl keeps it (items.Fetched): its body and the headers it came with."""

    body: bytes
    headers: Optional[Mapping]


# A continuation page: its bytes (or text), a (body, headers) pair, or a _Served response.
MorePage = Union[bytes, str, tuple[Union[bytes, str], Optional[Mapping]], _Served]
_ENP = re.compile(r"<(?:founder-)?(title|subtitle|introtitle|pretitle|date|author|nodename)>(.*?)</", re.S | re.I)


def extract_article(
    body: bytes | str,
    url: str,
    headers: Mapping | None = None,
    more_pages: Iterable[MorePage] = (),
) -> Article | Rejection:
    """Read one article page (plus pages 2..N of a multi-page article) into an Article.

    `more_pages` items are each page's bytes (decoded with page 1's `headers`, then their own
    <meta>), or (bytes, headers) pairs / objects with `.body` and `.headers` (a crawl's
    Fetched) to decode each page with the headers it was served with.
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
    page_lines = lines(tree)  # the whole tree: a stray </body> can leave the article outside <body>
    enp = _enpproperty(html) if profile and profile.enpproperty else {}

    title = enp.get("title") or headline.find_title(tree, profile.title if profile else (), page_lines)
    generic = profiles.generic()
    pretitle = (_first_text(tree, profile.pretitle if profile else ()) or enp.get("introtitle") or enp.get("pretitle")
                or _headline_part(tree, generic.pretitle, title))
    subtitle = (_first_text(tree, profile.subtitle if profile else ()) or enp.get("subtitle")
                or _headline_part(tree, generic.subtitle, title))

    box, raw_body, profile_used = _body_source(tree, url, profile, page_lines, title)
    later_trailers: list[Line] = []
    for number, extra in enumerate(more_pages, start=2):
        try:
            more_body, more_trailer = _continuation_lines(extra, url, headers, profile, bool(profile_used), title, box)
        except CutShort as exc:  # a page of the article not read whole: the article is not whole
            raise CutShort(f"page {number}: {exc}") from exc
        raw_body += more_body
        later_trailers += more_trailer

    broken = headline.broken_headline(page_lines, title)
    if broken:  # the headline as the page shows it, over several lines of the text block
        title, parts, note = broken
        subtitle = subtitle or note
        heads = [t for t in (pretitle, subtitle, *parts) if t]
    else:
        heads = [t for t in (title, pretitle, subtitle) if t]
    dropped = [] if profile_used else _dropped_texts(tree, profile, generic)
    cleaned = clean_lines(raw_body, drop_texts=heads + dropped)
    paragraphs = cleaned.paragraphs

    header, trailer = regions.regions(page_lines, title, paragraphs)
    if not subtitle:
        subtitle = regions.generic_subtitle(header, title)
        if subtitle:
            paragraphs = [p for p in paragraphs if compact(p) != compact(subtitle)]
    if profile:
        known = _lines_of(tree, profile.header)
        header = known + [l for l in header if l.element not in {k.element for k in known}]
        trailer = _lines_of(tree, profile.trailer) + trailer
    trailer += later_trailers  # the 编辑 line of a multi-page article may sit on its last page

    found = metalib.Meta()
    found.merge(regions.region_meta(header))
    found.merge(cleaned.meta)
    found.merge(regions.region_meta(trailer, trailer=True))
    if not found.source:  # '<span class="source">中国青年报</span>': portals often drop the label
        found.source = (found.loose_source or regions.source_element(tree, header)
                        or metalib.dateline_publisher(paragraphs[0] if paragraphs else ""))
    tagged = meta_content(tree, "author", "article:author") or ""
    if not found.authors and metalib.has_role(tagged):
        # <meta name="author" content="中工网记者 邹文涛"> as a last resort; a bare word there is
        # as often the site ("网易") as a person
        found.authors = metalib.parse_credits(tagged)
    if not found.editors and tagged:  # <meta name="author" content="责任编辑：梁敏">
        labelled = metalib.parse_line(tagged)
        found.editors = labelled.editors if labelled else []

    site = (_first_text(tree, profile.site_from) if profile else None) or headline.find_site(
        tree, home, profile.site if profile else None, profiles.site_for_host(home), title)
    if profile and profile.authors:
        found.authors = normalize_names([text_of(el) for el in select(tree, profile.authors)]) + found.authors
    found.authors = normalize_names(_rel_author(tree) + found.authors)
    data = pagedata.PageData(tree)
    published = _published_at(tree, url, profile, enp, found, data)
    if not published and signed_by_office(paragraphs[:-1], paragraphs[-1] if paragraphs else ""):
        published = normalize_datetime(paragraphs[-1])  # a notice dated only by its signature
    rejection = verdict.not_article(tree, url, title, paragraphs, encoding, cleaned.links, cleaned.dates,
                                    page_lines=page_lines, dated=bool(published))
    if rejection:
        return rejection
    page_no, page_name = cleaned.page_no, cleaned.page_name
    if profile and profile.date_from_url and not page_name:
        number = _url_page(url, profile)
        page_no, page_name = _epaper_page(page_lines, number)
        page_no = page_no or (str(number).zfill(2) if number else None) or _masthead_page(page_lines)
        node = enp.get("nodename") or ""
        named = metalib.EPAPER_PAGE.search(node)
        page_name = (named.group("name") if named else node) or page_name
    paper = not profile and not page_name and _standalone_page(page_lines)  # an e-paper no profile knows
    if paper:
        page_no, page_name = paper
    channel = (
        _first_text(tree, profile.channel if profile else ())
        or (page_name if (profile and profile.date_from_url) or paper else None)
        or headline.breadcrumb(tree, page_lines, site)
        or headline.channel_from_title(tree, site)
    )
    images = figures(tree, url, box, profile, cleaned.captions, lead_images(page_lines, title, box))
    # A self-media platform's account (头条号, 公众号…) publishes the post: the source when no
    # 来源 names another, never an author. Elsewhere (blogs, communities) a user's name card signs it.
    self_media = platforms.is_self_media(home, found.source)
    account = found.account or (site if self_media and profile and profile.site_from else None)
    if self_media and account and platforms.is_platform_name(found.source):
        found.source = None  # the platform hosting the account's post is no publisher
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
        source=found.source or (site if (profile and profile.date_from_url) or paper else None) or data.source(account)
        or (account if self_media else None),
        authors=normalize_names(found.authors) or _poster(tree, profile) or _microdata_author(tree)
        or ([account] if account and not self_media else []),
        editors=normalize_names(found.editors),
        images=images,
        page_no=page_no,
        page_name=page_name,
        encoding=encoding,
        profile=profile_used or "generic",
        canonical=canonical_link(tree, url),
    )


def _rel_author(tree) -> list[str]:
    """<a rel="author">十三</a>: the byline link blogs and WordPress themes mark as the author's,
    when the page marks one name only (lists of other posts would mark many) and it is a name."""
    texts = {text_of(a) for a in tree.iter("a") if "author" in (a.get("rel") or "").lower().split()}
    return metalib.person_names(list(texts)) if len(texts) == 1 else []


def _poster(tree, profile) -> list[str]:
    """A blog's or community's user card (profiles.toml `poster`): the first one is the post's.
    A handle is kept as the platform prints it ('私~川流', 'A-肖老师-树谷学院')."""
    if not (profile and profile.poster):
        return []
    found = select(tree, profile.poster)
    if not found:
        return []
    name = " ".join((text_of(found[0]) or found[0].get("content") or found[0].get("title") or "").split())
    return [name] if is_person_name(name) or is_handle(name) else []


_PERSON_AUTHOR = etree.XPath(
    "//*[contains(@itemprop, 'author') and contains(@itemtype, 'Person')]//*[@itemprop='name']")


def _microdata_author(tree) -> list[str]:
    """<p itemprop="author" itemtype="…/Person"><span itemprop="name">白居易</span>: schema.org
    microdata naming a Person as the author, when the page names one person only."""
    texts = {" ".join((text_of(el) or el.get("content") or "").split()) for el in _PERSON_AUTHOR(tree)}
    return metalib.person_names(list(texts)) if len(texts) == 1 else []


def canonical_link(tree, url: str) -> str | None:
    """The absolute http(s) URL of the page's <link rel=canonical>, if it has one."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
            target = urljoin(url, link.get("href").strip())
            return target if target.startswith(("http://", "https://")) else None
    return None


def _first_text(tree, selectors) -> str | None:
    found = select(tree, selectors)
    return text_of(found[0]) or None if found else None


def _dropped_texts(tree, profile, generic) -> list[str]:
    """On the generic path, the lines of the boxes a profile (or [generic]) names as not text
    ('.zhaiyao': a summary box over the text) leave the body wherever the extractor put them."""
    selectors = (*(profile.drop if profile else ()), *generic.drop)
    return [l.text for l in _lines_of(tree, selectors)] if selectors else []


def _lines_of(tree, selectors) -> list[Line]:
    out: list[Line] = []
    for el in select(tree, selectors):
        out += lines(el)
    return out


def _body_source(tree, url, profile, page_lines=None, title=""):
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
        page_lines = lines(tree)  # the whole tree: a stray </body> can leave the article outside <body>
    box, raw = body_lines(tree, url, page_lines, title)
    return box, raw, None


def _continuation_lines(extra, url, headers, profile, profile_box: bool, title: str, first_box) -> tuple[list[Line], list[Line]]:
    """Body and trailer lines of page 2..N, read as page 1 was.

    Decoded with the page's own headers when the caller has them (else page 1's), then its
    <meta>. The box page 1's text came from is the box here: the profile's body element when
    page 1 took its text from it (`profile_box`), whatever its length, since a last page may
    hold one sentence; else the generic path with the headline known (nothing above it is
    text), kept to the element standing where page 1's box stands.
    """
    body, own = _page_and_headers(extra, headers)
    try:
        html, _ = decode_html(body, own)
        tree = parse(html)
    except CutShort:
        raise
    except (DecodeError, ParseError):
        return [], []
    trailer = _lines_of(tree, profile.trailer) if profile else []
    if profile_box:
        found = select(tree, profile.body)
        if found:
            skip = frozenset(el for sel in profile.drop for el in select(found[0], sel))
            return lines(found[0], skip=skip), trailer
    _, raw = body_lines(tree, url, lines(tree), title)
    same = _same_elements(tree, first_box)
    if same:
        def placed(line: Line) -> bool:
            return line.element is not None and any(_within(line.element, el) for el in same)
        if any(placed(l) for l in raw):
            raw = [l for l in raw if l.element is None or placed(l)]
        else:  # the extractor kept nothing where page 1's text stands: that element's text is this page's
            raw = [l for el in same for l in lines(el)]
    return raw, trailer


def _page_and_headers(extra, headers) -> tuple[bytes | str, Mapping | None]:
    """(body, headers) of a continuation page: its own headers when given (an empty mapping
    says nothing), else page 1's."""
    if isinstance(extra, (bytes, bytearray, str)):
        return extra, headers
    if isinstance(extra, (tuple, list)):
        body, own = (*extra, None)[:2]
    else:
        body, own = getattr(extra, "body", b""), getattr(extra, "headers", None)
    return body, own or headers


def _signature(el) -> tuple:
    """Where an element sits in its template: tag, class and id of it and each ancestor."""
    return tuple((a.tag, a.get("class") or "", a.get("id") or "") for a in (el, *el.iterancestors()))


def _same_elements(tree, box) -> list:
    """The elements of `tree` at the place `box` holds in page 1's template."""
    if box is None or not isinstance(box.tag, str) or box.tag in ("html", "body"):
        return []
    wanted = _signature(box)
    return [el for el in tree.iter(box.tag) if _signature(el) == wanted]


def _within(element, box) -> bool:
    return element is box or any(a is box for a in element.iterancestors())


def _enpproperty(html: str) -> dict[str, str]:
    start = html.find("enpproperty")
    if start < 0:
        return {}
    chunk = html[start: html.find("enpproperty", start + 11) + 1 or start + 4000]
    return {k.lower(): norm_space(v) for k, v in _ENP.findall(chunk) if norm_space(v)}


def url_date(url: str) -> str | None:
    match = _URL_DATE.search(url.split("?", 1)[0])
    return make_iso(*match.groups()) if match else None


def _published_at(tree, url, profile, enp, found, data: pagedata.PageData) -> str | None:
    if profile and profile.date_from_url:
        issue = normalize_datetime(enp.get("date")) or url_date(url)
        if issue:
            return issue[:10]
    tagged = meta_content(
        tree, "article:published_time", "publishdate", "pubdate", "publish_date", "PubDate",
        "og:release_date", "dc.date", "dc.date.issued", "datePublished", "firstpublishedtime",
    )
    if found.published_at:
        return data.refine(found.published_at, tagged)
    if found.yearless:  # '发布时间：10-08 12:00'
        dated = data.with_year(*found.yearless)
        if dated:
            return dated
    return (normalize_datetime(tagged) or normalize_datetime(enp.get("date"))
            or data.refine(found.loose_published_at, tagged) or data.published_at or url_date(url))


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


def _standalone_page(page_lines: list[Line]) -> tuple[str, str] | None:
    """'第3版：维权' alone on a line that is no link: the 版 of an e-paper article."""
    for line in page_lines:
        text = line.text
        match = metalib.EPAPER_PAGE.match(text) if len(text) <= 16 and not line.link_chars else None
        if match and match.end() == len(text):
            return metalib.epaper_page_number(match), match.group("name")
    return None


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


