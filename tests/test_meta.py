"""The label-line parser on real metadata formats (../shared/reference/sites.md §3)."""

import pytest

from workercrawl.extract.meta import credit_line, dateline_credit, is_weekday_header, parse_line, trailing_credit

T = "+08:00"


@pytest.mark.parametrize(
    "line, published_at, source, authors, editors",
    [
        # a translation's credit: the writer is the author, the translator is not
        ("作者：Mahdhi Rezvi 译者：前端小智 来源：medium", None, "medium", ["Mahdhi Rezvi"], []),
        # a writer's name glued to an affiliation, after or before it
        ("(作者：林静北京大学经济学院教授)", None, None, ["林静"], []),
        ("来源：澎湃新闻 作者：华中师范大学文学院周航", None, "澎湃新闻", ["周航"], []),
        ("作者：华中师范大学文学院", None, None, [], []),
        ("作者：清华大学经济学院院长", None, None, [], []),
        ("2020-11-09 08:53:19 来源: 浙江工人日报", f"2020-11-09T08:53:19{T}", "浙江工人日报", [], []),
        ("2023-10-12 10:56:06  来源:央视网", f"2023-10-12T10:56:06{T}", "央视网", [], []),
        ("2023年12月01日14:23  来源:《工人日报》", f"2023-12-01T14:23:00{T}", "工人日报", [], []),
        ("2021-08-01 10:51 來源: 新華社", f"2021-08-01T10:51:00{T}", "新華社", [], []),
        ("//www.workercn.cn2014-04-22 06:13:09来源: 中工网--《工人日报》", f"2014-04-22T06:13:09{T}", "工人日报", [], []),
        ("2023-10-09 来源:南方工报 作者:许接英 叶灿辉 王娅", "2023-10-09", "南方工报", ["许接英", "叶灿辉", "王娅"], []),
        ("2011-07-28 10:18:51  来源:  婺城新闻网  作者: 见习记者 黄泽振 摄", f"2011-07-28T10:18:51{T}", "婺城新闻网", [], []),
        ("来源:浙江工人日报 日期:2022-01-21 浏览", "2022-01-21", "浙江工人日报", [], []),
        ("发布时间:2016-09-22 13:22:00   浏览:", f"2016-09-22T13:22:00{T}", None, [], []),
        ("发布时间：2019年10月31日", "2019-10-31", None, [], []),
        ("发布日期：2019年10月31日 编辑：张三", "2019-10-31", None, [], ["张三"]),
        ("2024-05-01 来源：工人日报客户端", "2024-05-01", "工人日报", [], []),
        ("(责编:皮博、黄瑾)", None, None, [], ["皮博", "黄瑾"]),
        ("【责任编辑:陈颖】", None, None, [], ["陈颖"]),
        ("[责任编辑:郭昕玥 ]", None, None, [], ["郭昕玥"]),
        ("编辑: 李方", None, None, [], ["李方"]),
        ("二审:刘靓", None, None, [], []),
        ("(供稿:陈紫君)", None, None, ["陈紫君"], []),
        ("【来源：工人日报】【时间：2021-03-01 10:00】", f"2021-03-01T10:00:00{T}", "工人日报", [], []),
        ("2022-01-11", "2022-01-11", None, [], []),
        # fields between '|' with no colon after the label (CSDN)
        ("发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 0 条评论| 作者魏星", f"2014-08-24T21:30:00{T}", "CSDN", ["魏星"], []),
        ("作者：未知 责任编辑：棒棒不是糖", None, None, [], ["棒棒不是糖"]),  # a nickname signs for the editor
        ("责编：Demi Xia", None, None, [], ["Demi Xia"]),
        ("本文来源：每日经济新闻 责任编辑：荀建国_NN7379", None, "每日经济新闻", [], ["荀建国"]),  # staff code dropped
        ("医技药剂党支部、药剂科供稿 摄影/张艳 编辑/苏芳", None, None, [], ["苏芳"]),  # the unit leads the credit
        ("编辑|禤志杰", None, None, [], ["禤志杰"]),  # WeChat footers separate with '|'
        ("来源于：东区办事处", None, "东区办事处", [], []),
        ("采写：南都见习记者 林子沛", None, None, ["林子沛"], []),  # '南都' is the paper, not a person
        ("发布时间：18-03-0823:16", f"2018-03-08T23:16:00{T}", None, [], []),
    ],
)
def test_label_lines(line, published_at, source, authors, editors):
    meta = parse_line(line)
    assert meta is not None
    assert (meta.published_at, meta.source, meta.authors, meta.editors) == (published_at, source, authors, editors)


@pytest.mark.parametrize(
    "line",
    ["据了解，该市职工的收入来源：工资性收入占八成以上，经营性收入占一成。", "工人日报 2021年12月22日 星期一", "全省工会劳动和技能竞赛工作综述"],
)
def test_prose_and_mastheads_are_not_label_lines(line):
    assert parse_line(line) is None


def test_weekday_masthead_is_recognised():
    assert is_weekday_header("工人日报 2021年12月22日 星期一")
    assert not is_weekday_header("2021年12月22日 10:00 来源：工人日报")


@pytest.mark.parametrize(
    "line, names",
    [
        ("本报记者 王群 本报通讯员 李瑞", ["王群", "李瑞"]),
        ("记者 张三", ["张三"]),
        ("□本报记者 李明 通讯员 孙浩", ["李明", "孙浩"]),
        ("工人日报-中工网记者 刘友婷", ["刘友婷"]),
        ("本报记者 田国垒 本报通讯员 孔国政 摄", []),
        ("新华社记者 郝同前 摄", []),
        ("《棱镜》作者 周纯", ["周纯"]),
        ("文/观察者网专栏作者 王文", ["王文"]),
        ("北京日报客户端 | 记者 马晨晨", ["马晨晨"]),
        ("执笔/叨叨姐、胡一刀", ["叨叨姐", "胡一刀"]),
    ],
)
def test_bylines(line, names):
    assert credit_line(line) == names


