import pytest

from workercrawl.extract.normalize import normalize_datetime, normalize_names, normalize_source, parse_datetime


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
