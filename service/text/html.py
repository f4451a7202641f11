"""HTML in: a whole web page gives up its article and metadata; a CMS fragment is translated in place.

`looks_like_page` tells the two apart. A page goes through trafilatura (`extract_page`), which finds the
main content and the title, byline, date, site name and canonical URL; we only lay its text out as
paragraphs separated by blank lines and fill metadata gaps from <title>, <h1>, <link rel=canonical> and
og: tags. Its work is bounded by size (characters in, elements parsed), not by a clock: Python cannot stop
a thread, and the service already runs every request and job item under a time limit.

A fragment keeps its markup (`translate_fragment`), the way DeepL's tag_handling=html does:

* The unit of translation is a *run*: the text between two block boundaries (p, h1-h6, li, td,
  figcaption, blockquote, br, ...; see html.toml), with all inline markup (a, strong, em, span, ...)
  inside it. Each run reaches `translate` as one plain-text segment, so "Der <a>Bundestag</a> hat" is one
  sentence to the model, not three pieces. Every text node belongs to exactly one run.
* Inline tags cannot travel through a model that knows no markup, so they stay where they are in the
  tree and only the text nodes between them change. The translation is cut into one piece per text node:
  a node whose text reappears verbatim in the translation (a name, a number) is pinned there; the cuts
  between pins go at the same relative position as in the source, snapped to a space where the source had
  a space there and off the middle of a word where it had none. A reordered sentence can thus put a
  link's tags around the wrong words, never lose or repeat a word: every character of the translation
  lands in exactly one text node, in order, and the tree's elements, attributes and their order are the
  parser's own, untouched. (The other choice, each text node translated alone, splits sentences at every
  <strong> and is far worse for a sentence model.)
* Whitespace-only text nodes are not translated and stay as they are; so do the leading and trailing
  spaces of each node, which keep the layout of the source.
* Scripts, styles, comments and other hidden elements, <code>/<pre>, and elements marked translate="no" or
  class="notranslate" are kept whole: their text never reaches `translate`, and an inline one in a run
  (a product name in a notranslate span) stands as a word boundary in the segment. Attributes (alt,
  title, href) are never sent and never changed.

`fragment_text` gives the plain text a reader sees (hidden elements out, runs as paragraphs) for language
detection and summaries.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Callable, Iterator
from configparser import ConfigParser
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from ..errors import PayloadTooLarge, UnreadableHtml

__all__ = [
    "MAX_PAGE_CHARS",
    "MAX_PAGE_ELEMENTS",
    "Page",
    "extract_page",
    "fragment_text",
    "looks_like_page",
    "translate_fragment",
]

MAX_PAGE_CHARS = 8_000_000  # 4x the API's largest body (a 2 MB page extracts in about two seconds)
MAX_PAGE_ELEMENTS = 200_000  # a 2 MB news page has ~30k elements; far more is not a page anyone wrote

Translate = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class _Rules:
    document_tags: frozenset[str]
    chrome_tags: frozenset[str]
    min_chrome_tags: int
    author_roles: tuple[str, ...]
    block_tags: frozenset[str]
    hidden_tags: frozenset[str]
    verbatim_tags: frozenset[str]
    notranslate_classes: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = tomllib.loads((Path(__file__).with_name("html.toml")).read_text(encoding="utf-8"))
    page, fragment = data["page"], data["fragment"]
    return _Rules(
        document_tags=frozenset(page["document_tags"]),
        chrome_tags=frozenset(page["chrome_tags"]),
        min_chrome_tags=page["min_chrome_tags"],
        # longest first, so "envoyée spéciale" goes before a shorter role could match its tail
        author_roles=tuple(sorted(page["author_roles"], key=len, reverse=True)),
        block_tags=frozenset(fragment["block_tags"]),
        hidden_tags=frozenset(fragment["hidden_tags"]),
        verbatim_tags=frozenset(fragment["verbatim_tags"]),
        notranslate_classes=frozenset(fragment["notranslate_classes"]),
    )


# ---------------------------------------------------------------------------------------------------------
# page or fragment

# Comments and script/style bodies can hold anything that looks like a tag; they are cut before looking.
_OPAQUE_SOURCE = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_TAG_NAME = re.compile(r"<(!doctype\b|[a-z][a-z0-9-]*)", re.IGNORECASE)


def looks_like_page(html: str) -> bool:
    """True for a whole document (doctype, <html>, <head>, <body>, <title>, or site chrome such as a <nav>
    and a <footer>), False for a CMS body of paragraphs, headings, links, lists and figures."""
    rules = _rules()
    names = {name.lower() for name in _TAG_NAME.findall(_OPAQUE_SOURCE.sub(" ", html))}
    if "!doctype" in names or names & rules.document_tags:
        return True
    return len(names & rules.chrome_tags) >= rules.min_chrome_tags


# ---------------------------------------------------------------------------------------------------------
# pages


@dataclass(frozen=True)
class Page:
    """A page's article text (paragraphs separated by blank lines) and what is known about it."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601 date, YYYY-MM-DD (publication date)
    site_name: str | None = None
    url: str | None = None  # canonical URL, else the one the caller gave

    def metadata(self) -> dict[str, str | None]:
        """The JSON `metadata` object: title, author, date, site_name, url (null when unknown)."""
        return {
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "site_name": self.site_name,
            "url": self.url,
        }


