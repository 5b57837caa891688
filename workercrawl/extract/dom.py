"""Parse HTML once and read it as lines of visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from .text import compact, norm_space

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Comments out of the tree: trafilatura reads a comment-free tree far better (its own loader
# drops them too). Founder's <!--enpproperty--> metadata is read from the text instead.
_PARSER = lxml.html.HTMLParser(collect_ids=False, remove_comments=True, remove_pis=True)

BLOCK_TAGS = frozenset(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table tbody thead tfoot section article "
    "blockquote figure figcaption header footer nav aside form center pre hr main address "
    "founder-content td th".split()
)
SKIP_TAGS = frozenset("script style noscript template iframe select option button textarea head object embed svg canvas video audio map".split())
# visibility:hidden is how some pages (WeChat) hide the article until a script runs: keep it.
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_CENTERED = re.compile(r"text-align\s*:\s*center", re.I)
_ALIGNED = re.compile(r"text-align\s*:\s*(?:left|right|justify)", re.I)
_CAPTION_CLASS = re.compile(r"caption|pic-?note|pic_?note|pic-?text|pic_?txt|img-?desc|img_?desc|imgtxt|img-?title|pic-?title|pic_?title|photo-?text|tuzhu|picintro|pic-?info", re.I)


class ParseError(ValueError):
    pass


def parse(text: str) -> lxml.html.HtmlElement:
    """Parse a decoded page; raises ParseError when nothing usable comes out."""
    text = _XML_DECL.sub("", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"HTML could not be parsed: {exc}") from exc
    if tree is None or len(tree) == 0:
        raise ParseError("HTML has no elements")
    _rejoin(tree)
    return tree


def _rejoin(tree) -> None:
    """An included header that ends in '</html>' leaves the rest of the page in a second
    root element, outside the document extractors read: move it back into <body>."""
    extra = tree.getnext()
    if extra is None or extra.tag != "html":
        return
    body = tree.find("body")
    if body is None:
        body = lxml.html.Element("body")
        tree.append(body)
    while extra is not None:
        following = extra.getnext()
        if extra.tag == "html":
            for child in list(extra):
                if child.tag == "body":
                    body.extend(list(child))
                elif child.tag != "head":
                    body.append(child)
        extra = following


@lru_cache(maxsize=512)
def css(selector: str) -> CSSSelector:
    """Compiled CSS selectors, cached: profiles reuse a few dozen of them on every page."""
    return CSSSelector(selector)


def select_first(tree, selectors) -> list:
    """Elements matched by any of `selectors`, in document order: one pass over the tree."""
    if not selectors:
        return []
    return _union(tuple(selectors))(tree)


_SIMPLE = re.compile(r"^([a-zA-Z][\w-]*)?(?:\.([\w-]+)|#([\w-]+)|\[class\$=[\"']?([\w-]+)[\"']?\])$")
classed = etree.XPath("descendant-or-self::*[@class or @id]")  # in document order


@lru_cache(maxsize=256)
def _union(selectors: tuple[str, ...]):
    """A matcher for a list of simple selectors (.class, #id, tag.class, tag#id, [class$=_yt]).

    cssselect turns "a, b, c" into a union of one tree walk per selector (the generic 引题/副题
    lists cost a fifth of an extraction); here one XPath walk collects the elements that have a
    class or an id, and Python compares their class words and id with all the selectors."""
    wanted = []
    for selector in selectors:
        found = _SIMPLE.match(selector.strip())
        if not found:
            return css(", ".join(selectors))  # anything richer: cssselect's own translation
        tag, cls, ident, suffix = found.groups()
        wanted.append((tag.lower() if tag else None, cls, ident, suffix))

    def match(tree) -> list:
        out = []
        for el in classed(tree):
            whole = el.get("class") or ""
            classes = whole.split()
            ident = el.get("id")
            for tag, cls, want_id, suffix in wanted:
                if tag is not None and el.tag != tag:
                    continue
                if (cls in classes) if cls else (whole.endswith(suffix) if suffix else ident == want_id):
                    out.append(el)
                    break
        return out

    return match


def select(tree, selectors) -> list:
    """Elements matched by the first selector (of a list) that matches anything."""
    if isinstance(selectors, str):
        selectors = [selectors]
    for selector in selectors or ():
        found = css(selector)(tree)
        if found:
            return found
    return []


@dataclass
class Line:
    """One line of visible text; `caption` marks text that belongs to a picture."""

    text: str
    caption: bool = False
    link_chars: int = 0  # characters of the line that sit inside <a>
    element: object = field(default=None, repr=False, compare=False)  # the block it came from
    _key: str | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """The text without whitespace, computed once: lines are matched against each other a lot."""
        if self._key is None:
            self._key = compact(self.text)
        return self._key


def lines(root, *, skip=frozenset()) -> list[Line]:
    """Visible text of `root` split at block boundaries, whitespace normalized.

    `skip` holds elements (e.g. the title node, widgets matched by a profile) left out.
    A short centered line next to an image, or inside <figcaption>, is marked as a caption.
    Runs on every page, so it is written for speed: one recursive pass, no per-node allocation.
    """
    out: list[Line] = []
    buf: list[str] = []
    link = 0
    after_img = caption_now = centered_now = False
    block_now = root

    def flush():
        nonlocal link, after_img
        if buf:
            text = norm_space("".join(buf))
            buf.clear()
            if text:
                caption = caption_now or (after_img and centered_now and len(text) <= 120)
                out.append(Line(text, caption, min(link, len(text)), block_now))
                after_img = False
        link = 0

    def walk(el, in_link: bool, centered: bool, in_caption: bool):
        nonlocal link, after_img, caption_now, centered_now, block_now
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS or (skip and el in skip):
            return
        style = el.get("style")
        if style and _HIDDEN.search(style) or el.get("hidden") is not None:
            return
        block = tag in BLOCK_TAGS
        if block:
            align = (el.get("align") or "").lower()
            if tag == "center" or (style and _CENTERED.search(style)) or (align == "center" and tag != "table"):
                here_centered = True  # <table align=center> centers the table, not its text
            elif align in ("left", "right", "justify") or (style and _ALIGNED.search(style)):
                here_centered = False
            else:
                here_centered = centered
            here_caption = in_caption or tag == "figcaption"
            if not here_caption:
                ident = el.get("class") or el.get("id")
                if ident and _CAPTION_CLASS.search((el.get("class") or "") + " " + (el.get("id") or "")):
                    here_caption = len(el.text_content()) <= 300  # a caption box, not a wrapper
            flush()
            centered_now, caption_now, block_now = here_centered, here_caption, el
        else:
            here_centered, here_caption = centered, in_caption
            if tag == "img":
                flush()
                after_img = True
        linked = in_link or tag == "a"
        if el.text:
            buf.append(el.text)
            if linked:
                link += len(el.text.strip())
        for child in el:
            walk(child, linked, here_centered, here_caption)
            if child.tail:
                buf.append(child.tail)
                if linked:
                    link += len(child.tail.strip())
        if block:
            flush()
            parent = el.getparent() if el is not root else None
            centered_now, caption_now, block_now = centered, in_caption, parent if parent is not None else root

    walk(root, False, False, False)
    flush()
    return out


def text_of(el) -> str:
    """Normalized visible text of one element, on one line."""
    if len(el) == 0:  # a leaf (most titles and captions): no walk needed
        return norm_space(el.text or "")
    return norm_space(" ".join(line.text for line in lines(el)))


def meta_content(tree, *names: str) -> str | None:
    """Content of the first <meta name|property=…> among `names` (case-insensitive)."""
    wanted = {n.lower() for n in names}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key in wanted:
            content = norm_space(meta.get("content") or "")
            if content:
                return content
    return None
