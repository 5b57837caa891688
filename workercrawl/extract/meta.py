"""The label-line parser: publish time, 来源, 记者/通讯员 and 编辑 from Chinese news text.

Works on single normalized lines, so the same rules serve profile pages, the generic
path, body lines that trafilatura kept, and e-paper bylines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import DATE_RE, JUNK_NAME as _JUNK_NAME, NOT_NAMES as _NOT_NAMES, make_iso, is_handle, normalize_names, normalize_source, parse_datetime

# Labels, longest spelling first where one is a prefix of another.
_KINDS = {
    "editor": "责任编辑 責任編輯 值班编辑 网络编辑 文字编辑 编辑 編輯 责编 責編",
    "source": "文章来源 信息来源 新闻来源 稿件来源 来源于 来源 來源 稿源 出处",
    "author": "作者 記者 记者 通讯员 通訊員 撰稿人 撰稿 撰文 采写 执笔 供稿 文字",
    "time": "发布时间 發布時間 发布日期 發布日期 发表时间 發表時間 发表日期 發表日期 发帖时间 更新时间 时间 時間 日期",
    "stop": "浏览次数 浏览量 浏览 瀏覽 点击数 点击量 点击 阅读量 阅读数 字号 字號 一审 二审 三审 终审 初审 "
    "审核 审校 责任校对 校对 编审 监制 统筹 策划 摄影 摄像 视频 图片 分享到 分享 关键词 标签 访问量 发帖人 发贴人 "
    # 译者: a translation's credit (作者：X 译者：Y 来源：Z) names the writer as author, not the translator
    "栏目主编 主编 美术编辑 视觉设计 题图来源 图片来源 译者 譯者",  # 上观: '栏目主编：X　文字编辑：Y　题图来源：Z'
}
LABEL_KIND = {label: kind for kind, labels in _KINDS.items() for label in labels.split()}
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(sorted(LABEL_KIND, key=len, reverse=True)) + r")\s*(?:[:：]|[/|｜](?=\s*[\u4e00-\u9fff]))\s*"
)

ROLE = (
    r"(?:本报|本刊|本台|本网|本站|全媒体|融媒体|新华社|中新社|人民网|中工网|特约|见习|首席|实习|专栏)?"
    r"(?:记者|記者|通讯员|通訊員|实习生|實習生|特约评论员|评论员|撰稿人|撰稿|撰文|采写|执笔|作者|供稿|文字|文/图|图/文|文(?=\s*[:：/／]))"
)
_ROLE_RE = re.compile(rf"({ROLE})\s*[:：/／]?\s*")
_PHOTO_ROLE = re.compile(r"(?:摄影|图片|图|攝影)\s*[:：/／]")
_PHOTO_END = re.compile(r"(?:摄|攝|摄影|供图|图)\s*$")
_ORG_END = re.compile(r"(?:会|局|厅|网|报|社|部|委|院|台|站|中心|公司|集团|办|处|科|队|所|校|组|在线|传媒|卫视|之声|频道)$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,8}$")
_SPLIT = re.compile(r"[\s、，,;；/|_]+")
_CLOSE = re.compile(r"[】\]）)｝}]")
_BULLETS = set("□■●◆▲★")
_BARE_EDITOR = re.compile(r"^[(（【\[]?(?:责任编辑|责编|编辑)\s+((?:[\u4e00-\u9fff]{2,4}[\s、]*){1,5})[)）】\]]?$")
_ORG_PREFIX = re.compile(
    r"^[\u4e00-\u9fffA-Za-z]{1,10}(?:[-—·－][\u4e00-\u9fffA-Za-z]{1,10})?(?<=[报网社台刊体端心闻])$|^《[^》]{1,12}》$"
)
DATELINE = re.compile(r"^[^\s(（]{0,20}?(?:讯|电|消息)\s*[(（]([^()（）]{2,60})[)）]")
_TRAILING = re.compile(r"[(（]\s*([^()（）]{2,40}?)\s*[)）]\s*$")
_NOT_CREDIT = re.compile(r"来源|來源|图|摄|完|据|记者节|本报|资料|仅供|略|待续|下转|上接|版")


def person_names(tokens: list[str]) -> list[str]:
    """The tokens that are shaped like people's names (not units: '苏州工会')."""
    return _names(" ".join(tokens))


