"""Continuation pages (2..N of a multi-page article) are read as page 1 is."""

from workercrawl.extract import extract_article

LEADERS = [("王东明", "全国总工会主席"), ("陈　刚", "全国总工会党组书记、副主席、书记处第一书记,机关党委书记"),
           ("谭天星", "全国总工会副主席、书记处书记、党组成员"), ("江广平", "全国总工会副主席、书记处书记、党组成员"),
           ("魏地春", "全国总工会副主席、书记处书记、党组成员"), ("郭明义", "全国总工会副主席(兼)"),
           ("巨晓林", "全国总工会副主席(兼)"), ("张茂华", "全国总工会书记处书记、党组成员,组织部部长"),
           ("许山松", "全国总工会书记处书记、党组成员"), ("邹　震", "全国总工会书记处书记、党组成员")]
FIRST = [
    "4月20日，东川市总工会在市职工服务中心举办新就业形态劳动者集中入会活动，快递员、外卖送餐员、网约车司机等200余名劳动者现场加入工会组织。",
    "活动现场设置了入会登记、法律咨询、健康体检等服务台，工会干部向劳动者详细介绍入会流程和会员可以享受的各项服务，不少劳动者当场扫码办理入会手续。",
    "“以前总觉得工会离我们很远，现在入了会，遇到劳动纠纷就知道该找谁了。”外卖送餐员小李说，工会还为他们提供了免费的意外伤害保险。",
    "据介绍，今年以来东川市总工会已推动建立行业工会联合会6家，吸纳新就业形态劳动者入会3100余人。",
]
LAST = ["市总工会有关负责人表示，将继续做好新就业形态劳动者的服务工作。"]  # under 30 tokens: a one-sentence last page
URL = "http://www.dczgh.example.cn/xwdt/ghyw/202104/t20210426_558123.html"
TITLE = "两百余名新就业形态劳动者集中入会"


def union_page(paragraphs, page: int, charset: str = "gb2312") -> str:
    """An unknown TRS-style union site (no profile): a table layout whose left column, before
    the headline, lists the 全总领导; the body in div.TRS_Editor; a pager in <center>."""
    leaders = "".join(f'<li><a href="/ld/{i}.html">{name}</a> {role}</li>' for i, (name, role) in enumerate(LEADERS))
    body = "".join(f"<p>\u3000\u3000{p}</p>" for p in paragraphs)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{TITLE}_工会要闻_东川市总工会</title></head><body>
<div class="top"><a href="/">首页</a> | <a href="/xwdt/">新闻动态</a> | <a href="/wq/">维权服务</a> | <a href="/zcfg/">政策法规</a></div>
<table width="1000"><tr>
<td class="left" width="260"><div class="ldbox"><div class="ldbox-t">全总领导</div><ul>{leaders}</ul></div></td>
<td class="right" width="740">
<div class="wz">当前位置：<a href="/">首页</a> &gt; <a href="/xwdt/ghyw/">工会要闻</a></div>
<h1>{TITLE}</h1>
<div class="info">发布时间：2021-04-26 09:30　来源：东川市总工会</div>
<div class="TRS_Editor">{body}</div>
<center>共2页 <a href="t20210426_558123.html">1</a> <a href="t20210426_558123_1.html">2</a></center>
<div class="bj">责任编辑：刘洋</div>
</td></tr></table>
<div class="foot">版权所有：东川市总工会　地址：东川市人民路1号　电话：0000-1234567<br>Copyright &copy; 2021</div>
</body></html>"""


def test_short_last_page_of_an_unknown_template_keeps_no_sidebar():
    page1, page2 = union_page(FIRST, 1).encode("gbk"), union_page(LAST, 2).encode("gbk")
    article = extract_article(page1, URL, {"Content-Type": "text/html"}, [page2])
    assert article.profile == "generic"
    assert article.body.split("\n") == FIRST + LAST
    assert "全总领导" not in article.body and "王东明" not in article.body


def test_continuation_pages_decode_with_their_own_headers():
    """(body, headers) pairs, or objects with .body and .headers (items.Fetched): a page served
    in another charset than page 1 (here Big5, which GBK would read as mojibake) is read right."""
    last = "市總工會有關負責人表示，將繼續做好新就業形態勞動者的服務工作。"
    page1 = union_page(FIRST, 1, "gbk").encode("gbk")
    # characters Big5 lacks go out as numeric references, as a gateway's pages do
    page2 = union_page([last], 2, "big5").replace('<meta http-equiv="Content-Type" content="text/html; charset=big5">', "")
    page2 = page2.encode("big5hkscs", errors="xmlcharrefreplace")
    gbk, big5 = {"Content-Type": "text/html; charset=GBK"}, {"Content-Type": "text/html; charset=Big5"}
    article = extract_article(page1, URL, gbk, [(page2, big5)])
    assert article.body.split("\n") == FIRST + [last]

    class Fetched:  # what a crawl holds
        def __init__(self, body, headers):
            self.body, self.headers = body, headers

    assert extract_article(page1, URL, gbk, [Fetched(page2, big5)]).body == article.body
    # bytes alone (or no headers known for the page) are read with page 1's headers: wrong here
    assert last not in extract_article(page1, URL, gbk, [page2]).body
    assert last not in extract_article(page1, URL, gbk, [(page2, {})]).body
    # and right whenever page 1's headers fit the page
    same = union_page(LAST, 2).encode("gbk")
    assert extract_article(page1, URL, gbk, [same]).body.split("\n") == FIRST + LAST
