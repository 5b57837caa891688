"""Title, pretitle/subtitle, site and channel: what the page says about itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .dom import classed, meta_content, select, text_of
from .normalize import DATE_RE, US_DATE_RE as _US_DATE
from .text import CJK_RE, compact, norm_space

_TITLE_SEPS = (" - ", " – ", " — ", " _ ", " | ", " ｜ ", "--", "——", "－", "-", "_", "|", "｜")
_CRUMB_LINE = re.compile(r"^(?:当前位置|您的位置|您现在的位置|你的位置|所在位置|位置|当前路径|首页)\s*[:：>»›]?\s*(.+)$")
_CRUMB_SPLIT = re.compile(r"\s*(?:>|»|›|→|＞|/|\\|>>)\s*")
_BARE_TRAIL = re.compile(r"^(?:[^>»›]{1,12}\s*(?:>|»|›|>>)\s*){1,}[^>»›]{1,12}$")
_CRUMB_SKIP = {"首页", "网站首页", "正文", "详情", "内容", "文章", "正文内容", "本站首页", "主页"}
_CRUMB_CLASS = ("crumb", "position", "location", "weizhi", "dqwz", "navpath", "nav-path", "curpos", "path", "route")
_CRUMB_IDENT = re.compile("|".join(map(re.escape, _CRUMB_CLASS)))


_TITLE_SPLIT = re.compile(r"\s*(?:--|——|\s[-–—|｜_]\s|[-_|｜－])\s*")


def split_title_tag(title: str) -> tuple[str, list[str]]:
    """'标题-频道-中工网' → ('标题', ['频道', '中工网']); '标题_上海_澎湃新闻-The Paper' →
    ('标题', ['上海', '澎湃新闻', 'The Paper']). Short parts at the end are suffixes; a hyphen
    inside the headline ('2023-2024年…') stays, since only trailing parts are taken."""
    title = norm_space(title).rstrip(" -_|｜")  # '标题_' : a suffix the CMS left empty
    cuts = list(_TITLE_SPLIT.finditer(title))
    suffix: list[str] = []
    end = len(title)
    for cut in reversed(cuts):
        part = title[cut.end():end].strip()
        if not (0 < len(part) <= 16) or len(suffix) >= 3:
            break
        suffix.insert(0, part)
        end = cut.start()
    head = title[:end].strip().rstrip(" -_|｜")  # '标题__期号_网站': a doubled separator
    if suffix and len(head) >= 2:
        return head, suffix
    return title, []


_NOTE = re.compile(r"^[(（][^()（）]{4,78}[)）]$")


def broken_headline(page_lines, title: str):
    """A headline shown in the text as one block broken by <br> ('全国人民代表大会常务委员会 /
    关于批准…及 / 调整…的决议'): (the headline joined without spaces, its lines, the bracketed
    note under it ('（2007年6月29日…通过）') or None). None when the headline is one line."""
    key = compact(title)
    if not key or any(line.key == key for line in page_lines):
        return None
    for start, line in enumerate(page_lines):
        if not line.key or not key.startswith(line.key) or len(line.key) >= len(key):
            continue
        joined, end = line.key, start + 1
        while end < len(page_lines) and len(joined) < len(key) and end - start < 5:
            joined += page_lines[end].key
            end += 1
        if joined == key:
            parts = [l.text for l in page_lines[start:end]]
            after = page_lines[end].text if end < len(page_lines) else ""
            return "".join(parts), parts, (after if _NOTE.match(after) else None)
    return None


def title_tag(tree) -> str:
    node = tree.find(".//title")
    return norm_space(node.text_content()) if node is not None else ""


def _candidates(tree):
    for tag in ("h1", "h2", "h3"):
        for el in tree.iter(tag):
            yield el
    for el in tree.xpath("//*[contains(@class,'title') or contains(@id,'title') or contains(@class,'Title') or contains(@id,'Title')][not(self::title)]"):
        yield el


def _all(tree, selectors):
    for selector in selectors or ():
        yield from select(tree, selector)


def find_title(tree, selectors=(), page_lines=None) -> str:
    """Profile selector, else the heading that agrees with <title>, else <title>'s head —
    unless <title> names only the site and bold or large text over the date or the first
    paragraph is the headline (old table templates: `page_lines` are the page's lines)."""
    whole = compact(title_tag(tree))
    for el in _all(tree, selectors):
        text = text_of(el)
        key = compact(text)
        # a profile's selector can also hit a logo <h1>: the headline is long or in <title>
        if len(key) >= 5 and (not whole or key in whole or len(key) >= 8):
            return text
    head, _ = split_title_tag(title_tag(tree))
    og = meta_content(tree, "og:title")
    references = [_fold(x) for x in (head, og and split_title_tag(og)[0], title_tag(tree)) if x]
    first_h1 = first_h2 = None
    partial = None
    for el in _candidates(tree):
        text = text_of(el)
        key = _fold(text)
        if 4 <= len(key) <= 120 and key in references:
            return text
        if partial is None and 6 <= len(key) <= 120 and any(r.startswith(key) or r.endswith(key) for r in references):
            partial = text  # a part of <title>: the headline unless one shows it whole
        if first_h1 is None and el.tag == "h1" and 6 <= len(compact(text)) <= 80:
            first_h1 = text
        if first_h2 is None and el.tag == "h2" and 8 <= len(compact(text)) <= 80:
            first_h2 = text
    if partial:
        return partial
    _, suffix = split_title_tag(title_tag(tree))
    if len(compact(head)) <= 6:  # <title> names only the section ('新闻动态--某学会官网')
        dated = _dated_heading(tree)
        if dated:
            return dated
    if page_lines and _site_only(head, suffix):
        shown = emphasized_headline(page_lines, whole)
        if shown:
            return shown
    if not suffix and len(compact(head)) < 12 and (first_h1 or first_h2):
        return first_h1 or first_h2  # <title> holds only the site's name
    return head or first_h1 or (og or "")


_QUOTES = str.maketrans("“”„‘’「」『』", "\"\"\"''\"\"\"\"")


def _fold(text: str) -> str:
    """Compact text with curly and corner quotes made straight: <title> often has the one,
    the heading the other ('开启"提速降费"' / '开启“提速降费”')."""
    return compact(text).translate(_QUOTES)


def _site_only(head: str, suffix: list[str]) -> bool:
    """A <title> that cannot be the headline: short with no suffix ('网易娱乐', '显示',
    'Blog统计'), or no Chinese at all ('CCTV.com', 'China')."""
    key = compact(head)
    return (not suffix and len(key) < 12) or not CJK_RE.search(head)


_EMPHASIS_TAGS = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6"}
_BIG_FONT = re.compile(r"font-size\s*:\s*(?:(1[6-9]|[2-4]\d)px|(1[2-9]|2\d)pt|x?x-large|large)|font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_TITLE_CLASS = re.compile(r"title|biaoti|^bt\d*$|headline|^tit", re.I)
_PROSE = re.compile(r"[。！？]")


def _emphasis(el) -> bool:
    """Bold or large: <b>, <strong>, <hN>, <font size=4+>, a big or bold style, a title class."""
    tag = el.tag
    if tag in _EMPHASIS_TAGS:
        return True
    if tag == "font" and re.match(r"^\+?[4-7]$", (el.get("size") or "").strip()):
        return True
    return bool(_BIG_FONT.search(el.get("style") or "") or _TITLE_CLASS.search(el.get("class") or ""))


def _emphasized(line) -> bool:
    """The whole line is set bold or large: its block, or one element inside holding all its text."""
    el = line.element
    if el is None or not isinstance(el.tag, str):
        return False
    if _emphasis(el):
        return True
    for inner in el.iter("b", "strong", "font", "span", "h1", "h2", "h3", "h4", "h5", "h6"):
        if inner is not el and _emphasis(inner) and compact(inner.text_content()) == line.key:
            return True
    return False


def emphasized_headline(page_lines, whole_title: str = "") -> str | None:
    """Bold or large text directly above a date line or the first paragraph: the headline of
    an old table template whose <title> names only the site. One that <title> contains wins."""
    whole = compact(whole_title)
    found = []
    for index, line in enumerate(page_lines):
        key = line.key
        if not (4 <= len(key) <= 80) or line.link_chars * 2 >= len(line.text) or _PROSE.search(key[:-1]):
            continue
        if DATE_RE.search(line.text) or not CJK_RE.search(line.text) or not _emphasized(line):
            continue
        after = page_lines[index + 1: index + 4]
        dated = any(DATE_RE.search(l.text[:80]) or _US_DATE.search(l.text[:80]) for l in after[:2])
        prose = any(len(l.key) >= 40 and _PROSE.search(l.key) for l in after)
        if dated or prose:
            if whole and key in whole:
                return line.text
            found.append((not dated, index, line.text))
    return min(found)[2] if found else None


def _dated_heading(tree) -> str | None:
    """The heading right above a date line: how a page shows its headline."""
    for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        text = text_of(el)
        after = el.getnext()
        if 8 <= len(compact(text)) <= 80 and after is not None and DATE_RE.search(text_of(after)[:60]):
            return text
    return None


_GENERIC_PART = re.compile(r"^(?:数字报刊?|电子版|电子报|首页|官网|官方网站|网站|正文|详情|新闻|文章|内容页|新闻中心)$")
_MASTHEAD = re.compile(r"[\u4e00-\u9fff](?:报|网|会|刊|台|社|站|新闻)$")
_SITE_SUFFIX = re.compile(r"(?:数字报刊?|数字报纸|电子版|电子报|官方网站|官网|网站|首页)$")


def find_site(tree, url: str, profile_site: str | None, host_site: str | None, title: str = "") -> str | None:
    """Profile or host table, og:site_name, the <title> suffix, a <title> that is only the
    site's name ('广州市总工会', '安徽工人日报数字报'), the logo's alt text, the host."""
    if profile_site or host_site:
        return profile_site or host_site
    site = meta_content(tree, "og:site_name", "sitename", "site_name", "application-name")
    if site:
        return site
    whole = title_tag(tree)
    head, suffix = split_title_tag(whole)
    if suffix:
        # '标题-频道-中工网', '唐山劳动日报-标题', '劳动午报-数字报': the last part that is
        # neither the headline nor a generic word names the site
        named = [p for p in (head, *suffix) if compact(p) != compact(title) and not _GENERIC_PART.match(p)]
        chinese = [p for p in named if CJK_RE.search(p)]  # '澎湃新闻-The Paper': the Chinese name
        if chinese or named:
            name = _site_part(tree, chinese or named)
            name = re.sub(r"[（(][A-Za-z0-9.\s]+[)）]$", "", name).strip()  # '央视网(cctv.com)'
            return _SITE_SUFFIX.sub("", name) or name
    logo = _logo_name(tree)
    if logo:
        return logo
    if whole and compact(title) not in compact(whole) and len(whole) <= 20:
        return _SITE_SUFFIX.sub("", whole) or whole
    return urlsplit(url).hostname


def _site_part(tree, parts: list[str]) -> str:
    """Which <title> part names the site: the one the logo names ('_中国经济网——国家经济门户',
    '-荆楚网-湖北日报网'), else the last that reads like a site's name, not a slogan."""
    if len(parts) > 1:
        logo = _logo_name(tree)
        for part in parts:
            if logo and compact(part) == compact(logo):
                return part
        parts = [p for p in parts if _MASTHEAD.search(p)] or parts
    return parts[-1]


def _logo_name(tree) -> str | None:
    """The alt text of the site's logo: how a page without a <title> suffix names its site."""
    for img in tree.iter("img"):
        ident = ((img.get("class") or "") + (img.get("id") or "") + (img.get("src") or "")).lower()
        parent = img.getparent()
        if parent is not None:
            ident += (parent.get("class") or "").lower()
        alt = norm_space(img.get("alt") or "")
        if "logo" in ident and 2 <= len(alt) <= 20 and CJK_RE.search(alt):
            return _SITE_SUFFIX.sub("", alt) or alt
    for img in list(tree.iter("img"))[:3]:  # a masthead banner named like a paper or a site
        alt = norm_space(img.get("alt") or "")
        if 2 <= len(alt) <= 12 and _MASTHEAD.search(alt):
            return alt
    return None


def _crumb_text(el) -> str:
    """A trail's text; a list trail (<li> items, separators drawn by CSS) joined with '>'."""
    items = [text_of(li) for li in el.iter("li")]
    if sum(1 for item in items if item) >= 2:
        return " > ".join(items)
    return text_of(el)


def breadcrumb(tree, page_lines, site: str | None) -> str | None:
    """The last section of a '当前位置：首页 > 工会 > 正文' trail."""
    texts = []
    for el in classed(tree):  # elements with a class or an id, in document order
        ident = ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
        if _CRUMB_IDENT.search(ident) and el.tag not in ("body", "html"):
            texts.append(_crumb_text(el))
            break
    for line in page_lines[: max(40, len(page_lines) // 2)]:
        text = line.text
        if _CRUMB_LINE.match(text) and re.search(r">|»|›|→|＞", text):
            texts.append(text)
            break
        if len(text) <= 60 and line.link_chars >= len(text) * 0.5 and _BARE_TRAIL.match(text):
            texts.append(text)
            break
    for text in texts:
        match = _CRUMB_LINE.match(text)
        trail = match.group(1) if match else text
        parts = [p for p in _CRUMB_SPLIT.split(trail) if p]
        parts = [p for p in parts if p not in _CRUMB_SKIP and p != site and len(p) <= 12 and not p.startswith("返回")]
        if parts and len(parts) <= 6:
            return parts[-1]
    return None


def channel_from_title(tree, site: str | None) -> str | None:
    _, suffix = split_title_tag(title_tag(tree))
    middle = [p for p in suffix[:-1] if p and p != site and CJK_RE.search(p) and not (site and p.startswith(site))]
    return middle[0] if middle else None
