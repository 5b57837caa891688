"""Deeply nested pages are read whole or rejected with a reason, never cut short.

lxml's HTML parser (libxml2) used to stop at 256 levels of nesting and drop the rest of the
page without a word: an old CMS page that opens a <font> on each of its 600 lines was stored
as an article with 251 of them. Pages here are built in code: a 600-line <font> article (old
workercn template and an unknown site), text inside 20,000 nested <b>, an article inside 300
nested <div>, and nesting beyond what the parser can read at all.
"""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from workercrawl.extract import Article, Rejection, extract_article
from workercrawl.extract.dom import MAX_DEPTH, PARSER_DEPTH, ParseError, cap_depth, parse

_PLACES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市", "义乌市"]
_DEEDS = [
    "总工会组织开展职工技能竞赛，参赛职工在焊接、数控车工等工种中比技术、比创新",
    "总工会为户外劳动者新建服务站点，配齐饮水机、微波炉和急救药箱，方便快递小哥歇脚",
    "总工会开展“送清凉”活动，走访慰问高温下坚守岗位的建筑工人和环卫工人",
    "总工会法律援助中心帮助农民工追讨欠薪，工会律师全程代理劳动争议案件",
    "总工会推进职工书屋建设，为基层班组配送图书和电子阅读设备",
    "总工会举办职工心理健康讲座，邀请专家为一线职工疏导工作压力",
    "总工会开展困难职工帮扶，建立动态管理台账，做到应帮尽帮",
    "总工会推动集体协商，企业与职工代表就工资增长幅度达成一致",
]


def paragraphs(count: int) -> list[str]:
    """`count` different paragraphs that read like a long 工会 report."""
    out = []
    for index, (place, deed) in zip(range(count), itertools.cycle(itertools.product(_PLACES, _DEEDS))):
        out.append(f"{place}{deed}，第{index + 1}批次共惠及职工{137 * (index + 3) % 9000 + 100}人次，职工群众普遍反映效果良好。")
    return out


TITLE = "全省工会服务职工工作综述"


def old_template(content: str) -> bytes:
    """The old workercn template (TRS): headline, signdate line with 来源, div.ccontent, editor."""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{TITLE}-工会-中工网</title></head><body>
<div id="nav" class="w980"><ul><li><a href="http://www.workercn.cn/">首页</a></li><li><a href="http://acftu.workercn.cn/">工会</a></li><li><a href="http://right.workercn.cn/">权益</a></li></ul></div>
<div class="w980"><div class="left">
<div class="crumb">您现在的位置：<a href="http://www.workercn.cn/">中工网</a> &gt; <a href="http://acftu.workercn.cn/">工会</a></div>
<h1 class="ctitle">{TITLE}</h1>
<div class="signdate"><span>2012-03-16 08:21:40</span> <span>来源: 中工网--《工人日报》</span></div>
<div class="ccontent">
{content}
</div>
<div class="editor">编辑:张天一</div>
</div>
<div class="right"><div class="r_box"><div class="r_tit">全总领导</div><ul><li><a href="#">王东明</a>&nbsp;全国总工会主席</li></ul></div></div>
</div>
<div id="footer" class="w980"><p>关于中工网 | 版权声明 | 违法和不良信息举报电话:010-84151598</p>
<p>Copyright &copy; 2008-2012 by www.workercn.cn. all rights reserved</p></div>
</body></html>""".encode("gbk")


def plain_template(content: str) -> bytes:
    """A small union site no profile knows: the generic path reads it."""
    return f"""<html><head><meta charset="utf-8"><title>{TITLE}_工作动态_某市总工会</title></head><body>
