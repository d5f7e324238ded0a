"""The text cells of tabular formats (CSV, TSV, GDAL attributes), shared by their readers and
the CSV writer so that what one writes the other reads back unchanged.

A `when` cell holds EDTF spans separated by ``;``; a `sources` cell holds ``title|url`` pairs
separated by ``;``. Inside a pair a backslash escapes ``;``, ``|`` and itself, so titles may
contain both.
"""

from __future__ import annotations

from collections.abc import Iterable

SPAN_SEPARATOR = ";"
SOURCE_SEPARATOR = ";"
PAIR_SEPARATOR = "|"
ESCAPE = "\\"


def escape(text: str) -> str:
    """*text* with ``\\``, ``;`` and ``|`` escaped, for one part of a sources cell."""
    for char in (ESCAPE, SOURCE_SEPARATOR, PAIR_SEPARATOR):
        text = text.replace(char, ESCAPE + char)
    return text


def unescape(text: str) -> str:
    """Undo :func:`escape`; a backslash before any other character is kept as it is."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == ESCAPE:
            following = next(chars, "")
            if following in (ESCAPE, SOURCE_SEPARATOR, PAIR_SEPARATOR):
                out.append(following)
            else:
                out.append(char + following)
        else:
            out.append(char)
    return "".join(out)


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split at every *separator* not preceded by an escaping backslash; escapes are kept, so
    the parts can be split again before :func:`unescape`."""
    parts, current = [], []
    chars = iter(text)
    for char in chars:
        if char == ESCAPE:
            current.append(char + next(chars, ""))
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def format_sources(sources: Iterable[tuple[str, str]]) -> str:
    """(title, url) pairs as one cell: ``title|url;title|url``."""
    return SOURCE_SEPARATOR.join(
        f"{escape(title)}{PAIR_SEPARATOR}{escape(url)}" for title, url in sources
    )


def parse_sources(text: str) -> list[dict[str, str]]:
    """A sources cell as mapgen's ``[{"title", "url"}]``; a part without ``|`` is a bare URL,
    and a title may hold an unescaped ``|`` (the last one separates the URL)."""
    out = []
    for part in split_unescaped(text, SOURCE_SEPARATOR):
        if not part.strip():
            continue
        pieces = split_unescaped(part, PAIR_SEPARATOR)
        url = unescape(pieces[-1]).strip()
        title = unescape(PAIR_SEPARATOR.join(pieces[:-1])).strip()
        out.append({"title": title, "url": url} if title else {"url": url})
    return out


def split_spans(text: str) -> list[str]:
    """A when cell: EDTF spans separated by ``;`` (EDTF itself never uses ``;``)."""
    return [part.strip() for part in text.split(SPAN_SEPARATOR) if part.strip()]
