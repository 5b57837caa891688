"""What extraction returns: an Article, or a Rejection with its reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXTRACTOR_VERSION = "1"

# Rejection codes. Detail strings say the specifics in words.
EMPTY = "empty"
BINARY = "binary"
TOO_LARGE = "too-large"
UNDECODABLE = "undecodable"
UNPARSEABLE = "unparseable"
NOT_ARTICLE = "not-article"
ERROR = "extractor-error"


@dataclass
class Image:
    src: str
    caption: str | None = None


@dataclass
class Article:
    url: str
    title: str
    body: str
    site: str | None = None
    channel: str | None = None
    pretitle: str | None = None
    subtitle: str | None = None
    published_at: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    page_no: str | None = None  # e-paper 版次
    page_name: str | None = None  # e-paper 版名
    encoding: str | None = None
    profile: str | None = None  # which site profile read the page ("generic" if none)
    canonical: str | None = None  # the page's own <link rel=canonical>, absolute (what it says its URL is)
    extractor_version: str = EXTRACTOR_VERSION
    status: str = "article"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Rejection:
    url: str
    reason: str
    detail: str = ""
    encoding: str | None = None
    extractor_version: str = EXTRACTOR_VERSION
    status: str = "rejected"

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason
