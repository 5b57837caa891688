"""The site registry (workercrawl/sites.toml) as data: every [site.KEY] entry loads, inherits, and
recognises its URL families; each names the spider that runs it; `workercrawl sites` lists them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workercrawl.cli import cli
from workercrawl import sites


@pytest.mark.parametrize("key", sites.keys())
def test_every_entry_loads_and_allows_its_own_start_pages(key):
    site = sites.entry(key)
    assert site.extra.get("name") and site.allowed_domains
    hosts = sites.HostAllowList.for_spider(site.allowed_domains)
    entry_points = list(site.start_urls) + ([site.extra["issue_url"]] if site.extra.get("issue_url") else [])
    assert entry_points or site.extra.get("unsupported")
    for url in entry_points:
        assert hosts.allows(url), url
    assert set(site.extra) <= sites.ENTRY_KEYS


def test_family_and_defaults_are_inherited():
    ldwb, gsgrb = sites.entry("ldwb"), sites.entry("gsgrb")
    assert ldwb.extra["family"] == "founder" and ldwb.extra["page_links"][0] == "a#pageLink"
    assert ldwb.next_texts == sites.entry("nfgb").next_texts and "下一页" in ldwb.next_texts
    assert ldwb.list_paths == ()  # the family replaces the generic list shapes
    # an entry's own patterns win over the family's
    assert gsgrb.is_page("http://szb.gansudaily.com.cn/gsgrb/202305/09/col01.html")
    assert not gsgrb.is_page("http://szb.gansudaily.com.cn/gsgrb/202305/09/node_1.htm")
    assert gsgrb.extra["charset"] == "gbk" and gsgrb.extra["max_list_pages"] == 50
    generic = sites.generic()
    assert generic.extra["probe_pages"] is True and generic.extra["depth"] == 4
    assert sites.entry("nfgb").extra["probe_pages"] is False


@pytest.mark.parametrize("key, url, kind", [
    ("workercn", "https://www.workercn.cn/c/2024-05-20/7100001.shtml", "article"),
    ("workercn", "http://news.workercn.cn/32841/201901/18/190118124637372.shtml", "article"),
    ("workercn", "https://www.workercn.cn/papers/grrb/2024/05/18/1/news-1.html", "article"),
    ("workercn", "https://www.workercn.cn/acftu", "list"),
    ("workercn", "http://acftu.workercn.cn/27/27_2.shtml", "list"),
    ("grrb", "https://www.workercn.cn/papers/grrb/2024/05/20/3/page.html", "page"),
    ("grrb", "https://www.workercn.cn/papers/grrb/2024/05/20/3/news-5.html", "article"),
    ("ldwb", "https://ldwb.workerbj.cn/content/2023-05/16/node_3.htm", "page"),
    ("ldwb", "https://ldwb.workerbj.cn/content/2023-05/16/content_287654.htm", "article"),
    ("tsldrb", "http://epaper.huanbohainews.com.cn/tsldrb/pc/layout/202110/26/node_01.html", "page"),
    ("tsldrb", "http://epaper.huanbohainews.com.cn/tsldrb/pc/content/202110/26/content_45678.html", "article"),
    ("gsgrb", "http://szb.gansudaily.com.cn/gsgrb/202305/09/c1234567.html", "article"),
    ("acftu-people", "http://acftu.people.com.cn/n1/2023/1201/c67502-40129876.html", "article"),
    ("acftu-people", "http://acftu.people.com.cn/GB/67502/index2.html", "list"),
    ("nfgb", "https://www.nfgb.com.cn/yw/content/post_1351210.html", "article"),
    ("nfgb", "https://www.nfgb.com.cn/yw/index_2.html", "list"),
    ("nfgb", "https://www.nfgb.com.cn/yw/", "list"),
    ("nfgb", "https://www.nfgb.com.cn/gh/index_3.html", "list"),
    ("acftu-people", "http://acftu.people.com.cn/GB/67560/", "list"),
    ("bjzgh", "https://www.bjzgh.org/ghzz/bjgt/xwdt/201808/20180820/j_20180820093012345678901234567890.html", "article"),
    ("bjzgh", "https://www.bjzgh.org/ghzz/bjgt/xwdt/index_1.html", "list"),
])
def test_entries_recognise_their_url_families(key, url, kind):
    site = sites.entry(key)
    assert {"page": site.is_page, "article": site.is_article, "list": site.is_list}[kind](url)
    others = {"page": site.is_page, "article": site.is_article, "list": site.is_list}
    assert [k for k, test in others.items() if test(url)] == [kind]


@pytest.mark.parametrize("url, article", [
    ("https://www.acftu.org/xwdt/ghyw/202403/t20240311_851234.html", True),       # TRS
    ("http://www.example-zgh.org.cn/xwzx/ghdt/201709/t20170919_183870/", True),     # TRS article folder
    ("http://www.example-zgh.org.cn/xwzx/ghdt/201709/", False),
    ("https://www.nfgb.com.cn/yw/content/post_1351210.html", True),
    ("http://www.jsgh.org/art/2021/6/9/art_3577_123456.html", True),               # Hanweb
    ("https://www.workercn.cn/c/2024-05-20/7100001.shtml", True),
    ("https://www.zjftu.org/page/zj_zgh/gzdt/sxgh/2023-10-12/20231012093000123.html", True),
    ("https://www.bjzgh.org/ghzz/bjgt/xwdt/201808/20180820/j_20180820093012345678901234567890.html", True),
    ("http://acftu.people.com.cn/n1/2023/1201/c67502-40129876.html", True),
    ("https://www.example.edu.cn/info/1021/3456.htm", True),                        # VSB
    ("https://ldwb.workerbj.cn/content/2023-05/16/node_3.htm", False),
    ("https://www.zjftu.org/page/zj_zgh/gzdt/sxgh/index_2.html", False),
    ("https://www.example.org/2024-05-20/index_1234.html", False),
    ("https://www.example.org/uploads/2024/0520/20240520123456.pdf", False),
    ("https://www.example.org/about.html", False),
])
def test_generic_article_shapes(url, article):
    assert sites.generic().is_article(url) is article


def test_generic_list_and_skip_shapes():
    generic = sites.generic()
    for url in ("http://h/xwdt/ghyw/", "http://h/Category_12/Index_2.aspx", "http://h/col/col3577/index.html"):
        assert generic.is_list(url), url
    # an article folder is an article, not a channel folder
    assert not generic.is_list("http://h/xwzx/ghdt/201709/t20170919_183870/")
    for url in ("http://h/search/index.html", "http://h/User/Login.aspx", "http://h/a/b.PDF", "http://h/Rss.xml"):
        assert generic.skips(url), url
    assert not generic.skips("http://h/Item/2345.aspx")


def test_unknown_key_and_bad_entries(monkeypatch):
    with pytest.raises(KeyError, match="configured: workercn, grrb, ldwb"):
        sites.entry("no-such-site")
    raw = {"sites": {"next_texts": ["下一页"]}, "family": {"bad": {"page_path": ["/x"]}},
           "site": {"typo": {"name": "x", "artcle_paths": ["/a"]}, "nofamily": {"name": "y", "family": "zz"},
                    "badre": {"name": "z", "article_paths": ["(unclosed"]}, "badfamily": {"name": "f", "family": "bad"}}}
    monkeypatch.setattr(sites, "_raw", lambda: raw)
    sites.entry.cache_clear()
    try:
        with pytest.raises(ValueError, match="unknown key.*artcle_paths"):
            sites.entry("typo")
        with pytest.raises(ValueError, match=r"no \[family.zz\]"):
            sites.entry("nofamily")
        with pytest.raises(ValueError, match="bad regular expression"):
            sites.entry("badre")
        with pytest.raises(ValueError, match=r"\[family.bad\]: unknown key.*page_path"):
            sites.entry("badfamily")
        raw["sites"]["max_page"] = 3  # in the defaults too
        with pytest.raises(ValueError, match=r"\[sites\]: unknown key.*max_page"):
            sites.entry("badre")
        del raw["sites"]["max_page"]
        raw["workercn"] = {"max_list_pages": 50}  # a table outside [sites]/[family.X]/[site.KEY]
        with pytest.raises(ValueError, match="top level.*workercn"):
            sites.entry("badre")
    finally:
        sites.entry.cache_clear()


def test_registry_imports_without_scrapy():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, workercrawl.sites as s; s.catalog(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted') "
            "or m.startswith('workercrawl.spiders')))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "[]"


def test_core_sites_are_entries_with_their_own_spider():
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    assert sites.keys()[:2] == ["workercn", "grrb"]
    assert sites.spider_for("workercn") == ("workercn", {}) and sites.spider_for("grrb") == ("grrb", {})
    assert sites.spider_for("nfgb") == ("sites", {"site": "nfgb"})
    grrb = sites.entry("grrb")
    assert grrb.extra["page_links"][0] == "ul#pageUrl li" and grrb.extra["max_days"] == 400
    assert grrb.list_paths == () and grrb.next_texts == sites.entry("nfgb").next_texts
    # every dedicated spider is a sites spider whose site_key names its entry, and the other way round
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["workercrawl.spiders"]}))
    dedicated = {sites.spider_for(k)[0]: k for k in sites.keys() if sites.spider_for(k)[0] != "sites"}
    fixed = {name: loader.load(name).site_key for name in loader.list() if loader.load(name).site_key}
    assert fixed == dedicated == {"workercn": "workercn", "grrb": "grrb"}


def test_workercrawl_sites_lists_the_entries():
    result = CliRunner().invoke(cli, ["sites"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sites.keys()
    assert any(line.startswith("ldwb") and "劳动午报" in line and "[founder]" in line for line in lines)
    assert any(line.startswith("workercn ") and "(scrapy crawl workercn)" in line for line in lines)
    assert any(line.startswith("acftu ") and "UNSUPPORTED" in line and "acftu-people" in line for line in lines)
    rows = [json.loads(line) for line in CliRunner().invoke(cli, ["sites", "--json"]).stdout.splitlines()]
    assert {r["key"]: r["name"] for r in rows}["bjzgh"] == "北京市总工会"
    assert {r["key"]: r["spider"] for r in rows if r["key"] in ("grrb", "nfgb")} == {"grrb": "grrb", "nfgb": "sites"}


def test_documented_config_example_is_a_valid_entry(monkeypatch):
    import re
    import tomllib
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "sites.md").read_text("utf-8")
    section = doc.split("## Adding a site", 1)[1].split("\n## ", 1)[0]
    example = tomllib.loads(re.search(r"```toml\n(.*?)```", section, re.S).group(1))
    raw = {**sites._raw(), "site": {**sites._raw()["site"], **example["site"]}}
    monkeypatch.setattr(sites, "_raw", lambda: raw)
    sites.entry.cache_clear()
    try:
        (key,) = example["site"]
        entry = sites.entry(key)
        assert entry.is_article("https://www.example-zgh.org.cn/xwzx/ghyw/202405/t20240520_1023.html")
        assert entry.is_list("https://www.example-zgh.org.cn/xwzx/ghyw/index_2.html")
        assert entry.extra["charset"] == "gbk" and entry.next_texts
    finally:
        sites.entry.cache_clear()
