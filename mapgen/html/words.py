"""The page's words: what i18n.js needs to say everything in the map's language, sent as data
in the payload (never as code: the page's Content-Security-Policy allows no eval).

The catalog's translations by message (context and message joined by U+0004, as gettext keys
them; a message with plural forms has a list), CLDR's plural rule as the tree Babel parses it
from CLDR (i18n.js evaluates it: the same choice gettext makes in Python, tested), and the date
words of `mapgen.language.Language`. English sends no translations: the scripts' messages are
English already.
"""

from __future__ import annotations

import functools
from typing import Any

from mapgen.language import DOMAIN, catalog_folder, language


@functools.cache
def page_words(lang: str) -> dict[str, Any]:
    """The page's words in *lang* (CONTRACT.md: i18n), made once a process."""
    words = language(lang)
    return {
        "lang": lang,
        "dir": words.direction,
        "digits": words.digits,
        "group": words.group,
        "months": list(words.months),
        "monthsShort": list(words.months_short),
        "eras": list(words.eras),
        "patterns": [list(pair) for pair in words.patterns],
        "ranges": list(words.ranges),
        "list": words.list_separator,
        "plural": [[tag, rule] for tag, rule in words.plural_rules],
        "forms": list(words.plural_tags),
        "strings": {} if lang == "en" else _strings(lang),
    }


def _strings(lang: str) -> dict[str, Any]:
    """Every translation of *lang*'s catalog, keyed as gettext keys them."""
    from babel.messages.mofile import read_mo

    path = catalog_folder() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as stream:
        catalog = read_mo(stream)
    out: dict[str, Any] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        if message.context:
            key = f"{message.context}\x04{key}"
        out[key] = list(message.string) if isinstance(message.string, (list, tuple)) else (
            message.string
        )
    return out
