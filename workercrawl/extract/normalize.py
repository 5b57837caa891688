"""Normalizers shared by extraction and the item pipelines: times, sources, names."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import lru_cache
from importlib import resources

TZ = "+08:00"

DATE_RE = re.compile(
    # '2020-11-09', '2023年12月01日', and news.cn's '2023 10/12' (year in its own span)
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年|\s)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:(?:\s*|-)(?P<H>\d{1,2})\s*(?:[:：]|时)\s*(?P<M>\d{1,2})(?:\s*(?:[:：]|分)\s*(?P<S>\d{1,2}))?)?"
)


def make_iso(y, m, d, H=None, M=None, S=None) -> str | None:
    """ISO 8601 day, or day and time in China time, or None when the parts are not a date."""
    try:
        day = dt.date(int(y), int(m), int(d))
    except (TypeError, ValueError):
        return None
    if not (1990 <= day.year <= dt.date.today().year + 1):
        return None
    if H is None or M is None:
        return day.isoformat()
    try:
        moment = dt.time(int(H), int(M), int(S or 0))
    except ValueError:
        return day.isoformat()
    return f"{day.isoformat()}T{moment.isoformat()}{TZ}"


# Old ASP/.NET templates print the server's US-locale time: '发布日期： 7/5/2005 9:23:57 PM'
US_DATE_RE = re.compile(
    r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d{2})(?![\d/])"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<p>[AaPp][Mm]))?)?"
)


# Platforms with an English front end print 'Apr 22, 2025', 'April 22, 2025 9:34', '22 Apr 2025'
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH = r"(?P<mon>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6})\.?"
_TIME = r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
EN_DATE_RE = re.compile(
    rf"(?<![A-Za-z])(?:{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})"
    rf"|(?P<d2>\d{{1,2}})\s+{_MONTH.replace('mon', 'mon2')},?\s+(?P<y2>(?:19|20)\d{{2}})){_TIME}(?!\d)"
)


def parse_datetime(text: str) -> str | None:
    """First date (with its time, when one follows) in free text, as ISO 8601."""
    for match in DATE_RE.finditer(text):
        iso = make_iso(*match.group("y", "m", "d", "H", "M", "S"))
        if iso:
            return iso
    return _us_datetime(text) or _english_datetime(text)


def _english_datetime(text: str) -> str | None:
    """'Apr 22, 2025' → 2025-04-22; '22 April 2025 09:34' → 2025-04-22T09:34:00+08:00."""
    for match in EN_DATE_RE.finditer(text):
        month = (match.group("mon") or match.group("mon2")).lower()
        number = next((i for i, name in enumerate(_MONTHS, 1) if name.startswith(month) or (month == "sept" and name == "september")), None)
        if number is None:  # 'Mayday', 'Marching': not a month
            continue
        iso = make_iso(match.group("y") or match.group("y2"), number,
                       match.group("d") or match.group("d2"), *match.group("H", "M", "S"))
        if iso:
            return iso
    return None


def _us_datetime(text: str) -> str | None:
    """'7/5/2005 9:23:57 PM' → 2005-07-05T21:23:57+08:00 (month first, 12-hour clock)."""
    match = US_DATE_RE.search(text)
    if not match:
        return None
    hour = match.group("H")
    if hour is not None and match.group("p"):
        hour = int(hour) % 12 + (12 if match.group("p").lower() == "pm" else 0)
    return make_iso(*match.group("y", "m", "d"), hour, match.group("M"), match.group("S"))


def normalize_datetime(value: str | None) -> str | None:
    """Accept ISO strings from any step and return the canonical form (+08:00 when a time)."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_datetime(value)
    china = dt.timezone(dt.timedelta(hours=8))
    moment = moment.replace(tzinfo=china) if moment.tzinfo is None else moment.astimezone(china)
    return moment.replace(microsecond=0).isoformat()


@lru_cache(maxsize=1)
def _source_aliases() -> dict[str, str]:
    data = tomllib.loads(resources.files(__package__).joinpath("sources.toml").read_text("utf-8"))
    table: dict[str, str] = {}
    for canonical, aliases in data["canonical"].items():
        table[canonical] = canonical
        for alias in aliases:
            table[alias] = canonical
    return table


_BRACKETS = str.maketrans("", "", "《》〈〉<>「」『』“”\"")
_SITE_PREFIX = re.compile(r"^.{1,12}?(?:--|——|—|－－)(?=\S)")


