"""Item pipelines on replica pages, without a reactor: extraction → validation → storage."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from pipelines.extraction import ExtractionPipeline
from pipelines.storage import StoragePipeline
from pipelines.validation import ValidationPipeline
from workercrawl.ingest import validated
from workercrawl.validate import normalize_article
from workercrawl.items import Fetched, PageItem
from workercrawl.spiders.workercn import WorkercnSpider
from conftest import site_dir

BASE = "http://127.0.0.1:8000"


def page_item(site: str, path: str, headers=None, more=(), nav=None) -> PageItem:
    url = f"{BASE}/{path}"
    item = PageItem(url=url, spider="workercn", status=200, headers=headers or {"Content-Type": "text/html"},
                    body=(site_dir(site) / path).read_bytes(), nav=dict(nav or {}))
    for extra in more:
        item.more_pages.append(Fetched(f"{BASE}/{extra}", 200, {}, (site_dir(site) / extra).read_bytes(), "t"))
    return item


@pytest.fixture
def crawler(tmp_path):
    crawler = get_crawler(WorkercnSpider, {
        "WORKERCRAWL_DB": str(tmp_path / "w.db"), "WORKERCRAWL_RAW_DB": str(tmp_path / "raw.db"),
        "WORKERCRAWL_BATCH_SIZE": 2,
    })
    crawler.spider = WorkercnSpider.from_crawler(crawler, start_url=f"{BASE}/acftu")
    return crawler


def run(crawler, item: PageItem) -> PageItem:
    item = asyncio.run(ExtractionPipeline.from_crawler(crawler).process_item(item))
    return ValidationPipeline.from_crawler(crawler).process_item(item)


def test_extraction_merges_two_pages(crawler):
    item = run(crawler, page_item("workercn", "27/202105/10/210510160218904.shtml",
                                  more=["27/202105/10/210510160218904_2.shtml"]))
    result = item.result
    assert result["status"] == "article" and result["title"] == "一线职工代表建言企业高质量发展"
    assert "炼铁厂职工代表老张" in result["body"] and "提案落实率达到95%以上" in result["body"]
    assert "全总领导" not in result["body"] and "全国总工会主席" not in result["body"]


def test_rejection_passes_through(crawler):
    item = run(crawler, page_item("workercn", "c/2024-05-19/7100004.shtml"))
    assert item.result["status"] == "rejected" and item.result["reason"] == "not-article"


def test_validation_normalizes_and_fills_from_navigation():
    raw = {
        "url": "u", "title": "  标题\n 二 ", "body": "一\n\n 二 ", "published_at": "2024-05-20 09:12",
        "source": "中工网--《工人日报》", "authors": ["李国", " 李国 ", "x"], "editors": "李方、王维",
        "images": [{"src": "a.jpg"}, {"caption": "no src"}], "page_no": None, "page_name": None,
        "pretitle": "", "status": "article",
    }
    out = normalize_article(raw, {"page_no": "03", "page_name": "权益"})
    assert out["title"] == "标题 二" and out["body"] == "一\n二" and out["pretitle"] is None
    assert out["published_at"] == "2024-05-20T09:12:00+08:00" and out["source"] == "工人日报"
    assert out["authors"] == ["李国"] and out["editors"] == ["李方", "王维"]
    assert out["images"] == [{"src": "a.jpg", "caption": None}]
    assert (out["page_no"], out["page_name"]) == ("3", "权益")


def test_validation_keeps_a_self_media_account_the_extractor_named_as_author():
    """Extraction names an account ('IT之家', '中国广州发布') when no person signs the article;
    validation must store what extraction returned, not drop it as no person's name."""
    for account in ("IT之家", "中国广州发布"):
        out = normalize_article({"url": "u", "title": "t", "body": "b", "authors": [account]})
        assert out["authors"] == [account]
    assert normalize_article({"url": "u", "authors": ["x"]})["authors"] == []
    assert normalize_article({"url": "u", "authors": ["李国", "IT之家"]})["authors"] == ["李国"]


def test_validation_rejects_an_article_without_title():
    out = validated({"url": "u", "title": " ", "body": "x", "status": "article"})
    assert out == {"url": "u", "status": "rejected", "reason": "invalid", "detail": "no title", "encoding": None,
                   "extractor_version": None}


def test_storage_writes_articles_rejects_raw_and_run(crawler):
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    good = run(crawler, page_item("workercn", "c/2024-05-20/7100001.shtml", {"Content-Type": "text/html; charset=utf-8"}))
    video = run(crawler, page_item("workercn", "c/2024-05-19/7100004.shtml"))
    failed = PageItem(url=f"{BASE}/c/2024-05-16/7100008.shtml", spider="workercn", status=404,
                      error={"reason": "http-error", "detail": "HTTP 404"})
    for item in (good, video, failed):
        pipeline.process_item(item)
    pipeline.close_spider()
    store = pipeline.store
    assert store.count("articles") == 1
    assert sorted(r["reason"] for r in store.db.query("SELECT reason FROM rejects")) == ["http-error", "not-article"]
    assert store.raw["pages"].count == 2  # the two 200 responses; the 404 has no body to keep
    pipeline.spider_closed(crawler.spider, "finished")
    assert pipeline.store is None


def test_storage_is_optional(tmp_path):
    crawler = get_crawler(WorkercnSpider, {"WORKERCRAWL_DB": ""})
    with pytest.raises(NotConfigured):
        StoragePipeline.from_crawler(crawler)