@lru_cache(maxsize=1)
def _trafilatura_config() -> ConfigParser:
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(MAX_PAGE_CHARS))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # only the CLI uses it (with signals); be explicit
    return config


def extract_page(html: str, *, url: str | None = None) -> Page:
    """The main article of a whole page, as paragraphs, with its metadata.

    Raises PayloadTooLarge past MAX_PAGE_CHARS or MAX_PAGE_ELEMENTS, and UnreadableHtml when the markup
    cannot be parsed or holds no article text.
    """
    if len(html) > MAX_PAGE_CHARS:
        raise PayloadTooLarge(f"The HTML page has {len(html)} characters; at most {MAX_PAGE_CHARS} are read.")
    # imported with the first page (18 MB of RSS, with its date and URL parsers), not with every server
    import trafilatura
    from trafilatura.settings import Document

    try:
        tree = trafilatura.load_html(html)
    except (TypeError, ValueError, etree.LxmlError):
        tree = None
    if tree is None:
        raise UnreadableHtml("The HTML could not be parsed as a page.")
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_PAGE_ELEMENTS:
        raise PayloadTooLarge(f"The HTML page has {elements} elements; at most {MAX_PAGE_ELEMENTS} are read.")
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        config=_trafilatura_config(),
        # metadata and <time> elements only: a date found in running text is as often wrong as right
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(document, Document) or document.body is None:
        raise UnreadableHtml("No article text was found in the HTML page.")
    title = document.title or _meta(tree, "og:title") or _first_text(tree, "//title") or _first_text(tree, "//h1")
    paragraphs = _paragraphs(document.body)
    if paragraphs and title and _alnum(paragraphs[0]) == _alnum(title):
        paragraphs = paragraphs[1:]  # the headline is `title`, not the article's first paragraph
    if not paragraphs:
        raise UnreadableHtml("No article text was found in the HTML page.")
    return Page(
        text="\n\n".join(paragraphs),
        title=title,
        author=_author(document.author or _meta(tree, "author") or _meta(tree, "article:author")),
        date=document.date or None,
        site_name=_site_name(document.sitename, tree, title),
        url=_url(document.url, tree, url),
    )


_PARAGRAPH_TAGS = frozenset({"p", "head", "item", "quote", "code", "row", "list", "table", "div"})


def _paragraphs(body: etree._Element) -> list[str]:
    """trafilatura's XML body (p, head, list/item, quote, table/row/cell, lb) as paragraphs: one per
    block, one per list item, one per table row with its cells joined by " | "; <lb/> is a line break."""
    out: list[str] = []

    def add(text: str) -> None:
        text = "\n".join(filter(None, (_collapse(line) for line in text.split("\n"))))
        if text:
            out.append(text)

    def inline(element: etree._Element) -> str:
        parts = [element.text or ""]
        for child in element:
            parts += ["\n" if child.tag == "lb" else inline(child), child.tail or ""]
        return "".join(parts)

    def block(element: etree._Element) -> None:
        if element.tag == "row":
            add(" | ".join(cell for cell in (_collapse(inline(cell)) for cell in element) if cell))
            return
        text = [element.text or ""]  # inline content between the block's own blocks
        for child in element:
            if child.tag in _PARAGRAPH_TAGS:
                add("".join(text))
                text = []
                block(child)
            else:
                text.append("\n" if child.tag == "lb" else inline(child))
            text.append(child.tail or "")
        add("".join(text))

    for element in body:
        if element.tag != "graphic":
            block(element)
    return out


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _meta(tree: HtmlElement, name: str) -> str | None:
    for element in tree.iterfind(".//meta"):
        if name in (element.get("property"), element.get("name")):
            content = _collapse(element.get("content") or "")
            if content:
                return content
    return None


