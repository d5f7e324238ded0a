"""A step's caption: HTML (from Markdown, or a StoryMapJS slide's own) cleaned by an
allow-list, then held as a tree of plain data that the page builds with DOM methods and the
static renderer reads as text. No HTML string from a story ever reaches a page.

The tree: a node is a text (str) or ``[tag, attributes, *children]``; *tag* is one of
:data:`TAGS`, *attributes* is ``{}`` except a link's ``{"href": "https://..."}``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from mapgen.rules import is_web_url

# What a caption may hold. story.js builds only these (its TAGS is the same list: checked by
# tests/test_story.py), and only an http(s) href.
TAGS = (
    "a", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "li", "ol", "p", "pre",
    "strong", "ul",
)  # fmt: skip
BLOCKS = frozenset({"blockquote", "h3", "h4", "h5", "h6", "li", "ol", "p", "pre", "ul"})
_VOID = frozenset({"br"})

Node = Any  # str | list: [tag, {attributes}, *children]


def clean_html(text: str) -> str:
    """*text* with every tag and attribute outside the allow-list removed (nh3, Rust's ammonia):
    no script, no event handler, no style, links http(s) only (others keep their text)."""
    import nh3

    def keep(tag: str, attribute: str, value: str) -> str | None:
        return value if tag == "a" and attribute == "href" and is_web_url(value) else None

    return nh3.clean(
        text,
        tags=set(TAGS),
        attributes={"a": {"href"}},
        attribute_filter=keep,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )


class _TreeBuilder(HTMLParser):
    """Cleaned HTML → the caption tree. Whitespace between blocks is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Node] = ["div", {}]
        self.stack: list[list[Node]] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:  # nh3 left none; kept out all the same
            return
        href = dict(attrs).get("href") or ""
        if tag == "a" and not is_web_url(href):  # a link nh3 took the address of: its text
            return
        node: list[Node] = [tag, {"href": href} if tag == "a" else {}]
        self.stack[-1].append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if not data.strip() and parent[0] in ("div", "ul", "ol", "blockquote"):
            return
        if len(parent) > 2 and isinstance(parent[-1], str):
            parent[-1] += data
        else:
            parent.append(data)


def caption_tree(html_text: str) -> list[Node]:
    """The caption's nodes (the children of its root) from HTML of any origin."""
    builder = _TreeBuilder()
    builder.feed(clean_html(html_text))
    builder.close()
    return builder.root[2:]


def plain_text(nodes: list[Node]) -> str:
    """The caption as text: a line a paragraph (or list item, with a bullet, or line ended by
    a <br>)."""
    lines: list[str] = []

    def walk(node: Node, line: list[str]) -> None:
        if isinstance(node, str):
            line.append(node.replace("\n", " "))  # a line break in the source is a space
            return
        tag, children = node[0], node[2:]
        if tag == "br":
            line.append("\n")
            return
        if tag not in BLOCKS:
            for child in children:
                walk(child, line)
            return
        flush(line)
        own: list[str] = ["• "] if tag == "li" else []
        for child in children:
            walk(child, own)
        flush(own)

    def flush(line: list[str]) -> None:
        text = "".join(line)
        for part in text.split("\n"):
            words = " ".join(part.split())
            if words and words != "•":
                lines.append(words)
        line.clear()

    rest: list[str] = []
    for node in nodes:
        walk(node, rest)
    flush(rest)
    return "\n".join(lines)