def _names(chunk: str) -> list[str]:
    out = []
    for token in _SPLIT.split(chunk):
        token = token.strip("()（）[]【】:：.。")
        token = re.sub(r"(?:报道|等|摄)$", "", token)
        if (token and token not in _NOT_NAMES and _CJK_NAME.match(token) and not _JUNK_NAME.search(token)
                and not (len(token) >= 3 and _ORG_END.search(token))):
            out.append(token)
    return out


_PIPE_FIELD = re.compile(r"(\|\s*)(来源|作者|责任编辑|编辑)(?=[^\s:：|])")
_UNIT_CREDIT = re.compile(r"^[^，。；,;]{2,30}(?:供稿|供图|撰稿|报送)$")
_LATIN_NAME = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}$")
_NICKNAME = re.compile(r"^[\u4e00-\u9fff]{5,6}$")


_HANDLE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{2,30}$")  # a blog user's handle: 'regengya', 'my38778570'
_NOT_HANDLE = re.compile(r"^(?:admin|administrator|editor|author|guest|anonymous|unknown|root|user|null|none)$", re.I)


_MENTIONS = re.compile(r"(?:[@＠][^\s@＠、，,]+[\s、，,]*){1,5}")


def _editor_names(value: str) -> list[str]:
    """Names after an explicit 编辑 label: people, or what the site signs with instead —
    a nickname ('棒棒不是糖') or a Latin name ('Demi Xia'); a staff code ('_NF4425') is not one."""
    names = _names(value)
    if names:
        return names
    value = value.strip()
    mentions = _MENTIONS.fullmatch(value)
    if mentions:  # '本文责编：@PlatyHsu': a platform's mention of its editor's user name
        return [h for h in re.findall(r"[@＠]([^\s@＠、，,]+)", value) if is_handle(h)]
    if _LATIN_NAME.match(value) or (_NICKNAME.match(value) and not _JUNK_NAME.search(value)):
        return [value]
    return []


def _latin_name(value: str) -> list[str]:
    """A Latin name or a blog user's handle after an explicit 作者 label."""
    value = value.strip()
    return [value] if _LATIN_NAME.match(value) or (_HANDLE.match(value) and not _NOT_HANDLE.match(value)) else []


# '作者：方敏北京大学经济学院教授': a writer's name glued to an affiliation and a title. Where the
# name ends is read from where the affiliation begins: a place or an institution's first word.
_GLUED_AFFILIATION = re.compile(
    r"^[\u4e00-\u9fff]{2,3}[\u4e00-\u9fff]{2,24}?(?:大学|学院|研究院|研究所|党校|社会科学院|社科院|研究中心)"
    r"[\u4e00-\u9fff]{0,12}?(?:教授|副教授|研究员|副研究员|讲师|博士生导师|博士|院长|副院长|所长|主任)$")
_AFFILIATION_FIRST = re.compile(r"^[\u4e00-\u9fff]{2,20}(?:大学|学院|研究院|研究所|党校|社会科学院|社科院)([\u4e00-\u9fff]{2,3})$")
_AFFILIATION_START = set(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 "
    "云南 陕西 甘肃 青海 台湾 内蒙 广西 西藏 宁夏 新疆 香港 澳门 中国 中共 中央 国家 国务 清华 复旦 南开 南京 武汉 "
    "中山 厦门 同济 华东 华中 华南 西南 西北 东北 人民 首都 对外 西安 大连 深圳 苏州 杭州 广州 哈尔 长春 成都 兰州 "
    "郑州 济南 青岛 宁波 全国 社会".split())