# What fills a 来源 slot without naming a publisher: '转载文章', '网络', a UI word.
_NOT_SOURCE = re.compile(r"^(?:转载文章|转载|网络|互联网|网络转载|网友投稿|未知|不详|佚名|其他资源|size=.*)$")


def normalize_source(value: str | None) -> str | None:
    """'中工网--《工人日报》', '《工人日报》', '工人日报客户端' → '工人日报'."""
    if not value:
        return None
    value = value.strip().strip("【】[]()（）:：,，;； ")
    quoted = re.match(r"^(?:.{0,12}?(?:--|——|—))?《([^》]{2,30})》", value)
    if quoted:
        value = quoted.group(1)
    # a counter, a label or an app prompt after the name ('中国新闻网 下载客户端 独家抢先看', '… 收录于合集')
    value = re.split(r"(?:阅读|浏览|点击|字号|编辑|作者|记者|发布|跟贴|跟帖|评论|分享|下载客户端|抢先看|收录于|\s+size=)", value, maxsplit=1)[0]
    value = _SITE_PREFIX.sub("", value).translate(_BRACKETS).strip()
    if not value or len(value) > 40 or _NOT_SOURCE.match(value):
        return None
    return _source_aliases().get(value, value)


_NAME_SPLIT = re.compile(r"[、，,;；/|\s]+")
_NAME_OK = re.compile(
    r"^[\u4e00-\u9fff·•]{2,6}$"
    r"|^[\u4e00-\u9fff]{1,6}(?:[·•][\u4e00-\u9fff]{1,8})+$"  # 阿依古丽·买买提: minority names run longer
    r"|^[A-Za-z][A-Za-z0-9_ .'-]{1,40}$"  # Latin names and a blog user's handle ('Xiao____Q')
)
# Words that fill name slots on Chinese pages but are roles, units or widgets, not people.
NOT_NAMES = {
    "本报", "报道", "通讯员", "记者", "编辑", "实习生", "摄影", "图文", "综合", "整理", "来源",
    "本报讯", "见习", "特约", "全媒体", "融媒体", "新华社", "中新社", "通讯", "报道组", "联合", "工会", "本网", "佚名", "匿名", "不详",
}
JUNK_NAME = re.compile(
    r"阅读|浏览|点击|查看|更多|文章|整理|整合|未知|网络|综合|编译|新闻|本站|原创|职工|报道|来源|客户端|记者|"
    r"编辑|转载|供稿|作者|发布|管理员|通讯|摄影|视频|图片|专栏|评论|责任|执笔|打印|关闭|本页|窗口|收藏|分享|"
    # platform and UI words (issue 16): '发布于…官方账号', '环球时报新媒体', '收录于合集', '相关链接'
    r"账号|帐号|官方|新媒体|合集|链接|连接|简介|本文|声明|下载|属地|^来自|朋友们"
)


def is_person_name(name: str) -> bool:
    return bool(_NAME_OK.match(name)) and name not in NOT_NAMES and not JUNK_NAME.search(name)


# A user's handle as a platform prints it in its name slot ('A-肖老师-树谷学院', '私~川流',
# '我有一些感想……'): no spaces, no URL, a letter or a CJK character in it.
_HANDLE_OK = re.compile(r"^(?=.*[A-Za-z\u4e00-\u9fff])[^\s/:：<>@#()（）\[\]【】]{2,30}$")


def is_handle(name: str) -> bool:
    """A blog's or community's user name read from its user card (not from running text)."""
    return bool(_HANDLE_OK.match(name)) and name not in NOT_NAMES and not JUNK_NAME.search(name)


def normalize_authors(values) -> list[str]:
    """Person names; else the one self-media account or blog user's handle the extractor gave
    as the byline ('IT之家', '中国广州发布', '私~川流'), which the person-name filter alone
    would drop."""
    names = normalize_names(values)
    if names or isinstance(values, str) or not values or len(values) != 1:
        return names
    account = " ".join(str(values[0] or "").split())
    return [account] if 2 <= len(account) <= 30 and "//" not in account else []


def normalize_names(values) -> list[str]:
    """A clean, ordered, de-duplicated list of person names."""
    if isinstance(values, str):
        values = _NAME_SPLIT.split(values)
    seen: list[str] = []
    for value in values or ():
        name = (value or "").strip().strip("()（）[]【】:：")
        if name and is_person_name(name) and name not in seen:
            seen.append(name)
    return seen
