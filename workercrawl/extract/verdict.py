"""Is it an article? Rejections for pages that are not: 404 notices, anti-bot challenges,
login and attachment pages, video and landing pages, list pages, galleries, empty bodies."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .article import NOT_ARTICLE, Rejection
from .clean import body_length
from .generic import prose_length
from .headline import title_tag
from .text import CJK_RE, compact

_NEWS_DATELINE = re.compile(r"^[^\s，。,:：]{2,24}?(?:网讯|讯|电)(?:\s|[（(])")
MIN_BODY = 60  # tokens; shorter pages are video stubs, notices or empty templates
_ERROR_PAGE = re.compile(r"404|页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|页面已删除|已被删除|不存在或已|Not Found|访问的页面", re.I)
_CHALLENGE = re.compile(r"\$_ts|_\$[a-zA-Z]{2}|__jsl_clearance|acw_sc__v2|challenge-platform|请开启JavaScript|enable JavaScript", re.I)
_INTRO = re.compile(r"^[【\[]?\s*(?:导语|导读|简介|专题简介|内容简介|摘要)\s*[】\]]?\s*[:：]?")


def _shows_code(tree, paragraphs) -> bool:
    """Does the body print the text of a <pre> code block of the page?"""
    body = compact("".join(paragraphs))
    for block in tree.iter("pre"):
        code = compact(block.text_content() or "")[:16]
        if len(code) >= 4 and code in body:
            return True
    return False


def not_article(tree, url, title, paragraphs, encoding, cleaned_links=0, cleaned_dates=0,
                page_lines=(), dated=True) -> Rejection | None:
    size = body_length(paragraphs)
    head = title_tag(tree) + " " + (title or "")
    if size < 200 and _ERROR_PAGE.search(head + " " + " ".join(paragraphs[:3])):
        return Rejection(url, NOT_ARTICLE, "error page (404 / page not found notice)", encoding)
    if size < MIN_BODY and not (dated and size >= MIN_BODY // 2 and len(paragraphs) >= 5 and _shows_code(tree, paragraphs)):
        # a dated note of a few lines around code blocks is a programmer's post ('安装 depcheck' /
        # 'npm i -g depcheck'): its commands are its text, however few the words
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
    if (chinese and size < 400 and tree.find(".//video") is not None
            and not (dated and len(paragraphs) >= 3 and prose >= 150)
            and not (dated and prose >= 80 and any(_NEWS_DATELINE.match(p) for p in paragraphs[:3]))):
        # a dated report of several sentences keeps its clip: the text is the article; so does
        # a dated one opening with a news dateline ('1905电影网讯 …', '新华社北京5月20日电 …')
        return Rejection(url, NOT_ARTICLE, f"video page: a player and {size} characters of description", encoding)
    if chinese and len(paragraphs) == 1 and size < 200 and _INTRO.match(paragraphs[0]):
        return Rejection(url, NOT_ARTICLE, "landing page: an introduction and links, no article", encoding)
    slides = sum(1 for p in paragraphs if _SLIDE.match(p))
    if slides >= 3 and slides * 2 >= len(paragraphs):
        return Rejection(url, NOT_ARTICLE, f"gallery: {slides} numbered slide captions", encoding)
    listed_urls = sum(1 for p in paragraphs if _URL_LINE.match(p))
    if _SEARCH_TITLE.search(title or "") or (listed_urls >= 3 and listed_urls * 3 >= len(paragraphs)):
        return Rejection(url, NOT_ARTICLE, f"search results: {listed_urls} listed addresses among {len(paragraphs)} lines", encoding)
    kind = _page_kind(tree, url, paragraphs, page_lines, dated)
    if kind:
        return Rejection(url, NOT_ARTICLE, kind, encoding)
    if cleaned_dates >= 5 and cleaned_dates * 2 >= len(paragraphs):
        return Rejection(url, NOT_ARTICLE, f"list page: {cleaned_dates} dated items among {len(paragraphs)} lines", encoding)
    if cleaned_links >= 5 and len(compact(title or "")) <= 6 and cleaned_links * 10 >= len(paragraphs) * 7 and not dated:
        # a dated page under a short headline is a poem or a notice, not a column
        return Rejection(url, NOT_ARTICLE, f"column page '{title}': {cleaned_links} headlines with summaries", encoding)
    if cleaned_links > max(5, 2 * len(paragraphs)) and prose < 150 and not (dated and _verse(paragraphs)):
        return Rejection(url, NOT_ARTICLE, f"list page: {cleaned_links} link lines around {len(paragraphs)} text lines", encoding)
    if len(paragraphs) >= 5 and sum(map(len, paragraphs)) < 50 * len(paragraphs) and prose < 200:
        # short lines only: could be a headline list (articles have long paragraphs)
        anchors = {compact(a.text_content()) for a in tree.iter("a")}
        linked = sum(1 for p in paragraphs if compact(p) in anchors)
        dated = sum(1 for p in paragraphs if re.search(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*$|\d{1,2}[-/]\d{1,2}\s*$", p))
        if linked * 2 > len(paragraphs) or dated * 2 > len(paragraphs):
            return Rejection(url, NOT_ARTICLE, f"list page: {max(linked, dated)} of {len(paragraphs)} lines are links or dated headlines", encoding)
    return None


# a search hit's address line ('https://… 2024-05-16'); a search page's own headline
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+(?:\s+\d{4}[-/.]\d{1,2}[-/.]\d{1,2})?$")
_SLIDE = re.compile(r"^\d{1,2}\s*/\s*\d{1,2}\D")  # '2/6开幕式上…': a gallery's slide caption
_SEARCH_TITLE = re.compile(r"^(?:站内|全文|信息)?(?:检索|搜索|查询)结果")
_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|zip|rar)(?:$|\?)", re.I)


def _verse(paragraphs) -> bool:
    """A poem: four lines in a row, short and ending in a comma or a stop ('明月照亮浊酒案。')."""
    run = 0
    for paragraph in paragraphs:
        run = run + 1 if 4 <= len(paragraph) <= 24 and paragraph[-1:] in "，。！？；,;" else 0
        if run >= 4:
            return True
    return False


def _attachment(tree) -> bool:
    """A page whose content is a file: an embedded PDF or a download link to one."""
    for el in tree.iter("a", "iframe", "embed", "object"):
        if _FILE_LINK.search(el.get("href") or el.get("src") or el.get("data") or ""):
            return True
    return False


# A <title> whose last part names a search engine ('哈佛_百度搜索') or a microblog ('… - 微博')
_PLATFORM_TITLE = re.compile(r"(?:^|[_|｜-]\s*)(?:[\u4e00-\u9fffA-Za-z]{0,4}搜索|微博)\s*$")
# a forum post's floor: '3楼 | 回复', '来自Android客户端2楼2022-11-26 15:19', '举报 | 8楼 | 打赏'
_FLOOR = re.compile(r"(?<![\d号栋座楼层])(\d{1,4})\s*楼(?=\s*(?:$|[|｜]|(?:19|20)\d{2}-|回复|举报|引用))")
_FLOOR_CONTEXT = re.compile(r"回复|举报|引用|评论|(?:19|20)\d{2}-\d{1,2}-\d{1,2}")
# a Q&A site's adopted answer: '最佳答案', '采纳率', '满意回答'
_QA_MARK = re.compile(r"采纳|最佳答案|满意答案|满意回答|推荐答案|提问者")
_QA_COUNT = re.compile(r"\d+\s*(?:个|条)回答")
# address segments that only list pages have (WordPress and most CMSs)
_LIST_SEGMENT = re.compile(r"/(?:tag|tags|category|categories|author|search)/", re.I)


def _page_kind(tree, url, paragraphs, page_lines, dated) -> str | None:
    """Pages with article-like text that are not one article: search results, microblog
    posts, forum threads and Q&A pages (many people's posts), tag/category and home or channel
    fronts (headline links, each with its summary)."""
    whole = title_tag(tree)
    if _PLATFORM_TITLE.search(whole):
        return f"search results or microblog post: <title> '{whole[-12:]}'"
    path = urlsplit(url).path
    if _LIST_SEGMENT.search(path):
        return f"list page: a tag/category address ({path[:60]})"
    floors, qa, counts = set(), 0, 0
    for line in page_lines:
        if len(line.text) > 60:
            continue
        match = _FLOOR.search(line.text)
        if match and _FLOOR_CONTEXT.search(line.text):
            floors.add(match.group(1))
        qa += bool(_QA_MARK.search(line.text))
        counts += bool(_QA_COUNT.search(line.text))
    if len(floors) >= 5:
        return f"forum thread: {len(floors)} numbered replies (楼)"
    if qa >= 2 and counts:
        return "Q&A page: a question and its answers"
    if dated:
        return None
    # undated from here: an article shows its date, a front page does not
    if _channel_address(url):
        return f"home or channel page: an undated page at a short address ({path or '/'})"
    teasers = _teasers(paragraphs, page_lines)
    if teasers >= 4 and teasers * 2 >= len(paragraphs):
        return f"home or list page: {teasers} of {len(paragraphs)} paragraphs are summaries under headline links"
    return None


_FRONT_FILES = ("index", "default", "home", "main")


def _channel_address(url: str) -> bool:
    """'/', '/zh/news', '/zhongwen/simp': a front's address. Not an article's: one with an id
    (a digit), a query, a file name ('dieta-atkinsa.html') or a slug of words
    ('/nasa-finds-water-plumes-above-…', '/how-to-retire-early-steps…')."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.query or len(segments) > 2 or re.search(r"\d", parts.path):
        return False
    for segment in segments:
        name, dot, _ = segment.rpartition(".")
        if dot and name.lower() not in _FRONT_FILES:
            return False
        if len(segment) > 20 or len(re.findall(r"[-_]", segment)) >= 2:
            return False
    return True


def _teasers(paragraphs, page_lines) -> int:
    """Paragraphs that sit in a small box with a headline link of their own: a list's summaries."""
    where = {}
    for line in page_lines:
        where.setdefault(line.key, line.element)
    count = 0
    for paragraph in paragraphs[:80]:
        key = compact(paragraph)
        box = where.get(key)
        if box is None or len(key) < 15:
            continue
        for _ in range(3):
            box = box.getparent()
            if box is None or len(compact(box.text_content())) > len(key) + 150:
                break
            if any(a.get("href") and 6 <= len(compact(a.text_content())) <= 60 and compact(a.text_content()) != key
                   for a in box.iter("a")):
                count += 1
                break
    return count
