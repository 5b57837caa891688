"""Article or not: rules of workercrawl/extract/verdict.py that a fixture page shows poorly."""

import pytest

from workercrawl.extract import verdict
from workercrawl.extract.dom import parse
from workercrawl.extract.normalize import parse_datetime

POEM = ["题记：", "冬夜读书偶得", "窗外北风吹落叶，", "灯下旧书伴清茶。", "一页翻过千年事，", "几行读罢到天涯。",
        "注释：", "冬夜无事，泡一壶清茶，翻开一本旧书，读到古人远行的故事，心也随之走了很远，于是写下这几句。",
        "笔名：", "林泉", "诗人热力榜", "诗歌热力榜"]


def _tree():
    return parse("<html><head><title>冬夜•读 - 诗歌网</title></head><body><p>x</p></body></html>")


def test_a_dated_poem_among_many_links_is_an_article():
    # a poetry platform's page: a short headline, a poem, a long ranking list of links in the box
    url = "https://poetry.example.cn/poem/2020011218.html"
    assert verdict.not_article(_tree(), url, "冬夜•读", POEM, "utf-8", cleaned_links=236, dated=True) is None
    undated = verdict.not_article(_tree(), url, "冬夜•读", POEM, "utf-8", cleaned_links=236, dated=False)
    assert undated is not None and undated.reason == "not-article"


def test_us_locale_times_of_old_asp_pages():
    assert parse_datetime("发布日期： 7/5/2005 9:23:57 PM") == "2005-07-05T21:23:57+08:00"
    assert parse_datetime("12/31/2005 12:05 AM") == "2005-12-31T00:05:00+08:00"
    assert parse_datetime("1/2/2024") == "2024-01-02"
    assert parse_datetime("3/4/5/2005") is None


@pytest.mark.parametrize("url, front", [
    ("https://www.qbitai.com/", True),
    ("https://www.aibase.com/zh/news", True),
    ("https://www.bbc.com/zhongwen/simp", True),
    ("https://www.example.com/index.html", True),
    # English and other slugs have no digit either, but they name one article (AEB pages)
    ("https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa", False),
    ("https://www.businessinsider.com/how-to-retire-early-steps-for-early-retirement", False),
    ("http://vse-diety.com/dieta-atkinsa.html", False),
    ("https://www.example.com/news/2024/0520.html", False),
    ("https://www.example.com/news?id=7", False),
])
def test_a_front_address_is_short_and_names_no_article(url, front):
    assert verdict._channel_address(url) is front
