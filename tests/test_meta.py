"""The label-line parser on real metadata formats (../shared/reference/sites.md §3)."""

import pytest

from workercrawl.extract.meta import credit_line, dateline_credit, is_weekday_header, parse_line, trailing_credit

T = "+08:00"


@pytest.mark.parametrize(
    "line, published_at, source, authors, editors",
    [
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
