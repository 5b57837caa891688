"""extract_article: bytes + URL in, Article or Rejection out. No Scrapy here."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urljoin

from . import headline, meta as metalib, profiles
from .article import (
    BINARY, ERROR, NOT_ARTICLE, UNPARSEABLE, Article, Image, Rejection,
)
from .clean import body_length, clean_lines, is_noise
from .decode import DecodeError, decode_html
from .dom import Line, ParseError, lines, meta_content, parse, select, select_first, text_of
from .generic import body_lines, prose_length
from .normalize import DATE_RE, make_iso, normalize_datetime, normalize_names, parse_datetime
from .text import CJK_RE, compact, norm_space

log = logging.getLogger(__name__)

MIN_BODY = 60  # tokens; shorter pages are video stubs, notices or empty templates
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")
_ERROR_PAGE = re.compile(r"404|页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|页面已删除|已被删除|不存在或已|Not Found|访问的页面", re.I)
_CHALLENGE = re.compile(r"\$_ts|_\$[a-zA-Z]{2}|__jsl_clearance|acw_sc__v2|challenge-platform|请开启JavaScript|enable JavaScript", re.I)
_ENP = re.compile(r"<(?:founder-)?(title|subtitle|introtitle|pretitle|date|author|nodename)>(.*?)</", re.S | re.I)
_IMG_SKIP = re.compile(r"qrcode|qr_code|(?:^|[/_.-])qr(?:[/_.-]|$)|erweima|ewm|logo|icon|share|weixin|wechat|(?:^|[/.])ads?[./_]|ad_\d+x\d+|spacer|blank\.gif|loading|\.gif(?:$|\?)", re.I)
_IMG_SIZE = re.compile(r"\d+")
_INTRO = re.compile(r"^[【\[]?\s*(?:导语|导读|简介|专题简介|内容简介|摘要)\s*[】\]]?\s*[:：]?")
_QR_PROMPT = re.compile(r"二维码|扫码关注|扫一扫|长按识别|关注(?:我们|公众号|该公众号)")
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
    for extra in more_pages:
        raw_body += _continuation_lines(extra, url, headers, profile)

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

    found = metalib.Meta()
    found.merge(_region_meta(header))
    found.merge(cleaned.meta)
    found.merge(_region_meta(trailer, trailer=True))
    if not found.authors:  # <meta name="author" content="中工网记者 邹文涛"> as a last resort
        tagged = meta_content(tree, "author", "article:author") or ""
        if metalib.has_role(tagged):  # a bare word there is as often the site ("网易") as a person
            found.authors = metalib.parse_credits(tagged)

    site = (_first_text(tree, profile.site_from) if profile else None) or headline.find_site(
        tree, home, profile.site if profile else None, profiles.site_for_host(home), title)
    if profile and profile.authors:
        found.authors = normalize_names([text_of(el) for el in select(tree, profile.authors)]) + found.authors
    rejection = _not_article(tree, url, title, paragraphs, encoding, cleaned.links, cleaned.dates)
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
    images = _images(tree, url, box, profile, cleaned.captions, _lead_images(page_lines, title, box))
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
            if body_length([l.text for l in raw]) >= MIN_BODY // 2:
                return box, raw, profile.name
    if page_lines is None:
        page_lines = lines(tree.find("body") if tree.find("body") is not None else tree)
    box, raw = body_lines(tree, html, url, page_lines, title)
    return box, raw, None


def _continuation_lines(extra, url, headers, profile) -> list[Line]:
    """Body lines of page 2..N, read with the same profile as page 1."""
    try:
        html, _ = decode_html(extra, headers)
        tree = parse(html)
    except (DecodeError, ParseError):
        return []
    _, raw, _ = _body_source(tree, html, url, profile)
    return raw


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


def _not_article(tree, url, title, paragraphs, encoding, cleaned_links=0, cleaned_dates=0) -> Rejection | None:
    size = body_length(paragraphs)
    head = headline.title_tag(tree) + " " + (title or "")
    if size < 200 and _ERROR_PAGE.search(head + " " + " ".join(paragraphs[:3])):
        return Rejection(url, NOT_ARTICLE, "error page (404 / page not found notice)", encoding)
    if size < MIN_BODY:
        scripts = " ".join(s.text or "" for s in tree.iter("script"))
        if _CHALLENGE.search(scripts) or _CHALLENGE.search(" ".join(m.get("content", "") for m in tree.iter("meta"))[:2000]):
            return Rejection(url, NOT_ARTICLE, "anti-bot JavaScript challenge page, no article served", encoding)
        images = sum(1 for _ in tree.iter("img"))
        kind = "gallery or video page" if images >= 3 or tree.find(".//video") is not None else "empty or too short body"
        return Rejection(url, NOT_ARTICLE, f"{kind}: {size} characters of text", encoding)
    prose = prose_length(paragraphs)
    text = "".join(paragraphs)
    chinese = len(CJK_RE.findall(text)) * 2 >= len(text)  # the shape rules below are tuned on Chinese pages
    if chinese and prose < 30 and size < 150:
        form = tree.find(".//input[@type='password']") is not None
        what = "login page" if form else "no article text (only short lines: a form, menu or notice)"
        return Rejection(url, NOT_ARTICLE, f"{what}: {size} characters of text", encoding)
    if chinese and prose < 80 and _attachment(tree):
        return Rejection(url, NOT_ARTICLE, "attachment page: the content is a linked or embedded file", encoding)
    if chinese and size < 400 and tree.find(".//video") is not None:
        return Rejection(url, NOT_ARTICLE, f"video page: a player and {size} characters of description", encoding)
    if chinese and len(paragraphs) == 1 and size < 200 and _INTRO.match(paragraphs[0]):
        return Rejection(url, NOT_ARTICLE, "landing page: an introduction and links, no article", encoding)
    if cleaned_dates >= 5 and cleaned_dates * 2 >= len(paragraphs):
        return Rejection(url, NOT_ARTICLE, f"list page: {cleaned_dates} dated items among {len(paragraphs)} lines", encoding)
    if cleaned_links >= 5 and len(compact(title or "")) <= 6 and cleaned_links * 10 >= len(paragraphs) * 7:
        return Rejection(url, NOT_ARTICLE, f"column page '{title}': {cleaned_links} headlines with summaries", encoding)
    if cleaned_links > max(5, 2 * len(paragraphs)) and prose < 150:
        return Rejection(url, NOT_ARTICLE, f"list page: {cleaned_links} link lines around {len(paragraphs)} text lines", encoding)
    if len(paragraphs) >= 5 and sum(map(len, paragraphs)) < 50 * len(paragraphs):
        # short lines only: could be a headline list (articles have long paragraphs)
        anchors = {compact(a.text_content()) for a in tree.iter("a")}
        linked = sum(1 for p in paragraphs if compact(p) in anchors)
        dated = sum(1 for p in paragraphs if re.search(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*$|\d{1,2}[-/]\d{1,2}\s*$", p))
        if linked * 2 > len(paragraphs) or dated * 2 > len(paragraphs):
            return Rejection(url, NOT_ARTICLE, f"list page: {max(linked, dated)} of {len(paragraphs)} lines are links or dated headlines", encoding)
    return None


def _lead_images(page_lines: list[Line], title: str, box) -> list:
    """Figures between the headline and the body container (a lead photo under the title)."""
    key = compact(title)
    head = next((l.element for l in page_lines if key and l.key == key), None)
    if head is None or box is None:
        return []
    found, started = [], False
    for el in head.getroottree().iter():
        if el is head:
            started = True
        elif el is box:
            break
        elif started and el.tag == "img" and not any(a.tag == "a" for a in el.iterancestors()):
            found.append(el)  # linked thumbnails are navigation, not figures
    return found[:2]


def _images(tree, url, box, profile, captions, lead=()) -> list[Image]:
    nodes = list(box.iter("img")) if box is not None else []
    outside = [n for n in [*lead, *(select(tree, profile.images) if profile else [])] if n not in nodes]
    nodes = outside[:len(lead)] + nodes + outside[len(lead):]
    out: list[Image] = []
    spare = list(captions)
    for img in nodes:
        src = img.get("data-src") or img.get("data-original") or img.get("src") or ""
        if not src or src.startswith("data:") or _IMG_SKIP.search(src):
            continue
        sizes = [int(_IMG_SIZE.match(v).group()) for v in (img.get("width"), img.get("height")) if v and _IMG_SIZE.match(v)]
        if sizes and min(sizes) < 60:
            continue
        caption = None
        if _QR_PROMPT.search(_sibling_caption(img) or ""):
            continue  # a "长按识别二维码" code, not a figure of the article
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        if figure is not None and figure.find(".//figcaption") is not None:
            caption = text_of(figure.find(".//figcaption"))
        elif img in outside:
            caption = _sibling_caption(img)
        elif spare:
            caption = spare.pop(0)
        caption = caption or norm_space(img.get("alt") or img.get("title") or "") or None
        src = urljoin(url, src)
        if all(i.src != src for i in out):
            out.append(Image(src, caption))
    return out


def _sibling_caption(img) -> str | None:
    """Text next to a figure outside the body: <img><p>caption</p> or <p><img></p><p>caption</p>."""
    for node in (img, img.getparent()):
        if node is None:
            continue
        sibling = node.getnext()
        if sibling is not None and sibling.tag not in ("img", "script"):
            text = text_of(sibling)
            if 0 < len(text) <= 120:
                return text
    return None


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


_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|zip|rar)(?:$|\?)", re.I)


def _attachment(tree) -> bool:
    """A page whose content is a file: an embedded PDF or a download link to one."""
    for el in tree.iter("a", "iframe", "embed", "object"):
        if _FILE_LINK.search(el.get("href") or el.get("src") or el.get("data") or ""):
            return True
    return False
