"""Unlabelled bylines under the headline: who wrote or published the article when no
'来源：' / '作者：' label says so.

    '2019-09-26 10:56:28 证券时报网'      a date and a publisher: the source
    '原创 GameForce 2019-09-04 22:18'   a date and a self-media account: its author
    '2020-06-05 20:35 王一 李二 张三'     a date and people: the authors
    '石佳/中国青年报'                    writer / publisher (澎湃)
    '新华社' next to the date line        a publisher alone
    <p class="author-name">某某说</p>    the account card of a self-media platform
"""

from __future__ import annotations

import re

from . import meta as metalib
from .dom import Line
from .normalize import DATE_RE, JUNK_NAME, NOT_NAMES, normalize_source

# Publishers are named like papers, sites, agencies, stations and apps.
_PUBLISHER = re.compile(
    r"^[\u4e00-\u9fffA-Za-z0-9·]{1,14}(?:报|网|社|台|刊|新闻|消息|杂志|客户端|频道|卫视|之声|传媒|在线)$"
)
# Badges and counters that share the byline with the name.
_BADGES = re.compile(r"优质原创作者|原创|(?<!\S)[0-9,]+\s*(?:次阅读|阅读|评论|跟贴)?(?!\S)|(?<!\S)(?:举报|关注)(?!\S)|[·•|｜⋅]")
_ACCOUNT = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9_·]{2,20}$")
_CARD_CLASS = re.compile(r"author|writer|nickname|account-name|media-name|(?:^|[\s_-])name(?:$|[\s_-])", re.I)
SOURCE_CLASS = re.compile(r"(?<!re)source|media-name|media_name|laiyuan", re.I)  # not "resources"
_SLASH = re.compile(r"^((?:[\u4e00-\u9fff]{2,4}[\s、]*){1,3})\s*/\s*(\S{2,16})$")


def is_publisher(text: str) -> bool:
    return bool(_PUBLISHER.match(text)) and not JUNK_NAME.search(text.replace("新闻", ""))


def slash_byline(text: str) -> tuple[list[str], str] | None:
    """'石佳/中国青年报' → (['石佳'], '中国青年报')."""
    match = _SLASH.match(text.strip())
    if not match or not is_publisher(match.group(2)):
        return None
    names = [n for n in re.split(r"[\s、]+", match.group(1)) if n and n not in NOT_NAMES]
    return (names, match.group(2)) if names else None


def is_account_card(line: Line) -> bool:
    """A short line in an element classed as the author's (name) card."""
    text = line.text
    return 2 <= len(text) <= 20 and not DATE_RE.search(text) and _classed(line, re.sub(r"[\s·⋅]+", "", text), _CARD_CLASS)


# An office ('国学院宣传部') or a place ('来自广东', the IP location) is no account name.
_NOT_ACCOUNT = re.compile(r"(?:部|处|科|办|办公室|中心|委员会|局|厅)$|^来自|属地|账号|帐号|官方")


def _account(text: str) -> str | None:
    text = text.strip()
    if _ACCOUNT.match(text) and text not in NOT_NAMES and not is_publisher(text) and not _NOT_ACCOUNT.search(text):
        return text
    return None


def _classed(line: Line, text: str, pattern: re.Pattern) -> bool:
    """Is `text` the whole text of an element (within the line) whose class matches?"""
    element = line.element
    for el in (element, *element.iterdescendants()) if element is not None else ():
        ident = f"{el.get('class') or ''} {el.get('id') or ''}" if isinstance(el.tag, str) else ""
        if pattern.search(ident) and re.sub(r"[\s·⋅]+", "", el.text_content()) == text:
            return True
    return False


def _dated(line: Line) -> metalib.Meta | None:
    """What an unlabelled dated byline names besides its date."""
    text = metalib.unglue_date(line.text)
    date = DATE_RE.search(text)
    if not date or metalib.has_label(text) or len(text) > 60:
        return None
    rest = _BADGES.sub(" ", text[: date.start()] + " " + text[date.end():]).split()
    found = metalib.Meta()
    if len(rest) == 1:
        if is_publisher(rest[0]) or _classed(line, rest[0], SOURCE_CLASS):
            found.loose_source = normalize_source(rest[0])
        else:
            found.account = _account(rest[0])
    elif len(rest) == 3 and rest[1] == "作者" and is_publisher(rest[0]):
        # '2025年04月23日 05:38 新浪网 作者 国际在线': the platform, then the account or the writer
        found.loose_source = normalize_source(rest[0])
        if metalib.person_names(rest[2:]) == rest[2:]:
            found.authors = rest[2:]
        elif _ACCOUNT.match(rest[2]) and not _NOT_ACCOUNT.search(rest[2]) and rest[2] not in NOT_NAMES:
            found.account = rest[2]
    elif 2 <= len(rest) <= 4 and metalib.person_names(rest) == rest:
        found.authors = rest  # '2020-06-05 20:35 叨叨姐 胡一刀 李小飞刀'
    elif rest:
        credit = metalib.credit_line(" ".join(rest))  # '记者 沈晓 通讯员 何川 2024-05-08 16:42'
        found.authors = credit or []
    return found


def header_byline(header: list[Line]) -> metalib.Meta:
    found = metalib.Meta()
    for index, line in enumerate(header):
        text = line.text
        if metalib.is_weekday_header(text):
            continue
        slash = slash_byline(text)
        if slash:
            found.authors += slash[0]
            found.loose_source = found.loose_source or normalize_source(slash[1])
            continue
        dated = _dated(line)
        if dated:
            found.merge(dated)
            continue
        if is_account_card(line) and not DATE_RE.search(text) and _account(text):
            found.account = found.account or _account(text)
            continue
        # a card naming a publisher ('中国新闻网' over the date, 快传号) is read as one below
        near = header[max(0, index - 1): index] + header[index + 1: index + 2]
        if len(text) <= 12 and is_publisher(text) and any(DATE_RE.search(n.text) for n in near):
            found.loose_source = found.loose_source or normalize_source(text)  # '新华社' above the date
    return found
