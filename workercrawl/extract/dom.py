"""Parse HTML once and read it as lines of visible text."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from .text import compact, norm_space

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

# Nesting. libxml2 (lxml's HTML parser) reads 256 levels deep by default and drops the rest of
# the page beyond that without an exception: an old CMS page that opens a <font> on each of its
# 600 lines and never closes one nests a level a line, and was stored with 251 lines. huge_tree
# lifts the limit to PARSER_DEPTH; a page deeper still stops the parser with a fatal error,
# which parse() reports (a rejection), never a page cut short.
PARSER_DEPTH = 2048  # libxml2's nesting limit with huge_tree (XML_PARSE_HUGE); not settable
# The tree the extractors get is at most MAX_DEPTH elements deep (<html> is 1): elements below
# that depth are moved up, in document order, to follow their ancestor at MAX_DEPTH, as browsers
# do (Blink caps its DOM at 512 levels). The text and its order stay; the extractors stay within
# reach: lines() walks the tree recursively (Python's limit is 1000 frames), readability parses
# its input again with libxml2's default limit of 256, and walks up ancestors are O(depth).
# No page of the corpora (fixtures, gne, aeb, real-zh-dev: 656 pages) is deeper than 108.
MAX_DEPTH = 200
# Comments out of the tree: trafilatura reads a comment-free tree far better (its own loader
# drops them too). Founder's <!--enpproperty--> metadata is read from the text instead.
_PARSER_OPTIONS = dict(collect_ids=False, remove_comments=True, remove_pis=True, huge_tree=True)
_LOCAL = threading.local()
# Formatting tags that only style text. Unclosed (a <font> opened on every line) they are how
# real pages get deeper than PARSER_DEPTH; dropped, the page reads the same. A page deeper than
# that is read a second time without them, unless one of them hides text (display:none, hidden):
# dropping it would show that text, keeping it without its end tag would hide the rest.
_FORMATTING = re.compile(r"</?(?:font|b|i|u|s|em|strong|big|small|strike|tt)\b[^>]*>", re.I)
_HIDES = re.compile(r"display\s*:\s*none|\shidden\b", re.I)

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


class CutShort(ParseError):
    """The parser stopped before the end of the page: what it read is not the whole page."""


def parse(text: str) -> lxml.html.HtmlElement:
    """Parse a decoded page, whole, at most MAX_DEPTH deep; raises ParseError when nothing
    usable comes out, CutShort when the parser could not read to the end of the page."""
    text = _XML_DECL.sub("", text, count=1)
    tree, stopped = _read(text)
    if stopped is not None and "depth" in stopped.message:
        plain = _without_formatting(text)
        if plain is not None:
            tree, stopped = _read(plain)
    if stopped is not None:
        if "depth" in stopped.message:
            raise CutShort(f"HTML is nested deeper than {PARSER_DEPTH} elements (the parser's limit, "
                           f"line {stopped.line}): the page cannot be read whole")
        raise CutShort(f"the HTML parser stopped at line {stopped.line} before the end of the page: "
                       f"{stopped.message.strip()}")
    if tree is None or len(tree) == 0:
        raise ParseError("HTML has no elements")
    _rejoin(tree)
    cap_depth(tree)
    return tree


def _parser() -> lxml.html.HTMLParser:
    """This thread's parser: parse() reads its error log, which threads sharing a parser mix."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = lxml.html.HTMLParser(**_PARSER_OPTIONS)
    return parser


def _read(text: str):
    """(tree, the fatal error that stopped the parser or None)."""
    parser = _parser()
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"HTML could not be parsed: {exc}") from exc
    fatal = parser.error_log.filter_from_fatals()
    return tree, (fatal[0] if fatal else None)


def _without_formatting(text: str) -> str | None:
    """The page without its formatting tags; None when one of them hides text (or there are none)."""
    hides = False

    def drop(match) -> str:
        nonlocal hides
        hides = hides or bool(_HIDES.search(match.group()))
        return ""

    plain = _FORMATTING.sub(drop, text)
    return None if hides or plain == text else plain


def cap_depth(tree, limit: int = MAX_DEPTH) -> None:
    """Make the tree at most `limit` elements deep (the root is 1; limit >= 2), keeping its
    visible text and its order: below each element at depth `limit`, every node becomes a
    following sibling of it, in document order. Hidden elements there (display:none, hidden)
    are dropped, tails kept: moved out of them, their content would show. Each node moves
    once, childless: linear in the nodes moved."""
    for anchor in _holding_at(limit)(tree):
        for node in [anchor, *anchor.iterdescendants()]:
            if _hidden(node) and node.getparent() is not None:
                node.drop_tree()
        if anchor.getparent() is None:
            continue
        inner = list(anchor.iterdescendants())
        # a node's tail follows its whole subtree: it goes to the subtree's last node
        last = {}
        for node in reversed([anchor, *inner]):
            if len(node):
                end = last[node] = last[node[-1]]
                if node.tail:
                    end.tail = (end.tail or "") + node.tail
                    node.tail = None
            else:
                last[node] = node
        for node in reversed(inner):  # descendants first: each node moves without children
            anchor.addnext(node)


def _hidden(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    style = el.get("style")
    return el.get("hidden") is not None or bool(style and _HIDDEN.search(style))


@lru_cache(maxsize=4)
def _holding_at(limit: int) -> etree.XPath:
    """Elements at depth `limit` (the root is 1) that have children, in document order."""
    if limit < 2:
        raise ValueError("the root element stays the root: limit >= 2")
    return etree.XPath("self::*" + "/*" * (limit - 1) + "[*]")


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
