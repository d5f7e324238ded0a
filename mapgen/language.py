"""The reader's language: every word mapgen says to a map's reader, in one of LANGUAGES.

mapgen's own phrases ("present", "c. 1850", "2 layers", the page's buttons) live in gettext
catalogs, ``mapgen/locale/<lang>/LC_MESSAGES/mapgen.po``, compiled to the ``.mo`` files that
ship beside them (``scripts/catalogs`` extracts, merges and compiles; a test checks every ``.mo``
is its ``.po`` compiled). What CLDR knows — month names, era words, the digits a locale's
readers expect, date patterns, range patterns, list separators, plural rules — comes from
Babel's CLDR data, so the catalogs never repeat it. English is mapgen's house English: CLDR's
British patterns ("28 June 1981"), "BCE" (CLDR's variant era) and its ranges without spaces
between years ("1981–1986"), as mapgen has always written them.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from mapgen.errors import OptionError

LANGUAGES = ("en", "fr", "de", "es", "fa", "ar")  # --lang
DEFAULT_LANGUAGE = "en"
DOMAIN = "mapgen"
# The CLDR locale whose patterns each language's words follow. English is British English's:
# day month year, as mapgen writes dates.
LOCALES = {"en": "en_GB", "fr": "fr", "de": "de", "es": "es", "fa": "fa", "ar": "ar"}
# Where mapgen departs from CLDR's data, and why:
# - en: "BCE"/"CE", CLDR's variant eras (Babel carries only "BC"/"AD"), mapgen's words since the
#   start; ranges with no space between years and a spaced dash between months and days.
# - fa: "پ.م." (پیش از میلاد), the Persian abbreviation the Academy of Persian Language and
#   Literature recommends and Persian Wikipedia writes, where CLDR has the Arabic "ق.م.".
ERAS = {"en": ("BCE", "CE"), "fa": ("پ.م.", "م.")}
HOUSE_RANGES = {"en": ("–", " – ", " – ")}
# The digits of CLDR's numbering systems (common/supplemental/numberingSystems.xml) that a
# locale of LANGUAGES may default to; Babel names the system but does not carry its digits.
ASCII_DIGITS = "0123456789"
DIGITS = {"latn": ASCII_DIGITS, "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
# CLDR skeletons of the three precisions a date is said at: a year, a month, a day.
SKELETONS = ("y", "yMMMM", "yMMMMd")
RANGE_SKELETONS = ("y", "yMMMM", "yMMMd")  # whose interval formats give the range separators
PLURAL_TAGS = ("zero", "one", "two", "few", "many", "other")  # gettext's order of CLDR's forms


def NP_(context: str, message: str) -> str:
    """Marks *message* (in *context*) for the catalogs where it is written as data, to be
    said later with `Language.pgettext`: scripts/catalogs extracts it."""
    return message


# CLDR's ordinal categories as English writes them: "1st", "2nd", "3rd", "18th".
ORDINALS = {
    "one": NP_("ordinal one", "{n}st"),
    "two": NP_("ordinal two", "{n}nd"),
    "few": NP_("ordinal few", "{n}rd"),
    "other": NP_("ordinal other", "{n}th"),
}


def check_language(lang: str) -> str:
    """*lang* when mapgen speaks it; else a usage error that lists the languages there are."""
    if lang not in LANGUAGES:
        raise OptionError.naming(
            "unknown language {value!r} for {lang} (known: {known})",
            value=str(lang), known=", ".join(LANGUAGES),
        )
    return lang


def catalog_folder() -> Any:
    """Where the catalogs are: mapgen/locale, installed or in a checkout."""
    return resources.files("mapgen") / "locale"


_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def compile_pattern(pattern: str) -> str:
    """A CLDR date pattern ("d 'de' MMMM 'de' y G") as a str.format template over {d}, {m},
    {M} (a month's name), {L} (its stand-alone name), {y} and {G}: a pattern is read once, a
    date said many times."""
    out = []
    for match in _TOKEN.finditer(pattern):
        token = match.group(0)
        letter = match.group(1)
        if letter in ("y", "u"):
            out.append("{y}")
        elif letter in ("M", "L"):
            out.append("{m}" if len(token) < 3 else "{M}" if letter == "M" else "{L}")
        elif letter == "d":
            out.append("{d}")
        elif letter == "G":
            out.append("{G}")
        elif letter:
            raise ValueError(f"date pattern {pattern!r}: {token!r} is not said by mapgen")
        else:
            text = token[1:-1].replace("''", "'") if token.startswith("'") else token
            out.append(text.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def _separator(first_part: str) -> str:
    """The text between the two dates of a CLDR interval format, from its first part
    ("y\u2009–\u2009" → "\u2009–\u2009", "MMMM y تا " → " تا ")."""
    text = compile_pattern(first_part)
    return text[text.rindex("}") + 1 :]


@dataclass(frozen=True)
class Language:
    """One language's words: its catalog and its CLDR data, read once (see `language`)."""

    code: str
    direction: str  # "ltr" or "rtl", CLDR's character order
    translations: _gettext.NullTranslations = field(repr=False)
    digits: str
    group: str  # the thousands separator
    months: tuple[str, ...]  # format context, wide
    months_alone: tuple[str, ...]  # stand-alone context, wide
    months_short: tuple[str, ...]  # format context, abbreviated (the page's axis)
    eras: tuple[str, str]  # before and after the epoch
    patterns: tuple[tuple[str, str], ...]  # per precision: (CE, BCE) templates
    ranges: tuple[str, str, str]  # separators of a range of years, months, days
    list_separator: str
    plural_tags: tuple[str, ...]  # the plural forms the catalog gives, in gettext's order
    plural_rules: tuple[tuple[str, Any], ...] = field(repr=False)  # (tag, CLDR rule AST)
    ordinal: Any = field(repr=False)  # CLDR's ordinal plural rule (a callable)

    # --- numbers --------------------------------------------------------------------------

    def number(self, value: int, *, grouped: bool = False) -> str:
        """*value* in this language's digits (CLDR's default numbering system); *grouped*
        adds its thousands separators (counts: "1,234"), never for years."""
        text = self.numerals(f"{abs(value):,}" if grouped else str(abs(value)))
        if grouped:
            text = text.replace(",", self.group)
        return f"-{text}" if value < 0 else text

    def numerals(self, text: str) -> str:
        """*text* with its ASCII digits written in this language's ("185X" → "۱۸۵X")."""
        return text if self.digits == ASCII_DIGITS else text.translate(_digit_table(self.digits))

    # --- catalog ----------------------------------------------------------------------------

    def gettext(self, message: str, **values: Any) -> str:
        """*message* in this language, its {placeholders} filled with *values*."""
        return _fill(self.translations.gettext(message), values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        """*message* in *context* (the same English may need different words)."""
        return _fill(self.translations.pgettext(context, message), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The form of *singular*/*plural* this language uses for *n* (CLDR's plural rule),
        with {n} written in its digits and thousands separators."""
        text = self.translations.ngettext(singular, plural, n)
        return _fill(text, {"n": self.number(n, grouped=True), **values})

    # --- dates -------------------------------------------------------------------------------

    def year(self, year: int) -> str:
        """An astronomical year (0 is 1 BCE) in words: "1981", "500 BCE", "۵۰۰ پ.م."."""
        return self.date(year)

    def date(self, year: int, month: int | None = None, day: int | None = None) -> str:
        """A year, a month of a year or a day in words, as the locale writes them."""
        level = 0 if month is None else 1 if day is None else 2
        bce = year <= 0
        template = self.patterns[level][bce]
        return template.format(
            y=self.number(1 - year if bce else year),
            M=self.months[month - 1] if month else "",
            L=self.months_alone[month - 1] if month else "",
            m=self.number(month or 0),
            d=self.number(day or 0),
            G=self.eras[0] if bce else self.eras[1],
        )

    def years(self, lo: int, hi: int) -> str:
        """A run of astronomical years: "1700–1799", "200–101 BCE" (one era word for both
        when both are BCE), "500 BCE–1200"."""
        if hi <= 0:
            return self.span_range(self.number(1 - lo), self.year(hi), 0)
        return self.span_range(self.year(lo), self.year(hi), 0)

    def span_range(self, first: str, last: str, level: int) -> str:
        """Two ends of a span, said at *level* (0 years, 1 months, 2 days), as a range."""
        return f"{first}{self.ranges[0] if self.code == 'en' else self.ranges[level]}{last}"

    def window_range(self, first: str, last: str, level: int) -> str:
        """Two ends of a window (a period asked for), as a range."""
        return f"{first}{self.ranges[level]}{last}"

    def listed(self, items: Sequence[str]) -> str:
        """Items joined as the locale lists them ("1670, 1672")."""
        return self.list_separator.join(items)

    def ordinal_number(self, n: int) -> str:
        """*n* as an ordinal ("18th", "18e", "18."), by CLDR's ordinal categories."""
        tag = self.ordinal(n)
        context = "ordinal " + tag
        return self.pgettext(context, ORDINALS[tag], n=self.number(n))

    # --- what the page gets --------------------------------------------------------------

    def plural_index(self, n: int) -> int:
        """The index of the catalog's form for *n* (gettext's), from CLDR's rule: the same
        choice the page makes from `plural_rules`."""
        return int(self.translations.plural(n))  # type: ignore[attr-defined]


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.cache
def _digit_table(digits: str) -> dict[int, int]:
    """ASCII digits → *digits*, for str.translate (made once for each numbering system)."""
    return str.maketrans(ASCII_DIGITS, digits)


def _fill(template: str, values: dict[str, Any]) -> str:
    """*template*'s {name} placeholders filled; text from data is inserted, never read as a
    template."""
    if not values or "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


@functools.cache
def language(code: str = DEFAULT_LANGUAGE) -> Language:
    """The words of *code* (one of LANGUAGES), read once a process."""
    from babel import Locale
    from babel.plural import _Parser

    check_language(code)
    locale = Locale.parse(LOCALES[code])
    folder = catalog_folder() / code / "LC_MESSAGES"
    with (folder / f"{DOMAIN}.mo").open("rb") as stream:
        translations = _gettext.GNUTranslations(stream)
    system = locale.default_numbering_system
    symbols = locale.number_symbols[system]
    skeletons = locale.datetime_skeletons
    # A year BCE is written as CLDR's "Gy" writes it ("y G"), in each precision's own pattern
    # (CLDR's month-with-era patterns differ in places: Arabic's "G y MMMM" reads "BC 44 March").
    era_year = compile_pattern(skeletons["Gy"].pattern)
    patterns = tuple(
        (compile_pattern(skeletons[skeleton].pattern),
         compile_pattern(skeletons[skeleton].pattern).replace("{y}", era_year))
        for skeleton in SKELETONS
    )
    intervals = locale.interval_formats
    ranges = HOUSE_RANGES.get(code) or tuple(
        _separator(intervals[skeleton]["y"][0]) for skeleton in RANGE_SKELETONS
    )
    eras = ERAS.get(code) or (locale.eras["abbreviated"][0], locale.eras["abbreviated"][1])
    rules = locale.plural_form.rules
    tags = tuple(tag for tag in PLURAL_TAGS if tag in rules or tag == "other")
    middle = locale.list_patterns["standard"]["middle"]
    return Language(
        code=code,
        direction=locale.text_direction,
        translations=translations,
        digits=DIGITS[system],
        group=symbols.get("group", ","),
        months=tuple(locale.months["format"]["wide"][m] for m in range(1, 13)),
        months_alone=tuple(locale.months["stand-alone"]["wide"][m] for m in range(1, 13)),
        months_short=tuple(locale.months["format"]["abbreviated"][m] for m in range(1, 13)),
        eras=eras,
        patterns=patterns,
        ranges=ranges,  # type: ignore[arg-type]
        list_separator=middle.replace("{0}", "").replace("{1}", ""),
        plural_tags=tags,
        plural_rules=tuple((tag, _Parser(rules[tag]).ast) for tag in tags if tag != "other"),
        ordinal=locale.ordinal_form,
    )