def test_a_sentence_is_not_a_byline():
    assert credit_line("据记者了解，今年全市共有十万名职工参加比赛") is None


@pytest.mark.parametrize(
    "paragraph, names",
    [
        ("……汇聚见贤思齐、勇创一流的正能量。(记者阮向民)", ["阮向民"]),
        ("……让职工安心过年。(王康洪)", ["王康洪"]),
        ("……增强了职工的获得感。(記者 王琳)", ["王琳"]),
        ("……这一做法受到欢迎。(完)", []),
        ("……图为比赛现场。(资料图片)", []),
        ("……共建清朗网络空间。(文/图 刘玺东 易赛楠)", ["刘玺东", "易赛楠"]),
        # issue 16 round 2: a reporter's credit glued after the last sentence, no brackets
        ("……区有关部门负责人参加会议。记者 韩晓雯", ["韩晓雯"]),
        ("……活动现场气氛热烈。本报记者 陈晨、通讯员 王五", ["陈晨", "王五"]),
        ("……活动现场气氛热烈。记者 王磊 摄", []),
        ("……大家共同庆祝。记者节快乐", []),
        ("……他对记者李明说了很多", []),
    ],
)
def test_trailing_credit(paragraph, names):
    assert trailing_credit(paragraph) == names


@pytest.mark.parametrize(
    "paragraph, names",
    [
        ("本报讯(记者李国 实习生孙欣)近日，北京市总工会……", ["李国", "孙欣"]),
        ("本报讯 (记者 马春燕) 日前……", ["马春燕"]),
        ("南方工报讯(全媒体记者许接英 通讯员王娅)近日……", ["许接英", "王娅"]),
        ("新华社北京11月9日电（记者张三、李四）……", ["张三", "李四"]),
        ("中工网讯 近日，全国总工会……", []),
    ],
)
def test_dateline_credit(paragraph, names):
    assert dateline_credit(paragraph) == names


def test_a_date_without_year_is_kept_for_the_page_to_complete():
    meta = parse_line("发布时间：10-0812:00优质原创作者")
    assert meta.published_at is None and meta.yearless == (10, 8, 12, 0)


@pytest.mark.parametrize(
    "lines, source, authors, account",
    [
        (["2019-09-26 10:56:28 证券时报网"], "证券时报网", [], None),  # a date and a publisher
        (["原创 GameForce 2019-09-04 22:18:34"], None, [], "GameForce"),  # a self-media account
        (["2020-06-05 20:35 叨叨姐 胡一刀 李小飞刀"], None, ["叨叨姐", "胡一刀", "李小飞刀"], None),
        (["石佳/中国青年报", "2019-09-24 09:10"], "中国青年报", ["石佳"], None),
        (["新华社", "2020-01-03 18:13"], "新华社", [], None),
        (["原创 倪晓 苏州工会 2023-04-28 18:30"], None, [], None),  # a unit is no author
        (["2019年09月11日 富达传媒 时政新闻 1665 0"], None, [], None),  # too many words to tell
    ],
)
def test_unlabelled_header_bylines(lines, source, authors, account):
    from workercrawl.extract.byline import header_byline
    from workercrawl.extract.dom import Line

    meta = header_byline([Line(text) for text in lines])
    assert (meta.loose_source, meta.authors, meta.account) == (source, authors, account)


def test_reprint_credit_names_the_original_publisher_and_its_people():
    from workercrawl.extract.meta import parse_line

    found = parse_line("本文来自微信公众号“工时观察”（ID：gongshiguancha），作者：林小雨，编辑：陈一舟，36氪经授权发布。")
    assert (found.loose_source, found.authors, found.editors) == ("工时观察", ["林小雨"], ["陈一舟"])
    assert parse_line("本文分享自某某云社区《一篇文章》，作者：某某社区").loose_source == "某某云社区"
    assert parse_line("（本文经澎湃新闻授权转载）").loose_source == "澎湃新闻"
    assert parse_line("原创文章，作者：someblogger，如若转载，请注明出处").authors == ["someblogger"]
    # the host's own app promo, and a non-publisher, are no reprint credit
    assert parse_line("(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)") is None
    assert parse_line("本文来自网络，如有侵权请联系删除") is None


def test_source_keeps_the_publisher_not_the_ui_after_it():
    from workercrawl.extract.normalize import normalize_source

    assert normalize_source("中国新闻网 下载客户端 独家抢先看") == "中国新闻网"
    assert normalize_source("转载文章") is None


def test_sent_from_byline_names_the_writer():
    from workercrawl.extract.meta import credit_line

    assert credit_line("林小雨 发自 某某寺") == ["林小雨"]
    assert credit_line("他发自内心地说") is None


def test_a_publisher_is_no_author():
    from workercrawl.extract.meta import parse_line, person_names

    assert person_names(["国际在线", "某某传媒", "许骁"]) == ["许骁"]
    assert parse_line("作者：国际在线").authors == []


def test_an_editor_credited_by_a_platform_mention():
    from workercrawl.extract.meta import parse_line

    assert parse_line("本文责编：@PlatyHsu").editors == ["PlatyHsu"]
    assert parse_line("责编：@书语 @Lotta").editors == ["书语", "Lotta"]
    assert parse_line("编辑：@").editors == []
    assert parse_line("编辑：@https://example.com/x").editors == []
