"""A story written in Markdown: each level-2 heading is a step, with Pandoc-style attributes
(as Pandoc and Quarto write them) saying what the map shows, and the text under it is the
caption. A YAML front block may give the title and the author.

    ---
    title: The moves of the headquarters
    author: A. Writer
    ---
    ## Exile in Paris {period="1981/1986" places="hq-paris" layers="Headquarters"}
    In July 1981 *Massoud Rajavi* fled to Paris.

markdown-it-py parses (CommonMark, raw HTML off: a ``<script>`` in a caption is text), its
front-matter plugin finds the front block, and mdit-py-plugins' attribute parser (Djot's and
Pandoc's syntax) reads the ``{...}`` that ends a heading.
"""

from __future__ import annotations

import warnings
from typing import Any

from mapgen.errors import DataError, MapgenWarning, Problem
from mapgen.rules import is_web_url
from mapgen.story.caption import caption_tree, plain_text
from mapgen.story.model import RawStep, RawStory, Where


def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark", {"html": False}).use(front_matter_plugin)


def read_markdown(text: str, label: str) -> RawStory:
    """The story in *text* (the file *label*); a DataError naming the line of every problem
    in the front block or the headings' attributes."""
    md = _parser()
    tokens = md.parse(text)
    problems: list[Problem] = []
    title, author = "", ""
    heads = [n for n, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0]
    steps = [n for n in heads if tokens[n].tag == "h2"]
    first = steps[0] if steps else len(tokens)
    for n, token in enumerate(tokens[:first]):
        line = (token.map or [0])[0] + 1
        if token.type == "front_matter":
            title, author = _front(token.content, label, line + 1, problems)
        elif token.type == "heading_open" and token.tag == "h1" and token.level == 0:
            title = title or _inline_text(md, tokens[n + 1].content)
        elif token.level == 0 and token.type.endswith("_open") and token.type != "heading_open":
            warnings.warn(f"{label}:{line}: text before the first step (a level-2 heading, "
                          "## …) is not shown", MapgenWarning, stacklevel=4)
    found = []
    for number, start in enumerate(steps):
        end = steps[number + 1] if number + 1 < len(steps) else len(tokens)
        where = Where(f"{label}:{(tokens[start].map or [0])[0] + 1}")
        heading, attributes = _heading(tokens[start + 1].content, where, problems)
        body = tokens[start + 3 : end]
        _warn_dropped(body, label)
        html = md.renderer.render(body, md.options, {})
        found.append(RawStep(where, _inline_text(md, heading), tuple(caption_tree(html)),
                             attributes))
    if not found and not problems:
        problems.append(Problem(label, "no steps: a step is a level-2 heading (## …)"))
    if problems:
        raise DataError(problems)
    return RawStory(label, title, author, tuple(found))


def _inline_text(md: Any, source: str) -> str:
    """A heading's Markdown as plain text (emphasis and code as their words)."""
    return plain_text(caption_tree(md.renderInline(source))).replace("\n", " ")


def _front(text: str, label: str, first: int, problems: list[Problem]) -> tuple[str, str]:
    """The title and author of a YAML front block whose text starts on line *first* (other
    keys are for other tools)."""
    import yaml

    where = Where(f"{label}:{first}")
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or "not YAML"
        at = Where(f"{label}:{first + (mark.line if mark else 0)}")
        problems.append(at.problem("front matter", f"not YAML: {reason}"))
        return "", ""
    if meta is None:
        return "", ""
    if not isinstance(meta, dict):
        problems.append(where.problem("front matter", "not a mapping of keys to values"))
        return "", ""
    title = meta.get("title", "")
    if not isinstance(title, str):
        problems.append(where.problem("front matter", "title: not text"))
        title = ""
    return title.strip(), _author(meta.get("author"), where, problems)


def _author(value: object, where: Where, problems: list[Problem]) -> str:
    """An author as Pandoc and Quarto write one: text, a list of texts, or of {name: …}."""
    if value is None:
        return ""
    names = value if isinstance(value, list) else [value]
    out = []
    for name in names:
        if isinstance(name, dict):
            name = name.get("name")
        if not isinstance(name, str):
            problems.append(where.problem("front matter", "author: not a name"))
            return ""
        out.append(name.strip())
    return ", ".join(n for n in out if n)


def _heading(content: str, where: Where, problems: list[Problem]) -> tuple[str, dict[str, str]]:
    """A heading's text and the attributes that end it (``{period="1981/1986" …}``)."""
    from mdit_py_plugins.attrs.parse import ParseError, parse

    text = content.rstrip()
    if not text.endswith("}") or text.endswith("\\}"):
        return text, {}
    reason = "no opening {"
    at = len(text)
    while (at := text.rfind("{", 0, at)) >= 0:
        try:
            end, attributes = parse(text[at:])
        except ParseError as exc:
            reason = str(exc)
            continue
        if at + end == len(text) - 1:
            return text[:at].rstrip(), attributes
    problems.append(where.problem(
        "attributes", f"cannot read {text[text.rfind('{'):]!r}: {reason} (write "
        'key="value" pairs, such as {period="1981/1986"}, or end the heading with \\})'))
    return text, {}


def _warn_dropped(body: list[Any], label: str) -> None:
    """Say what a caption will not show: images, and links that are not http(s)."""
    for token in body:
        where = f"{label}:{(token.map or [0])[0] + 1}"
        for child in token.children or ():
            if child.type == "image":
                warnings.warn(f"{where}: an image in the caption is not shown (a caption is "
                              "text)", MapgenWarning, stacklevel=5)
            elif child.type == "link_open" and not is_web_url(str(child.attrGet("href") or "")):
                warnings.warn(f"{where}: the link {child.attrGet('href')!r} is not http(s): "
                              "its text is shown without it", MapgenWarning, stacklevel=5)
