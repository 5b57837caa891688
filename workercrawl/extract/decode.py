"""Turn response bytes into text: header charset, then <meta>, then guesses.

trafilatura must never see undecoded GBK: it guesses wrong on Chinese pages.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

MAX_BYTES = 8 * 1024 * 1024  # no news article is this big; bigger is a feed dump or an attack

_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF", b"PK\x03\x04", b"\x1f\x8b",
    b"RIFF", b"OggS", b"ID3", b"\x7fELF", b"\x00\x00\x01\x00", b"fLaC", b"Rar!", b"7z\xbc\xaf",
    b"\x00\x00\x00\x18ftyp", b"\x00\x00\x00\x20ftyp", b"\x1a\x45\xdf\xa3", b"wOFF", b"wOF2",
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)

# Declared labels mapped to the superset codec that really decodes what servers send.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "gb_2312-80": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030",
    "big5": "big5hkscs", "x-big5": "big5hkscs", "cp950": "big5hkscs",
    "utf8": "utf-8", "unicode": "utf-8",
}
# Latin-1 style labels are server defaults, not facts about a Chinese page.
_UNRELIABLE = {"latin_1", "iso8859-1", "ascii", "cp1252", "windows-1252", "iso-8859-1", "us-ascii"}
_FALLBACKS = ("utf-8", "gb18030", "big5hkscs")


class DecodeError(ValueError):
    """The bytes are not an HTML page we can read; `code` is the rejection reason."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def header_charset(headers: Mapping | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() != "content-type":
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if value else b""
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        match = _HEADER_CHARSET.search(value)
        return match.group(1) if match else None
    return None


def looks_binary(body: bytes) -> bool:
    head = body[:4096].lstrip()
    if head.startswith(_BINARY_MAGIC):
        return True
    # Text pages have no NUL bytes; UTF-16 pages are not served by these sites.
    return head.count(b"\x00") > len(head) // 100


def _candidates(body: bytes, headers: Mapping | None) -> list[str]:
    found: list[str] = []
    if body.startswith(codecs.BOM_UTF8):
        found.append("utf-8")
    declared = [_codec(header_charset(headers))]
    meta = _META_CHARSET.search(body[:8192])
    declared.append(_codec(meta.group(1)) if meta else None)
    for codec in declared:
        if codec and codec not in _UNRELIABLE:
            found.append(codec)
    for codec in _FALLBACKS:
        found.append(codec)
    return list(dict.fromkeys(found))


def decode_html(body: bytes | str, headers: Mapping | None = None) -> tuple[str, str]:
    """Return (text, encoding) or raise DecodeError with a rejection code."""
    if isinstance(body, str):
        if not body.strip():
            raise DecodeError("empty", "the page is empty")
        return body, "unicode"
    if not body or not body.strip():
        raise DecodeError("empty", "the page is empty")
    if len(body) > MAX_BYTES:
        raise DecodeError("too-large", f"page is {len(body):,} bytes; the limit is {MAX_BYTES:,}")
    if looks_binary(body):
        raise DecodeError("binary", "the body is binary data (image, archive or similar), not HTML")
    for codec in _candidates(body, headers):
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    # A few corrupt bytes in an otherwise valid page: keep the page, lose the bytes.
    for codec in _candidates(body, headers):
        text = body.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(8, len(text) // 200):
            return text, codec
    raise DecodeError("undecodable", "the bytes decode as none of the declared or likely charsets")
