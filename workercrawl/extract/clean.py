"""The Chinese body cleaner: drops widget, footer and metadata lines, collects metadata.

Input is the candidate body as lines (from a profile's container or from trafilatura);
output is the article's paragraphs plus whatever metadata the dropped lines carried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import byline, meta as metalib, platforms
from .dom import Line
from .normalize import DATE_RE, normalize_source
from .text import compact, content_length

# Whole-line boilerplate seen on Chinese news and union pages (sites.md §3).
NOISE = [re.compile(p) for p in (
    r"^分享到?\s*[:：]?",
    r"^(?:[0-9３４◀▶←→<>«»【\[]\s*)?(?:上一篇|下一篇|上一条|下一条|上一页|下一页)",
    r"扫码关注|扫一扫|扫描[^，。,]{0,6}二维码|长按(?:识别)?二维码|关注(?:我们的)?公众号|中工网微信|中工网微博|中工网抖音",
    # a prompt naming a 微信公众号, not a sentence mentioning one ('职工通过…微信公众号完成报名。')
    r"(?:关注|搜索|订阅|扫描|长按)[^，。]{0,12}微信公众号|^[^，。]{0,16}微信公众号[^，。]{0,8}$",
    r"Copyright|版权所有|版權所有|©|ICP\s*备|ICP证|公网安备|违法和不良信息举报|有偿删帖|技术支持\s*[:：]|主办单位\s*[:：]|承办单位\s*[:：]",
    r"许可证\s*[:：]?\s*[0-9A-Z]|备案号|网站标识码|网站地图|联系我们|设为首页|加入收藏",
    r"^(?:主办|承办|协办|主管|运营|维护)(?:单位)?\s*[:：]|^(?:地址|通讯地址|邮编|联系电话|电话)\s*[:：].{0,40}$",
    r"地址\s*[:：].{0,60}(?:电话|電話|传真|傳真)\s*[:：]",  # a footer's contact line, any language form
    r"^(?:当前|您的|您现在的|你的|您所在的|你所在的|所在|现在)?(?:位置|路径)\s*[:：]",
    r"^(?:首页|网站首页|返回首页|返回列表|返回)$",
    r"^[(（]?\s*(?:本文)?(?:原标题|原題|原题为?)\s*[:：《]",
    r"^[\ufffd\s]+$",  # mis-decoded emoji: replacement characters only
    r"仅代表作者(?:本人|个人)?观点|不构成(?:实质性)?投资建议|转载请注明本文链接|转发请注明本文链接|未经(?:允许|授权|许可)[，,]?\s*(?:不得|禁止)转载|不代表本(?:站|网)(?:观点|立场)|并不表明.{0,8}立场|免责声明|举报邮箱|举报电话|评论\s*[(（]\d+[)）]|我要跟帖|已输入\d+字|网友评论仅供",
    r"^(?:关键词|关键字|标签|TAG|Tags?)\s*[:：]",
    r"^[(（]?\s*(?:资料)?图片仅供参考\s*[)）]?$",
    r"^[(（]?\s*(?:文中|本文)?(?:图片|配图|信息|内容|素材|文字)均?(?:来自|来源于?|源自|取自)[:：]?\s*网络",
    r"^[(（]?\s*点击(?:查看|看)?(?:清晰|高清)?大图\s*[)）]?$",
    r"^(?:阅读|浏览|点击|阅读量|浏览量|浏览次数|点击数)\s*[:：]?\s*\d+\s*(?:次)?$",
    r"^(?:语音播报|返回顶部|返回首页|打印本页|关闭窗口|收藏本页|加入收藏|我要纠错|责任声明|免责声明)",
    r"^(?:点击)?(?:播报本文|播放本文|听新闻|朗读本文|语音朗读)|^点击播报",
    r"^(?:【\s*(?:打印本页|关闭窗口|打印此页|关闭本页|收藏本页|加入收藏|返回顶部|我要纠错)\s*】\s*)+$",
    r"^(?:【?\s*(?:字号|字體|字体|字号大小|打印|关闭|關閉|收藏|纠错|分享|默认|默認|正常|标准|超大|放大|缩小|大|中|小|\||\s|】|【|\[|\]|:|：))+$",
    r"^(?:相关新闻|相关阅读|相关链接|相关文章|相关报道|延伸阅读|推荐阅读|热门推荐|热点推荐|更多精彩|精彩推荐|猜你喜欢|往期回顾|图片新闻|热点专题)\s*[:：]?$",
    r"^×$|^[|｜\s]+$",
    r"^[^\s|，。,]{1,10}(?:\s*\|\s*[^\s|，。,]{1,10}){2,}$",  # a tag row: 20190926|国贸|增长率
    r"【点击(?:投票|进入|查看|阅读|下载|报名|订阅)[^】]{0,6}】",  # a promo's call to action
    r"^(?!(?:19|20)\d{2}年)\d{4,9}[\u4e00-\u9fff\"“].{4,40}$",  # '620558四川内江市…': a ranking item (rank + view count + headline)
    # a button or pointer to a widget: '阅读全文', '▼详情请戳下方图集', '👇点击下方卡片关注'
    r"^(?:点击)?(?:阅读|展开|查看)(?:全文|全部|原文|更多)\s*[>›»∨⌄]*$",
    r"^[▼▽↓⬇👇]+\s*.{0,12}(?:请?戳|点击|点|查看|详见|见)\s*(?:下方|下图|下面|这里|图集)",
    # a contact handle alone on a line: '教程交流： xhd825', '微信：abc_123'
    r"^[\u4e00-\u9fff]{0,6}(?:交流|交流群|微信号?|QQ群?|vx|VX|wx|WX)\s*[:：]\s*[A-Za-z0-9_\-]{4,30}$",
    # a content farm's sign-off: '更多“…”的相关经验资讯请关注www.example.com'
    r"^更多.{0,60}(?:请|敬请|欢迎)(?:关注|访问|登录)\s*(?:www\.|https?://)",
    # a series or column promo: '我们希望通过「城市漫步指南」这个系列，带你领略…'
    r"(?:这个|这一|本)(?:系列|栏目|专栏)\s*[，,]\s*(?:带你|为你|与你|和你)",
    # an author's licence line at the end of a post: '本作品采用《CC 协议》，转载必须注明作者和本文链接'
    r"^本(?:作品|文|文章|博文)(?:采用|使用|遵循|基于)\s*《?[^，。《》]{0,40}(?:协议|许可|License|license)》?(?:\s*[，,].{0,40})?[。.]?$",
)]
# Headings after which the rest of a candidate body is a related-news list, never article text.
TAIL_MARKERS = re.compile(
    r"^(?:相关新闻|相关阅读|相关链接|相关文章|相关报道|延伸阅读|推荐阅读|热门推荐|热点推荐|热门文章|热门新闻|热点新闻|推荐新闻|相关推荐|为您推荐|为你推荐|往期推荐|往期回顾|精彩回顾|推荐阅读|排行榜|热门排行|跟贴排行|"
    r"更多精彩|精彩推荐|猜你喜欢|往期回顾|网友评论|我要评论|发表评论|最新文章|最新新闻|点击排行|阅读排行|延伸\s*[·•]\s*推荐|"
    r"相关热门推荐|热门相关推荐|更多回答|查看更多回答|其他回答|其它回答|更多相关回答)"
    r"\s*(?:[:：]?\s*$|[:：]?\s*[·•●▪■◆>\-]|[:：]?\s*\d+[.、])"
)
# '关于调整本市最低工资标准的通知2021-03-03', '· 标题 [04-25]': an item of a dated headline list
_DATED_ITEM = re.compile(r"^.{4,70}?[\s\[(（]*(?:\d{4}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?[\])）]?$")
_PROSE_MARK = re.compile(r"[。，；！？,;]")  # sentences have them; headline and ranking items rarely do
_PHOTO_CAPTION = re.compile(r"^(?:图为|图片为|上图|下图|左图|右图|图[:：]|▲|△)|(?:\s摄|摄影[:：]?\s*\S{2,4}|供图(?:\s+\S{1,8})?|资料图|图片来源[:：].*)[)）]?$")


def is_noise(text: str) -> bool:
    # A long line is prose even when it mentions 版权所有 or 扫码: widgets are short.
    return len(text) <= 150 and (any(p.search(text) for p in NOISE) or platforms.is_boilerplate(text))


@dataclass
class CleanBody:
    paragraphs: list[str] = field(default_factory=list)
    meta: metalib.Meta = field(default_factory=metalib.Meta)
    captions: list[str] = field(default_factory=list)
    page_no: str | None = None
    page_name: str | None = None
    links: int = 0  # short lines that were nothing but a link (navigation, related lists)
    dates: int = 0  # lines that were nothing but a date (the item dates of a list page)


def clean_lines(lines: list[Line], *, drop_texts=()) -> CleanBody:
    """Keep article paragraphs; route label lines to metadata and captions aside."""
    out = CleanBody()
    drops = {compact(t) for t in drop_texts if t}
    total = len(lines)
    for index, line in enumerate(lines):
        text = line.text
        if compact(text) in drops:
            continue
        if (TAIL_MARKERS.match(text) or platforms.is_tail_heading(text)) and (
                index >= total // 3 or body_length(out.paragraphs) >= 60):
            break  # a related-news list follows the article
        if len(text) < 60 and line.link_chars >= len(text) * (0.5 if not _PROSE_MARK.search(text) else 0.8) or (
            line.link_chars >= len(text) * 0.4 and _DATED_ITEM.match(text)
        ):
            out.links += 1
            continue
        if is_noise(text) or metalib.EPAPER_HEADER.match(text):
            continue
        page = metalib.EPAPER_PAGE.search(text)
        if page and len(text) <= 40:
            out.page_no, out.page_name = metalib.epaper_page_number(page), page.group("name")
            continue
        if metalib.is_weekday_header(text):
            continue
        label = metalib.parse_line(text)
        if label is not None and index == total - 1 and signed_by_office(out.paragraphs, text):
            out.paragraphs.append(text)  # a notice's signature: '…总工会办公室' then its date
            continue
        if label is not None:
            if len(text) <= 20 and label.published_at and not (label.source or label.authors or label.editors):
                out.dates += 1
            out.meta.merge(label)
            if label.editors and index > 0 and (index >= total * 2 // 3 or body_length(out.paragraphs) >= 200):
                # the editor line closes the article; what follows is page furniture, except the
                # rest of its credit block ('编辑|X', '责编|Y', '校对|Z' on lines of their own)
                for after in lines[index + 1:]:
                    more = metalib.parse_line(after.text)
                    if more is None:
                        break
                    out.meta.merge(more)
                break
            continue
        slash = byline.slash_byline(text)  # '李可/中国青年报' under the headline
        if slash:
            out.meta.authors = out.meta.authors + slash[0]
            out.meta.loose_source = out.meta.loose_source or normalize_source(slash[1])
            continue
        if not out.paragraphs and _agency_over_date(text, lines[index + 1: index + 2]):
            out.meta.loose_source = out.meta.loose_source or normalize_source(text)  # '新华社' over the date
            continue
        credit = metalib.credit_line(text)
        if credit is not None:
            out.meta.authors = out.meta.authors + credit
            continue
        if line.caption or (len(text) <= 80 and _PHOTO_CAPTION.search(text)):
            out.captions.append(text)
            continue
        out.paragraphs.append(text)
    if len(out.paragraphs) > 1:
        signature = metalib.bare_name(out.paragraphs[-1])
        if signature:
            out.paragraphs.pop()
            out.meta.authors = out.meta.authors + signature
    _credits_in_text(out)
    return out


_OFFICE = re.compile(r"[\u4e00-\u9fff]{2,}(?:办公室|辦公室|委员会|委員會|工会|工會|联合会|聯合會|联盟|聯盟|局|厅|廳|部|处|處|中心|公司|集团|集團|委|会|會)$")


def signed_by_office(paragraphs: list[str], text: str) -> bool:
    """The last line is a bare date under an issuing office's name: the notice's signature."""
    return (len(paragraphs) >= 2 and len(text) <= 14 and bool(DATE_RE.fullmatch(text.strip()))
            and len(paragraphs[-1]) <= 24 and bool(_OFFICE.search(paragraphs[-1])))


def _agency_over_date(text: str, following: list[Line]) -> bool:
    """A publisher's name alone on the line above the bare date line of the byline."""
    if len(text) > 12 or not following or not byline.is_publisher(text):
        return False
    label = metalib.parse_line(following[0].text)
    return bool(label and label.published_at and len(following[0].text) <= 24)


def _credits_in_text(out: CleanBody) -> None:
    """Datelines and trailing credits stay in the text; their names become authors."""
    if not out.paragraphs:
        return
    names: list[str] = []
    for paragraph in out.paragraphs[:2]:
        names += metalib.dateline_credit(paragraph)
    names += metalib.trailing_credit(out.paragraphs[-1])
    out.meta.authors = out.meta.authors + names
    out.meta.authors = metalib.normalize_names(out.meta.authors)


def body_length(paragraphs: list[str]) -> int:
    return sum(content_length(p) for p in paragraphs)