def _first_text(tree: HtmlElement, path: str) -> str | None:
    for element in tree.xpath(path):
        text = _collapse(element.text_content())
        if text:
            return text
    return None


def _author(author: str | None) -> str | None:
    """Cut a trailing job title a byline put after the name; an author that is a URL is no name."""
    if not author or author.startswith(("http://", "https://")):
        return None
    author = _collapse(author)
    folded = author.casefold()
    for role in _rules().author_roles:
        if folded.endswith(" " + role):
            return author[: -len(role)].rstrip(" ,–-|") or None
    return author


def _site_name(found: str | None, tree: HtmlElement, title: str | None) -> str | None:
    """trafilatura's name, unless it is only the URL's domain (its last resort) and the page names itself."""
    named = (
        _meta(tree, "og:site_name")
        or _meta(tree, "application-name")
        or _title_suffix(_first_text(tree, "//title"), title)
    )
    if found and not (named and "." in found and " " not in found):
        return found
    return named or found


_SEPARATORS = re.compile(r"^\s*[-–—|:·•]\s*")


def _title_suffix(document_title: str | None, title: str | None) -> str | None:
    """The site's name after the headline in <title>: "Bahn-Streik: ... - DER SPIEGEL" gives "DER SPIEGEL"."""
    if not document_title or not title or not document_title.startswith(title):
        return None
    rest = document_title[len(title) :]
    separator = _SEPARATORS.match(rest)
    if not separator:
        return None
    name = rest[separator.end() :].strip()
    return name if 0 < len(name) <= 60 else None


def _url(found: str | None, tree: HtmlElement, given: str | None) -> str | None:
    """trafilatura's canonical URL; when it fell back to the caller's, a relative canonical link resolved
    against the caller's URL, then og:url, then the caller's."""
    if found and found != given and found.startswith(("http://", "https://")):
        return found
    for element in tree.iterfind(".//link"):
        if "canonical" in (element.get("rel") or "").lower().split() and element.get("href"):
            canonical = urljoin(given or "", element.get("href", "").strip())
            if canonical.startswith(("http://", "https://")):
                return canonical
    return _meta(tree, "og:url") or given


# ---------------------------------------------------------------------------------------------------------
# fragments: the tree walk


@dataclass(frozen=True)
class _Slot:
    """One text node: `element.text` or `element.tail`."""

    element: etree._Element
    where: Literal["text", "tail"]

    def get(self) -> str:
        return (self.element.text if self.where == "text" else self.element.tail) or ""

    def set(self, value: str) -> None:
        if self.where == "text":
            self.element.text = value
        else:
            self.element.tail = value


_GAP = None  # in a run: an element kept whole (a word boundary) between two text nodes
_Run = list[_Slot | None]  # text nodes and _GAPs in document order


_HTML_WHITESPACE = " \t\n\r\f"


def _parse_fragment(html: str) -> HtmlElement:
    root = fragment_fromstring(html, create_parent="div")
    lead = html[: len(html) - len(html.lstrip(_HTML_WHITESPACE))]
    if lead and not root.text:
        root.text = lead  # libxml2 drops whitespace before the first element
    return root


# Our own serializer, because libxml2's percent-escapes non-ASCII characters in href and src (an attribute
# must come back as it went in) and escapes the raw text of <iframe>, <xmp>, <noembed> and <noframes>.
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_RAW_TEXT_TAGS = frozenset({"script", "style", "iframe", "xmp", "noembed", "noframes", "plaintext"})


def _serialize(root: HtmlElement) -> str:
    out = [_escape(root.text or "")]
    for child in root:
        _write(child, out)
    return "".join(out)


def _write(element: etree._Element, out: list[str]) -> None:
    if not isinstance(element.tag, str):  # the HTML parser makes comments of <?...> too
        out.append(f"<!--{element.text or ''}-->")
    else:
        attributes = "".join(
            f' {name}="{value.replace("&", "&amp;").replace(chr(34), "&quot;")}"'
            for name, value in element.attrib.items()
        )
        out.append(f"<{element.tag}{attributes}>")
        if element.tag not in _VOID_TAGS:
            text = element.text or ""
            out.append(text if element.tag in _RAW_TEXT_TAGS else _escape(text))
            for child in element:
                _write(child, out)
            out.append(f"</{element.tag}>")
    out.append(_escape(element.tail or ""))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _runs(root: etree._Element, keep_whole: Callable[[etree._Element], bool]) -> Iterator[_Run]:
    """The text nodes under `root` in document order, grouped into runs between block boundaries; the
    content of elements `keep_whole` picks is skipped (their tails are not)."""
    blocks = _rules().block_tags
    run: _Run = []
    stack: list[tuple[etree._Element, Iterator[etree._Element]]] = [(root, iter(root))]
    if root.text:
        run.append(_Slot(root, "text"))
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if element.tag in blocks and run:
                yield run
                run = []
            if stack and element.tail:
                run.append(_Slot(element, "tail"))
            continue
        if keep_whole(child):
            run.append(_GAP)
            if child.tail:
                run.append(_Slot(child, "tail"))
            continue
        if child.tag in blocks and run:
            yield run
            run = []
        if child.text:
            run.append(_Slot(child, "text"))
        stack.append((child, iter(child)))
    if run:
        yield run