def _glued_affiliation(value: str) -> list[str]:
    """The name glued to an affiliation: after it ('武汉大学历史学院郭伦'), or before it when exactly
    one split puts a place or an institution's first word after the name ('方敏北京大学经济学院教授')."""
    value = value.strip().strip("()（）")
    after = _AFFILIATION_FIRST.match(value)  # '武汉大学历史学院郭伦': the affiliation first
    if (after and (after.group(1)[0] in _SURNAMES or after.group(1)[:2] in _COMPOUND_SURNAMES)
            and not _ORG_END.search(after.group(1))):  # '…大学文学院' names no one
        return [after.group(1)]
    if not _GLUED_AFFILIATION.match(value):
        return []
    splits = [n for n in (2, 3) if value[n: n + 2] in _AFFILIATION_START]
    if len(splits) != 1:
        return []
    name = value[: splits[0]]
    return [name] if name[0] in _SURNAMES or name[:2] in _COMPOUND_SURNAMES else []


def _signed_names(value: str) -> list[str]:
    """Names after an explicit 作者 label: people, or a Latin handle signing a blog post."""
    return _names(value) or _latin_name(value)


# The reprint credit a platform closes a post with: the original publisher is the source, its
# 作者/编辑 the names. '本文来自微信公众号“字母榜”（ID：wujicaijing），作者：彦飞，36氪经授权发布。',
# '本文分享自华为云社区《…》，作者：X', '本文来自AIbase日报', '原创文章，作者：X，如若转载，请注明出处'
_REPRINT = re.compile(
    r"^[*＊(（]?\s*(?:(?:本文|文章|原文)(?:来自|转载自|转自|分享自|选自|来源于)\s*(?:微信)?(?:公众号|微信号|头条号|百家号)?\s*[“\"「《]?"
    r"(?P<source>[^“”\"「」《》，,。;；（()\s]{2,20}?)[”\"」》]?\s*(?:《[^》]{0,60}》)?\s*(?:[（(]\s*(?:ID|微信号)\s*[:：][^)）]*[)）])?"
    r"|原创文章|本文经(?P<granted>[^，,。\s]{2,20}?)授权(?:转载|发布|刊载))"
    r"(?P<rest>[，,。;；)）].*)?$"
)
_REPRINT_CREDIT = re.compile(r"^(作者|编辑|编译|撰文|文|责编|责任编辑)\s*[:：|｜]\s*(.+)$")


def reprint_line(line: str) -> Meta | None:
    match = _REPRINT.match(line.strip()) if len(line) <= 150 else None
    if not match or re.search(r"下载|APP|App", line):  # '(本文来自澎湃新闻，更多原创资讯请下载…APP)': the host's promo
        return None
    # a publisher the byline names ('新华社' under a repost's headline) comes first: a loose source
    found = Meta(loose_source=normalize_source(match.group("source") or match.group("granted")))
    for part in re.split(r"[，,。;；)）]", match.group("rest") or ""):
        credit = _REPRINT_CREDIT.match(part.strip())
        if credit and credit.group(1) in ("编辑", "责编", "责任编辑"):
            found.editors += _editor_names(credit.group(2))
        elif credit:
            found.authors += _signed_names(credit.group(2))
    if not (found.loose_source or found.authors or found.editors):
        return None
    found.authors, found.editors = normalize_names(found.authors), normalize_names(found.editors)
    return found


def has_label(text: str) -> bool:
    return bool(_LABEL_RE.search(text))


def has_role(text: str) -> bool:
    return bool(_ROLE_RE.search(text))


def parse_credits(text: str) -> list[str]:
    """Authors named in a credit: '记者李国 实习生孙欣' → ['李国', '孙欣']; photo credits give []."""
    text = text.strip().strip("()（）【】[]")
    if _PHOTO_END.search(text):
        return []
    text = _PHOTO_ROLE.split(text, maxsplit=1)[0]
    parts = _ROLE_RE.split(text)
    names: list[str] = []
    # parts = [before, role, after, role, after, ...]; text before the first role is a
    # publisher ('澎湃新闻记者 X') unless there is no role at all ('许接英 叶灿辉 王娅')
    for index in range(0 if len(parts) == 1 else 2, len(parts), 2):
        chunk = parts[index]
        if index + 1 < len(parts) and parts[index + 1].endswith("记者") and chunk[-1:].strip():
            chunk = chunk.rsplit(None, 1)[0] if len(chunk.split()) > 1 else ""  # '南都见习记者': a unit
        names.extend(_names(chunk))
    return normalize_names(names)


