"""The article's figures: images in the body, lead photos under the headline, and the
profile's own figure blocks, each with its caption; QR codes, logos and ads left out."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .article import Image
from .dom import Line, select, text_of
from .text import compact, norm_space

_IMG_SKIP = re.compile(r"qrcode|qr_code|(?:^|[/_.-])qr(?:[/_.-]|$)|erweima|ewm|logo|icon|share|weixin|wechat|(?:^|[/.])ads?[./_]|ad_\d+x\d+|spacer|blank\.gif|loading|\.gif(?:$|\?)", re.I)
_IMG_SIZE = re.compile(r"\d+")
_AVATAR_CLASS = re.compile(r"avatar|author|head-?img|user-?(?:img|pic)|(?:^|[\s_-])thum", re.I)
_QR_PROMPT = re.compile(r"二维码|扫码关注|扫一扫|长按识别|关注(?:我们|公众号|该公众号)")


def lead_images(page_lines: list[Line], title: str, box) -> list:
    """Figures between the headline and the body container (a lead photo under the title)."""
    key = compact(title)
    head = next((l.element for l in page_lines if key and l.key == key), None)
    if head is None or box is None:
        return []
    found, started = [], False
    for el in head.getroottree().iter():
        if el is head:
            started = True
        elif el is box:
            break
        elif started and el.tag in ("img", "amp-img") and not any(a.tag == "a" for a in el.iterancestors()):
            found.append(el)  # linked thumbnails are navigation, not figures
    return found[:2]


def figures(tree, url, box, profile, captions, lead=()) -> list[Image]:
    nodes = list(box.iter("img", "amp-img")) if box is not None else []  # AMP pages: <amp-img>
    outside = [n for n in [*lead, *(select(tree, profile.images) if profile else [])] if n not in nodes]
    nodes = outside[:len(lead)] + nodes + outside[len(lead):]
    out: list[Image] = []
    spare = list(captions)
    for img in nodes:
        src = img.get("data-src") or img.get("data-original") or img.get("src") or ""
        if not src or src.startswith("data:") or _IMG_SKIP.search(src) or _is_avatar(img):
            continue
        if img.get("usemap") or img.get("useMap"):  # an e-paper's clickable page map, not a figure
            continue
        sizes = [int(_IMG_SIZE.match(v).group()) for v in (img.get("width"), img.get("height")) if v and _IMG_SIZE.match(v)]
        if sizes and min(sizes) < 60:
            continue
        caption = None
        if _QR_PROMPT.search(_sibling_caption(img) or ""):
            continue  # a "长按识别二维码" code, not a figure of the article
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        if figure is not None and figure.find(".//figcaption") is not None:
            caption = text_of(figure.find(".//figcaption"))
        elif img in outside:
            caption = _sibling_caption(img)
        elif spare:
            caption = spare.pop(0)
        caption = caption or norm_space(img.get("alt") or img.get("title") or "") or None
        src = urljoin(url, src)
        if all(i.src != src for i in out):
            out.append(Image(src, caption))
    return out


def _is_avatar(img) -> bool:
    """The author's or account's picture next to the byline, not a figure of the article."""
    parent = img.getparent()
    ident = f"{img.get('class') or ''} {parent.get('class') or '' if parent is not None else ''}"
    return bool(_AVATAR_CLASS.search(ident))


def _sibling_caption(img) -> str | None:
    """Text next to a figure outside the body: <img><p>caption</p> or <p><img></p><p>caption</p>."""
    for node in (img, img.getparent()):
        if node is None:
            continue
        sibling = node.getnext()
        if sibling is not None and sibling.tag not in ("img", "script"):
            text = text_of(sibling)
            if 0 < len(text) <= 120:
                return text
    return None