def _is_hidden(element: etree._Element) -> bool:
    return not isinstance(element.tag, str) or element.tag in _rules().hidden_tags


def _is_kept(element: etree._Element) -> bool:
    """Elements translate_fragment leaves exactly as they are."""
    if _is_hidden(element):
        return True
    rules = _rules()
    if element.tag in rules.verbatim_tags:
        return True
    if (element.get("translate") or "").strip().lower() == "no":
        return True
    return not rules.notranslate_classes.isdisjoint((element.get("class") or "").split())


# ---------------------------------------------------------------------------------------------------------
# fragments: plain text


def fragment_text(html: str) -> str:
    """The text a reader sees: one paragraph per run (blank lines between), whitespace collapsed; scripts,
    styles, comments and other hidden elements left out, code and notranslate text kept."""
    root = _parse_fragment(html)
    paragraphs = (_join_run(run) for run in _runs(root, _is_hidden))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _join_run(run: _Run) -> str:
    return _html_collapse("".join(" " if slot is _GAP else slot.get() for slot in run))


# HTML's own whitespace: what a browser collapses. A no-break space is text (« perdue\xa0»).
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _html_collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", text).strip(" ")


# ---------------------------------------------------------------------------------------------------------
# fragments: translation


@dataclass(frozen=True)
class _Node:
    slot: _Slot
    lead: str
    trail: str
    start: int  # span of its text in the segment
    end: int


@dataclass(frozen=True)
class _Segment:
    text: str
    nodes: tuple[_Node, ...]  # the run's text nodes with words in them; whitespace-only ones are left alone
    spaced: tuple[bool, ...]  # spaced[j]: the source has a space between nodes j and j+1


def _segment(run: _Run) -> _Segment | None:
    parts: list[str] = []
    nodes: list[_Node] = []
    spaced: list[bool] = []
    length, space = 0, False
    for slot in run:
        text = "" if slot is None else slot.get()
        core = text.strip()
        if slot is None or not core:
            space = True  # a kept element or a whitespace-only node: a word boundary
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if nodes:
            space = space or bool(lead)
            spaced.append(space)
            if space:
                parts.append(" ")
                length += 1
        words = _html_collapse(core)
        nodes.append(_Node(slot, lead, trail, length, length + len(words)))
        parts.append(words)
        length += len(words)
        space = bool(trail)
    if not nodes:
        return None
    return _Segment("".join(parts), tuple(nodes), tuple(spaced))


def translate_fragment(html: str, translate: Translate) -> str:
    """Translate a CMS fragment and keep its markup; see the module docstring for how.

    `translate` is called once, with one plain-text segment per run (no markup, attribute, script or
    comment in any), and must return one translation per segment, in order. It is not called when the
    fragment has no text to translate. Returns the fragment re-serialized by the HTML parser.
    """
    root = _parse_fragment(html)
    segments = [segment for run in _runs(root, _is_kept) if (segment := _segment(run)) is not None]
    if segments:
        translations = translate([segment.text for segment in segments])
        if len(translations) != len(segments):
            raise ValueError(f"translate returned {len(translations)} translations for {len(segments)} segments")
        for segment, translation in zip(segments, translations):
            _place(segment, _XML_UNSAFE.sub("", _CARRIAGE_RETURN.sub("\n", translation)).strip())
    return _serialize(root)


# lxml refuses what XML 1.0 cannot hold, and a parser reads \r as \n; a model's output could have either
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CARRIAGE_RETURN = re.compile(r"\r\n?")


def _place(segment: _Segment, translation: str) -> None:
    if translation == segment.text:
        return  # nothing to move; the source keeps its own whitespace
    pieces = _cut(segment, translation)
    for node, piece in zip(segment.nodes, pieces):
        node.slot.set(node.lead + piece + node.trail)