<div class="top"><a href="/">首页</a> | <a href="/gzdt/">工作动态</a> | <a href="/wqgz/">维权工作</a></div>
<div class="main"><div class="article">
<h1>{TITLE}</h1>
<div class="info">发布时间：2012-03-16 08:21:40　来源：工人日报　浏览次数：1024</div>
<div class="content">
{content}
</div>
<div class="editor">责任编辑：张天一</div>
</div></div>
<div class="foot">版权所有：某市总工会　地址：人民路1号　备案号：浙ICP备00000000号</div>
</body></html>""".encode("utf-8")


OLD_URL = "http://acftu.workercn.cn/27/201203/16/120316082140123.shtml"
PLAIN_URL = "http://www.example-zgh.org.cn/gzdt/2012/0316/4521.html"
TEMPLATES = {"workercn-old": (old_template, OLD_URL), "generic": (plain_template, PLAIN_URL)}


def unclosed_fonts(texts: list[str]) -> str:
    """Old CMS markup: each line opens a <font> and never closes it, so each nests in the last."""
    return "\n".join(f'<font face="宋体" size="3">\u3000\u3000{text}<br>' for text in texts)


def read_whole_or_rejected(result, texts: list[str]) -> None:
    """The contract: an Article holding every text, or a Rejection that says why."""
    if isinstance(result, Rejection):
        assert result.reason == "unparseable" and "nest" in result.detail, result
        return
    assert isinstance(result, Article)
    missing = [t for t in texts if t not in result.body]
    assert not missing, f"article cut short: {len(missing)} of {len(texts)} texts missing, first {missing[0]!r}"


@pytest.mark.parametrize("template", TEMPLATES)
def test_600_unclosed_font_lines_are_read_whole(template):
    build, url = TEMPLATES[template]
    texts = paragraphs(600)
    result = extract_article(build(unclosed_fonts(texts)), url)
    assert isinstance(result, Article), result
    missing = [t for t in texts if t not in result.body]
    assert not missing, f"{len(missing)} of 600 paragraphs missing"
    assert result.body.count("\n") + 1 == 600  # one paragraph a line, none merged or repeated
    assert result.title == TITLE
    assert result.published_at == "2012-03-16T08:21:40+08:00"
    assert result.source == "工人日报"
    assert result.editors == ["张天一"]
    assert "全总领导" not in result.body and "版权" not in result.body


def test_text_inside_20000_nested_b():
    texts = paragraphs(9)
    content = ("".join(f"<p>{t}</p>" for t in texts[:3]) + "<p>" + "<b>" * 20000 + texts[3] + "<br>" + texts[4]
               + "</b>" * 20000 + "</p>" + "".join(f"<p>{t}</p>" for t in texts[5:]))
    for template in TEMPLATES.values():
        build, url = template
        started = time.perf_counter()
        result = extract_article(build(content), url)
        assert time.perf_counter() - started < 10
        read_whole_or_rejected(result, texts)
        # unclosed formatting is how real pages get this deep: the text is read whole
        assert isinstance(result, Article), result


def test_article_inside_300_nested_div():
    texts = paragraphs(12)
    content = "<div>" * 300 + "".join(f"<p>{t}</p>" for t in texts) + "</div>" * 300
    for build, url in TEMPLATES.values():
        result = extract_article(build(content), url)
        read_whole_or_rejected(result, texts)
        assert isinstance(result, Article), result


@pytest.mark.parametrize("depth", [2000, PARSER_DEPTH + 100, 20000])
def test_nesting_the_parser_cannot_hold_is_read_whole_or_rejected(depth):
    """Up to the parser's own limit the page is read whole; beyond it (block elements, which no
    second reading can drop) it is rejected as unparseable, with the reason."""
    texts = paragraphs(12)
    content = ("".join(f"<p>{t}</p>" for t in texts[:4]) + "<div>" * depth + "".join(f"<p>{t}</p>" for t in texts[4:8])
               + "</div>" * depth + "".join(f"<p>{t}</p>" for t in texts[8:]))
    result = extract_article(plain_template(content), PLAIN_URL)
    read_whole_or_rejected(result, texts)
    if depth < PARSER_DEPTH - 20:
        assert isinstance(result, Article), result
    else:
        assert isinstance(result, Rejection) and str(PARSER_DEPTH) in result.detail


def test_hidden_formatting_is_not_stripped_to_read_deeper():
    """The second reading drops formatting tags; one that hides text would show it (or, left in
    place without its end tags, hide the rest): such a page is rejected instead."""
    texts = paragraphs(6)
    content = ("".join(f"<p>{t}</p>" for t in texts) + '<font style="display:none">隐藏的统计代码</font>'
               + "<b>" * 3000 + "深处" + "</b>" * 3000)
    result = extract_article(plain_template(content), PLAIN_URL)
    assert isinstance(result, Rejection) and result.reason == "unparseable", result


def test_a_too_deep_further_page_rejects_the_article():
    """Pages 2..N are part of the article: one that cannot be read whole is not dropped."""
    first = paragraphs(6)
    second = "<div>" * (PARSER_DEPTH + 10) + "<p>第二页的内容。</p>" + "</div>" * (PARSER_DEPTH + 10)
    result = extract_article(old_template("".join(f"<p>{t}</p>" for t in first)), OLD_URL,
                             more_pages=[old_template(second)])
    assert isinstance(result, Rejection) and result.reason == "unparseable", result
    assert result.detail.startswith("page 2:")


def _depth(tree) -> int:
    deepest = level = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        level += 1 if event == "start" else -1
        deepest = max(deepest, level)
    return deepest


def test_parse_caps_the_depth_and_keeps_the_text_in_order():
    html = "<html><body><div id=a>" + "".join(f"<font>行{i}<i>斜{i}</i>尾{i}" for i in range(700)) + "</div><p>后记</p></body></html>"
    tree = parse(html)
    assert _depth(tree) <= MAX_DEPTH
    text = "".join(tree.itertext())
    assert text == "".join(f"行{i}斜{i}尾{i}" for i in range(700)) + "后记"
    assert tree.find(".//p").getparent().tag == "body"  # what follows the deep part stays where it was


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["div", "font", "b", "p", "span", "td", "br", "img"]), st.integers(0, 2),
                          st.text("工会职工ab", max_size=3)), min_size=1, max_size=60), st.integers(2, 6))
def test_capping_keeps_every_character_in_order(steps, limit):
    """Any nesting, any cap: the capped tree has the same text, in the same order."""
    markup, stack = [], []
    for tag, action, text in steps:
        if action == 2 and stack:
            markup.append(f"</{stack.pop()}>")
        else:
            markup.append(f"<{tag}>")
            stack.append(tag)
        markup.append(text)
    tree = parse("<html><body>" + "".join(markup) + "</body></html>")
    before = "".join(tree.itertext())
    elements = sum(1 for _ in tree.iter())
    cap_depth(tree, limit)
    assert _depth(tree) <= limit
    assert "".join(tree.itertext()) == before
    assert sum(1 for _ in tree.iter()) == elements  # elements are moved, none dropped


def test_parse_still_rejects_what_it_cannot_read():
    with pytest.raises(ParseError):
        parse("<html><body>" + "<div>" * (PARSER_DEPTH + 50) + "</body></html>")


def test_readability_reads_the_whole_deep_page():
    """The last fallback parses its input again with libxml2's default limit (256 levels): it
    gets the page as parse() read it, so it too sees the lines past that depth."""
    from workercrawl.extract.generic import _readability

    texts = paragraphs(400)
    tree = parse(plain_template(unclosed_fonts(texts)).decode("utf-8"))
    found = "\n".join(line.text for line in _readability(tree))
    assert all(t in found for t in texts)


def test_hidden_text_below_the_cap_stays_hidden():
    """Moved out of a hidden element, its content would show: hidden elements there are dropped."""
    html = ("<html><body><div>" + "<font>行" * 10 + '<span style="display:none">隐<b>藏</b>的</span>尾'
            + '<i hidden>也<b>隐藏</b></i>末' + "</font>" * 10 + "</div></body></html>")
    tree = parse(html)
    cap_depth(tree, 4)
    assert _depth(tree) <= 4
    assert "".join(tree.itertext()) == "行" * 10 + "尾末"