_AFFILIATION = re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(][^()（）]{2,16}(?:研究员|研究員|教授|律师|律師|主任|主席|秘书长|秘書長|理事长|理事長|学者|學者|博士)[)）]$")


_SENT_FROM = re.compile(r"^((?:[\u4e00-\u9fff]{2,4}[\s、]*){1,3}?)\s*发自\s*[\u4e00-\u9fff]{2,8}$")


def credit_line(line: str) -> list[str] | None:
    """Names if the whole line is a byline ('本报记者 王群 本报通讯员 李瑞'), else None.

    A photo byline ('本报记者 X 摄') is a credit line with no authors: returns [].
    """
    sent = _SENT_FROM.match(line.strip())
    if sent:  # '梦晨 发自 凹非寺': the writer and where the piece was filed from
        return normalize_names(_names(sent.group(1)))
    line = _AFFILIATION.sub("", line.strip())  # '文／林建宏（台灣勞工陣線研究員）': the writer's affiliation
    text = line.strip("()（）【】[]□■●◆▲★ ")
    if line.lstrip()[:1] in _BULLETS and len(text) <= 40 and not _ROLE_RE.search(text):
        # '□北京公交集团第一客运分公司 张丽娟' (a contributor's unit, then the name), '■ 林晓风'
        tail = text.split()[-1] if text.split() else ""
        if _CJK_NAME.match(tail) and not _JUNK_NAME.search(tail) and tail not in _NOT_NAMES:
            return [tail]
    if not text or len(text) > 60 or not _ROLE_RE.search(text):
        return None
    body = _PHOTO_END.sub("", text)
    parts = _ROLE_RE.split(body)
    if parts[0].strip() and not _ORG_PREFIX.match(parts[0].strip(" -—·－|｜")):
        return None  # text before the first role: a sentence, not a byline
    for index in range(2, len(parts), 2):
        chunk = parts[index].strip()
        tokens = [t for t in _SPLIT.split(chunk) if t]
        # names, and the unit before a role ('文/图 深圳特区报记者 张欣')
        if not tokens or any(not (_CJK_NAME.match(t.strip("()（）")) or _ORG_PREFIX.match(t)) for t in tokens):
            return None
    return [] if _PHOTO_END.search(text) else parse_credits(text)


# '…等参加会议。记者 李秋晨': a reporter's credit glued, with no brackets, after the last sentence
_TRAILING_ROLE = re.compile(
    r"[。！？!?”」]\s*((?:本报|本台|本网)?(?:记者|記者|通讯员|通訊員|实习生)\s*[\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4}){0,2})\s*$")


def trailing_credit(paragraph: str) -> list[str]:
    """'…正能量。(记者阮向民)', '…(王康洪)' or '…参加会议。记者 李秋晨' at the end of the last paragraph."""
    match = _TRAILING.search(paragraph)
    if not match:
        bare = _TRAILING_ROLE.search(paragraph)
        names = parse_credits(bare.group(1)) if bare else []
        # no bracket marks it off from the sentence: each name must start with a surname
        return names if all(n[0] in _SURNAMES or n[:2] in _COMPOUND_SURNAMES for n in names) else []
    inner = match.group(1)
    if _NOT_CREDIT.search(re.sub(r"本报(?=记者|通讯员)|^文/图|^图/文", "", inner.strip())):
        return []
    if _ROLE_RE.search(inner):
        return parse_credits(inner)
    tokens = [t for t in _SPLIT.split(inner.strip()) if t]
    if 1 <= len(tokens) <= 3 and all(_CJK_NAME.match(t) and t not in _NOT_NAMES for t in tokens):
        return normalize_names(tokens)
    return []


def bare_name(line: str) -> list[str]:
    """A last line that is only a name ('汪诚', '宋嘉禾') signs the article.

    With no role to vouch for it, the first character must be a common surname: '汽车' or
    '环球网' at the end of a page is navigation, not a signature.
    """
    text = line.strip().strip("()（）")
    if (_CJK_NAME.match(text) and len(text) <= 4 and not _JUNK_NAME.search(text) and text not in _NOT_NAMES
            and (text[0] in _SURNAMES or text[:2] in _COMPOUND_SURNAMES) and not (len(text) >= 3 and _ORG_END.search(text))):
        return [text]
    return []