_MIN_PIN = 3  # shorter node texts ("a", "of") recur too easily to pin
_MAX_PINNED_NODES = 64  # each pin scans the run; a wall of 3000 links gets proportional cuts only, in linear time
_SNAP_REACH = 32  # how far a cut looks for a word boundary


def _cut(segment: _Segment, translation: str) -> list[str]:
    """One piece of `translation` per node of `segment`, in order, together all of it but the whitespace
    where nodes meet at a space."""
    nodes, source = segment.nodes, segment.text
    if len(nodes) == 1:
        return [translation]
    # known (source, target) positions for cuts: the ends, and both sides of every pinned node
    known: dict[int, tuple[int, int]] = {}  # cut index -> (source offset, target offset)
    floor = 0
    for j, node in enumerate(nodes if len(nodes) <= _MAX_PINNED_NODES else ()):
        pin = _pin(source[node.start : node.end], source, translation, floor)
        if pin is not None:
            if j > 0:
                known[j - 1] = (node.start, pin[0])
            if j < len(nodes) - 1:
                known[j] = (node.end, pin[1])
            floor = pin[1]
    anchors = sorted([(-1, (0, 0)), (len(nodes) - 1, (len(source), len(translation))), *known.items()])
    spaces = [(m.start(), m.end()) for m in re.finditer(r"\s+", translation)]
    space_starts = [start for start, _ in spaces]
    pieces: list[str] = []
    previous = 0  # where the current piece starts
    for j in range(len(nodes) - 1):
        if j in known:
            wanted = known[j][1]
        else:
            position = bisect.bisect_left(anchors, (j, (0, 0)))
            (_, (s0, t0)), (_, (s1, t1)) = anchors[position - 1], anchors[position]
            wanted = t0 + round((nodes[j].end - s0) * (t1 - t0) / (s1 - s0)) if s1 > s0 else t0
        if segment.spaced[j]:
            cut = _at_space(translation, spaces, space_starts, wanted, previous)
        else:
            mid_word = source[nodes[j].end - 1].isalnum() and source[nodes[j + 1].start].isalnum()
            cut = _at_boundary(translation, wanted, previous, allow_mid_word=mid_word)
        pieces.append(translation[previous : cut[0]])
        previous = cut[1]
    pieces.append(translation[previous:])
    return pieces


def _pin(text: str, source: str, translation: str, floor: int) -> tuple[int, int] | None:
    """Where a node's text stands in the translation, if it is long enough, a whole-word match, and there
    exactly once (and once in the source) at or after `floor`."""
    if len(text) < _MIN_PIN or not any(ch.isalnum() for ch in text):
        return None
    pattern = re.compile(
        (r"(?<!\w)" if text[0].isalnum() else "") + re.escape(text) + (r"(?!\w)" if text[-1].isalnum() else "")
    )
    if len(pattern.findall(source)) != 1:
        return None
    matches = list(pattern.finditer(translation))
    if len(matches) != 1 or matches[0].start() < floor:
        return None
    return matches[0].start(), matches[0].end()


def _at_space(text: str, spaces: list[tuple[int, int]], starts: list[int], wanted: int, floor: int) -> tuple[int, int]:
    """The whitespace run nearest `wanted` that starts after `floor` (so the piece before it is not empty),
    else one starting at `floor`, else a word boundary (a translation in a script without spaces)."""
    first = bisect.bisect_left(starts, floor)
    if first == len(spaces):
        return _at_boundary(text, wanted, floor, allow_mid_word=False)
    after = bisect.bisect_right(starts, wanted)  # spaces[after - 1] starts at or before `wanted`
    candidates = {max(after - 1, first), max(after, first), first + 1}
    best = min(
        (k for k in candidates if k < len(spaces)),
        key=lambda k: (
            spaces[k][0] == floor,
            0
            if spaces[k][0] <= wanted <= spaces[k][1]
            else min(abs(spaces[k][0] - wanted), abs(spaces[k][1] - wanted)),
        ),
    )
    return spaces[best]


def _at_boundary(text: str, wanted: int, floor: int, *, allow_mid_word: bool) -> tuple[int, int]:
    """A zero-width cut at or after `floor`, nearest `wanted`, not inside a word unless the source cut one
    there; a piece is left empty only when nothing else is in reach."""

    def fits(position: int) -> bool:
        return allow_mid_word or not (
            0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()
        )

    wanted = min(max(wanted, floor), len(text))
    for lowest in (floor + 1, floor):
        for distance in range(_SNAP_REACH + 1):
            for position in (wanted - distance, wanted + distance):
                if lowest <= position <= len(text) and fits(position):
                    return position, position
    return wanted, wanted
