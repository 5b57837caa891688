import pytest

from workercrawl.extract.decode import MAX_BYTES, DecodeError, decode_html

# 喆 and 镕 are in GBK but not in GB2312: a strict gb2312 decode would fail on them.
TEXT = "<html><head>{meta}</head><body><p>刘喆和朱镕同志参加劳动竞赛。</p></body></html>"


def page(meta: str, codec: str) -> bytes:
    return TEXT.format(meta=meta).encode(codec)


def test_meta_gb2312_is_read_as_gb18030():
    body = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk")
    text, codec = decode_html(body)
    assert codec == "gb18030"
    assert "刘喆和朱镕" in text


def test_header_charset_wins_over_meta():
    body = page('<meta charset="utf-8">', "gbk")
    text, codec = decode_html(body, {"Content-Type": "text/html; charset=GBK"})
    assert codec == "gb18030" and "劳动竞赛" in text


def test_wrong_declared_charset_falls_back_to_what_decodes():
    body = page('<meta charset="gb2312">', "utf-8")
    text, codec = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
    assert codec == "utf-8" and "劳动竞赛" in text


def test_undeclared_gbk_is_guessed():
    text, codec = decode_html(page("", "gbk"))
    assert codec == "gb18030" and "劳动竞赛" in text


def test_latin1_header_is_not_trusted_for_chinese_pages():
    text, _ = decode_html(page("", "utf-8"), {b"Content-Type": [b"text/html; charset=ISO-8859-1"]})
    assert "劳动竞赛" in text


def test_big5_meta():
    body = "<html><head><meta charset=big5></head><body>勞動競賽 工會</body></html>".encode("big5")
    text, _ = decode_html(body)
    assert "勞動競賽" in text


@pytest.mark.parametrize(
    "body, code",
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 100, "binary"),
        (b"<html>" + b"\x00\x01\x02" * 400, "binary"),
        (b"<html><body>" + b"\x80\xff" * 500 + b"</body></html>", "undecodable"),
    ],
)
def test_bad_input_raises_decode_error_with_code(body, code):
    with pytest.raises(DecodeError) as info:
        decode_html(body)
    assert info.value.code == code


def test_gigantic_page_is_refused():
    with pytest.raises(DecodeError) as info:
        decode_html(b"<html>" + b"a" * (MAX_BYTES + 1))
    assert info.value.code == "too-large"


def test_a_few_bad_bytes_do_not_lose_the_page():
    body = "<html><body><p>职工权益保障</p>".encode("utf-8") + b"\xff" + "<p>工会</p></body></html>".encode("utf-8")
    text, codec = decode_html(body)
    assert "职工权益保障" in text and codec == "utf-8"