_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮纪梅童凌毕单季裴霍涂成苗谷盛"
    "曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐"
    "冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计"
    "索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈"
    "湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_COMPOUND_SURNAMES = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "南宫", "西门", "独孤"}


# '新京报讯（记者…）', '新华社北京5月19日电（记者…）', '湖北工人报讯（通讯员…）' (not '本报讯': no name)
_DATELINE_PUBLISHER = re.compile(
    r"^([\u4e00-\u9fff]{2,8}?(?:日报|晚报|新闻|报|社|网|台))[\u4e00-\u9fff\d月日]{0,12}?(?:讯|电|消息)\s*[(（]"
)


def dateline_publisher(paragraph: str) -> str | None:
    """The publisher a dateline names: the source of an article with no 来源 line."""
    match = _DATELINE_PUBLISHER.match(paragraph)
    return normalize_source(match.group(1)) if match else None


def dateline_credit(paragraph: str) -> list[str]:
    """'本报讯(记者李国 实习生孙欣)…' at the start of a paragraph."""
    match = DATELINE.match(paragraph)
    if not match or not _ROLE_RE.search(match.group(1)):
        return []
    return parse_credits(match.group(1))


@dataclass
class Meta:
    """What one or more label lines say."""

    published_at: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    loose_published_at: str | None = None  # an unlabelled date near the headline: a last resort
    loose_source: str | None = None  # a publisher in an unlabelled byline: when no 来源 label names one
    account: str | None = None  # the self-media account in the byline: the author when no person is named
    yearless: tuple | None = None  # (month, day, hour, minute) of a '发布时间：10-08 12:00' with no year

    def merge(self, other: "Meta") -> None:
        """Fill what is still missing; names accumulate."""
        self.published_at = self.published_at or other.published_at
        self.loose_published_at = self.loose_published_at or other.loose_published_at
        self.source = self.source or other.source
        self.loose_source = self.loose_source or other.loose_source
        self.account = self.account or other.account
        self.yearless = self.yearless or other.yearless
        self.authors = normalize_names(self.authors + other.authors)
        self.editors = normalize_names(self.editors + other.editors)


# '10-08 12:00' (this year's dates on Baidu), '18-03-08 23:16'; the time may be glued on ('10-0812:00')
_SHORT_DATE = re.compile(r"^(?:(\d{2})-)?(\d{1,2})-(\d{2})\s*(?:(\d{1,2}):(\d{2}))?(?!\d)")


def _short_date(value: str) -> tuple[str | None, tuple | None]:
    """(ISO date, None) for a two-digit year, (None, (month, day, hour, minute)) for none."""
    match = _SHORT_DATE.match(value.strip())
    if not match:
        return None, None
    year, month, day, hour, minute = match.groups()
    if year:
        return make_iso(2000 + int(year), month, day, hour, minute), None
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None, None
    return None, (int(month), int(day), int(hour) if hour else None, int(minute) if minute else None)


def _cut(value: str) -> str:
    """A label's value ends at a closing bracket, or where a '【打印】'-style widget begins."""
    value = _CLOSE.split(value.lstrip(" 【[(（|"), maxsplit=1)[0]
    return re.split(r"[【\[]", value, maxsplit=1)[0].strip(" |")


# '記者：陳嘉欣2024年4月30日': a name and a date in adjacent spans, glued by the page's text
_GLUED_DATE = re.compile(r"(?<=[\u4e00-\u9fff])(?=(?:19|20)\d{2}\s*[-/.年])")


def unglue_date(text: str) -> str:
    return _GLUED_DATE.sub(" ", text)


_IP_PLACE = re.compile(r"\s*[·・|]?\s*IP\s*属地\s*[:：]?\s*[\u4e00-\u9fff]{1,8}")


