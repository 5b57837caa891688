"""The extraction API's contract: an Article or a Rejection, never an exception."""

import random

import pytest

from workercrawl.extract import Article, Rejection, continuation_urls, extract_article, url_date

PARAGRAPHS = [
    "近日，全省各级工会围绕高质量发展主题，组织开展了形式多样的劳动和技能竞赛，参赛职工超过十万人次，涌现出一大批技术能手。",
    "省总工会有关负责人介绍，竞赛覆盖装备制造、交通运输、现代服务等重点行业，既比技能，也比创新，带动企业完善技能人才培养机制。",
    "下一步，各级工会将持续深化竞赛内涵，推动更多一线职工在竞赛中成长成才，为经济社会发展贡献力量。",
]


def old_template(paragraphs, total=None, title="全省工会技能竞赛成效显著"):
    pager = f'<div><p><input type="hidden" name="__totalpage" value="{total}"></p></div><center>1 2 下一页</center>' if total else ""
    body = "".join(f'<p style="padding:5px 25px;">\u3000\u3000{p}</p>' for p in paragraphs)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}-工会-中工网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/acftu">工会</a> <a href="/right">权益</a></div>
<h1 class="ctitle">{title}</h1>
<div class="signdate"><span>2020-11-09 08:53:19</span> <span>来源: 中工网--《工人日报》</span></div>
<div class="ccontent">{body}{pager}</div>
<div class="editor">编辑:张天一</div>
<div class="footer">关于我们| 版权声明| 违法和不良信息举报电话:010-84151598<br>Copyright &copy; 2008-2022 by www.workercn.cn. all rights reserved</div>
</body></html>""".encode("gbk")


URL = "http://acftu.workercn.cn/27/202011/09/201109085319156.shtml"


def test_old_template_article_fields():
    article = extract_article(old_template(PARAGRAPHS), URL)
    assert isinstance(article, Article)
    assert article.title == "全省工会技能竞赛成效显著"
    assert article.site == "中工网" and article.channel == "工会"
    assert article.published_at == "2020-11-09T08:53:19+08:00"
    assert article.source == "工人日报"
    assert article.editors == ["张天一"]
    assert article.body.split("\n") == PARAGRAPHS
    assert article.encoding == "gb18030" and article.profile == "workercn-old"


def test_multi_page_article_is_merged():
    page1 = old_template(PARAGRAPHS[:2], total=2)
    page2 = old_template(PARAGRAPHS[2:], total=2)
    assert continuation_urls(page1, URL) == [URL.replace(".shtml", "_2.shtml")]
    assert continuation_urls(page2, URL.replace(".shtml", "_2.shtml")) == []
    article = extract_article(page1, URL, more_pages=[page2])
    assert article.body.split("\n") == PARAGRAPHS
    assert "下一页" not in article.body


def test_on_page_time_wins_over_url_date():
    article = extract_article(old_template(PARAGRAPHS), "http://acftu.workercn.cn/27/202101/01/210101000000000.shtml")
    assert article.published_at == "2020-11-09T08:53:19+08:00"


@pytest.mark.parametrize(
    "url, day",
    [
        ("https://www.workercn.cn/c/2023-10-12/8012345.shtml", "2023-10-12"),
        ("http://acftu.workercn.cn/27/202011/09/201109085319156.shtml", "2020-11-09"),
        ("https://www.workercn.cn/papers/grrb/2021/12/22/2/news-3.html", "2021-12-22"),
        ("http://acftu.people.com.cn/n1/2023/1201/c67502-40129999.html", "2023-12-01"),
        ("http://www.example.gov.cn/art/t20210315_123456.html", "2021-03-15"),
        ("http://www.example.org/news/123.html", None),
    ],
)
def test_url_date(url, day):
    assert url_date(url) == day


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        (b"<html><body>" + b"\x80\xff" * 500 + b"</body></html>", "undecodable"),
        ("<html><head><title>页面不存在</title></head><body><h1>404</h1><p>您访问的页面不存在</p></body></html>".encode(), "not-article"),
        ("<html><body><h1>视频：职工技能大赛</h1><video src='a.mp4'></video></body></html>".encode(), "not-article"),
        (b"<<<>>><<!--", "not-article"),
    ],
)
def test_rejections_carry_a_reason(body, reason):
    result = extract_article(body, "http://example.org/a.html")
    assert isinstance(result, Rejection)
    assert result.reason == reason and result.detail
    assert result.to_dict()["status"] == "rejected"


def test_truncated_page_keeps_its_text():
    page = old_template(PARAGRAPHS)
    cut = page[: page.index("</div>".encode(), page.index(b"ccontent")) - 40]
    article = extract_article(cut, URL)
    assert isinstance(article, Article)
    assert PARAGRAPHS[0] in article.body


def test_str_input_is_accepted():
    article = extract_article(old_template(PARAGRAPHS).decode("gbk"), URL)
    assert isinstance(article, Article) and article.source == "工人日报"


def test_never_raises_on_mutated_html():
    rng = random.Random(7)
    page = old_template(PARAGRAPHS)
    for _ in range(60):
        data = bytearray(page)
        for _ in range(rng.randint(1, 40)):
            position = rng.randrange(len(data))
            action = rng.random()
            if action < 0.4:
                data[position] = rng.randrange(256)
            elif action < 0.7:
                del data[position: position + rng.randint(1, 200)]
            else:
                data[position:position] = rng.choice([b"<", b">", b"<div>", b"</p>", b"<!--", b"\x00", b"<script>"])
        result = extract_article(bytes(data), URL)
        assert isinstance(result, (Article, Rejection))
