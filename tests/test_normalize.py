import pytest

from workercrawl.extract.normalize import is_handle, normalize_authors, normalize_datetime, normalize_names, normalize_source, parse_datetime


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2020-11-09 08:53:19", "2020-11-09T08:53:19+08:00"),
        ("2023年12月01日14:23", "2023-12-01T14:23:00+08:00"),
        ("2019年10月31日", "2019-10-31"),
        ("2021/3/5 9:07", "2021-03-05T09:07:00+08:00"),
        ("版权所有 2006-2024", None),
        ("2021-02-30", None),
        ("2007-08-20-23:59:59", "2007-08-20T23:59:59+08:00"),  # a CMS's hyphen before the time
        # English front ends of Chinese platforms: month names
        ("发布于AI资讯 · 2 分钟阅读 · Mar 5, 2025", "2025-03-05"),
        ("September 12, 2023 9:04", "2023-09-12T09:04:00+08:00"),
        ("Sept. 3, 2021", "2021-09-03"),
        ("5 Dec 2019, 14:20:11", "2019-12-05T14:20:11+08:00"),
        ("Mayday 3, 2021", None),
        ("in May 2021", None),
    ],
)
def test_parse_datetime(text, iso):
    assert parse_datetime(text) == iso


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2020-11-09T08:53:19+08:00", "2020-11-09T08:53:19+08:00"),
        ("2020-11-09T00:53:19Z", "2020-11-09T08:53:19+08:00"),
        ("2020-11-09T08:53:19", "2020-11-09T08:53:19+08:00"),
        ("2020-11-09", "2020-11-09"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_datetime(value, iso):
    assert normalize_datetime(value) == iso


@pytest.mark.parametrize(
    "value, canonical",
    [
        ("《工人日报》", "工人日报"),
        ("中工网--《工人日报》", "工人日报"),
        ("工人日报客户端", "工人日报"),
        ("《工人日报》阅读 2317", "工人日报"),
        ("浙江工人日报", "浙江工人日报"),
        ("", None),
    ],
)
def test_normalize_source(value, canonical):
    assert normalize_source(value) == canonical


def test_normalize_names_dedupes_and_drops_junk():
    assert normalize_names(["李方", " 李方", "", "（王娅）", "x"]) == ["李方", "王娅"]
    assert normalize_names("皮博、黄瑾") == ["皮博", "黄瑾"]


def test_user_handles_from_a_user_card():
    # issue 16 round 2: a blog's user card prints a handle, not a person's name
    for handle in ("A-肖老师-树谷学院", "私~川流", "我有一些感想……", "化学心情下2", "Xiao____Q"):
        assert is_handle(handle), handle
    for junk in ("少数派编辑部", "（李明）", "https://x.cn/u/1", "12345", "新华社", "发布于北京", "a"):
        assert not is_handle(junk), junk
    assert normalize_authors(["私~川流"]) == ["私~川流"]  # the one handle the extractor gave


def test_platform_and_ui_words_are_not_names():
    # issue 16: account and platform lines, UI words and sentences filled name slots
    for junk in ("发布于北京经济日报官方账号", "环球时报新媒体", "相关链接", "相关连接", "收录于合集", "简介", "本文来源于国家统计局", "来自广东"):
        assert normalize_names([junk]) == [], junk
    assert normalize_names(["方敏", "Demi Xia"]) == ["方敏", "Demi Xia"]


def test_self_media_platforms_are_data():
    from workercrawl.extract import platforms

    assert platforms.is_self_media("https://www.toutiao.com/a7361234567890123456/")
    assert platforms.is_self_media("https://www.163.com/dy/article/ABC.html")
    assert not platforms.is_self_media("https://www.163.com/news/article/ABC.html")
    assert not platforms.is_self_media("https://blog.csdn.net/x/article/details/1")
    assert platforms.is_self_media("http://127.0.0.1/x", "澎湃新闻·澎湃号·政务")
    assert platforms.is_boilerplate("特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。")
    assert platforms.is_boilerplate("量子位 | 公众号 QbitAI")
    assert not platforms.is_boilerplate("职工通过工会微信公众号完成报名。")