def parse_line(line: str) -> Meta | None:
    """Metadata of a label line, or None when the line is not one.

    '2020-11-09 08:53:19 来源: 浙江工人日报' · '来源:浙江工人日报 日期:2022-01-21 浏览' ·
    '(责编:皮博、黄瑾)' · '2023-10-09 来源:南方工报 作者:许接英 叶灿辉 王娅'
    """
    if len(line) > 160:
        return None
    reprint = reprint_line(line)
    if reprint:
        return reprint
    line = _IP_PLACE.sub("", line)  # '发布于 2024-05-20 09:12・IP 属地浙江': platforms show where from
    line = unglue_date(line)
    if line.count("|") >= 2:  # '发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 作者魏星': fields, no colons
        line = _PIPE_FIELD.sub(r"\1\2：", line)
    bare = _BARE_EDITOR.match(line)
    if bare:  # '编辑 刘晓阳 校对 李铭': a label with no colon, on a short line of its own
        return Meta(editors=_names(re.split(r"\s(?:校对|审核|审校|二审|三审|终审)", bare.group(1))[0]))
    labels = list(_LABEL_RE.finditer(line))
    date = DATE_RE.search(line)
    if not labels:
        # a bare date line: '2022-01-11', '2023年12月01日14:23', '发布于 2021-03-15'
        if date and len(line) - len(date.group(0)) <= 8 and "星期" not in line:
            return Meta(published_at=parse_datetime(line))
        return None
    prefix = line[: labels[0].start()].strip(" 【[(（|")
    prefix_date = DATE_RE.search(prefix)
    # A label must open the line (after a bracket) or follow a date: '收入来源:' mid-sentence is text.
    # A contributing unit may lead a credit line: '医技党支部供稿 摄影/张艳 编辑/苏芳'.
    if prefix and not prefix_date and len(prefix) > 4 and not _UNIT_CREDIT.search(prefix):
        return None
    meta = Meta(published_at=parse_datetime(prefix) if prefix_date else None)
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(line)
        value = _cut(line[match.end(): end])
        kind = LABEL_KIND[match.group("label")]
        if kind == "time":
            meta.published_at = meta.published_at or parse_datetime(value)
            if not meta.published_at:
                meta.published_at, meta.yearless = _short_date(value)
        elif kind == "source":
            value_date = DATE_RE.search(value)
            head = value[: value_date.start()] if value_date else value
            words = [w for w in re.split(r"[\s|｜]+", head) if w]
            if words:
                meta.source = meta.source or normalize_source(words[0])
                rest = " ".join(words[1:])
                meta.authors += parse_credits(rest) if has_role(rest) else []
            if value_date:
                meta.published_at = meta.published_at or parse_datetime(value)
        elif kind == "author":
            meta.authors += parse_credits(match.group("label") + " " + value) or (
                _latin_name(value) or _glued_affiliation(value) if match.group("label") == "作者" else [])
        elif kind == "editor":
            meta.editors += _editor_names(value)
        elif kind == "stop" and DATE_RE.search(value):
            meta.published_at = meta.published_at or parse_datetime(value)
    meta.authors = normalize_names(meta.authors)
    meta.editors = normalize_names(meta.editors)
    return meta


def is_weekday_header(line: str) -> bool:
    """E-paper mastheads ('工人日报 2021年12月22日 星期一') carry a date that is not the article's."""
    return bool(re.search(r"星期[一二三四五六日天]|周[一二三四五六日]", line)) and bool(DATE_RE.search(line))


# '第03版:工会', '07版:人物', '版面:07: 人物' (Founder's page header)
EPAPER_PAGE = re.compile(
    r"(?:第?\s*0*(?P<no>\d{1,3})\s*版|版面\s*[:：]\s*0*(?P<no2>\d{1,3}))\s*(?:[:：]\s*|\s+)(?P<name>(?!上一|下一)[\u4e00-\u9fff·]{1,10})"
)


def epaper_page_number(match) -> str:
    return (match.group("no") or match.group("no2")).zfill(2)
EPAPER_HEADER = re.compile(r"^《\s*[^》]{2,12}?\s*》\s*[(（]\s*\d{4}年\d{1,2}月\d{1,2}日\s*0*\d{1,3}\s*版\s*[)）]$")
# '发布时间：…', and the platforms' '发布于 2024-05-20 09:12' (知乎, 头条) under the article
TIME_LABEL = re.compile(r"(?:发布|發布|发表|發表|更新)(?:时间|時間|日期)\s*[:：]|^(?:发布|發布|发表|發表)于\s*\d")
