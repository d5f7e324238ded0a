"""Issue 24: the reader's language. Catalogs complete and compiled, plural forms as CLDR gives
them, dates in each language's words (eras, digits, ranges, open and unknown ends), --lang on
build, list and render, names in the language first."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from click.testing import CliRunner

from mapgen.cli import main
from mapgen.dates import span_words, spans_words, window_words
from mapgen.language import LANGUAGES, LOCALES, catalog_folder, language
from mapgen.model import Period

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def catalog(lang: str):
    with (Path(str(catalog_folder())) / lang / "LC_MESSAGES" / "mapgen.po").open("rb") as f:
        return read_po(f)


def test_the_mo_files_are_the_po_files_compiled_and_hold_every_message():
    """scripts/catalogs --check extracts the messages again (Python and the page's scripts),
    merges and compiles: nothing may differ from what is committed."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "catalogs"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# A call of i18n.js's t, tn or tp in a script, with its first literal arguments (a message
# split over lines with + is read up to its first part).
SCRIPT_CALL = re.compile(r'\b(t|tn|tp)\(\s*"((?:[^"\\]|\\.)*)"(?:\s*,\s*"((?:[^"\\]|\\.)*)")?')


def test_every_message_a_script_says_is_in_the_catalogs():
    """Babel's JavaScript extractor drops a call nested in another's arguments
    (t("{a}", {a: t("b")}) gave no "b"): such a message would stay English on every page."""
    template = read_po((Path(str(catalog_folder())) / "mapgen.pot").open("rb"))
    known = [(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id]
    calls = []
    for script in sorted((ROOT / "mapgen" / "html" / "assets").glob("*.js")):
        if script.name == "i18n.js":  # defines them
            continue
        for call in SCRIPT_CALL.finditer(script.read_text(encoding="utf-8")):
            kind, first, second = call.groups()
            context, message = (first, second) if kind == "tp" else (None, first)
            calls.append((script.name, context, message))
    assert len(calls) > 80  # the scripts say about 90 messages
    missing = [call for call in calls
               if not any(c == call[1] and m.startswith(call[2]) for c, m in known)]
    assert not missing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_is_complete_with_its_placeholders_intact(lang):
    words = language(lang)
    template = read_po((Path(str(catalog_folder())) / "mapgen.pot").open("rb"))
    wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    found = catalog(lang)
    assert {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in found if m.id} \
        == wanted
    # a form may leave the count out only where it stands for one number (Arabic's "one place",
    # "two places": مكان واحد, مكانان)
    single = {index for index in range(len(words.plural_tags))
              if sum(words.plural_index(n) == index for n in range(1000)) == 1}
    for message in found:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for index, form in enumerate(forms):
            assert form.strip() or ids[0].strip() == "", (lang, message.id, "untranslated")
            have = set(PLACEHOLDER.findall(form))
            # English's own singular may leave it out ("Layer", "Layers ({n})"): so may the
            # form a language uses for 1
            one = words.plural_index(1) if "{n}" not in ids[0] else -1
            allowed_out = {"n"} if len(ids) > 1 and index in (*single, one) else set()
            assert expected - allowed_out <= have <= expected, (lang, message.id, form)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_are_cldr_s(lang):
    """The catalog's Plural-Forms chooses what CLDR's rule chooses, for every count."""
    rule = Locale.parse(LOCALES[lang]).plural_form
    words = language(lang)
    for n in [*range(0, 230), 1000, 1001, 1_000_000, 2_000_000]:
        assert words.plural_tags[words.plural_index(n)] == rule(n), (lang, n)


def test_counts_in_each_language():
    say = {lang: language(lang) for lang in LANGUAGES}
    layers = [(lang, n, say[lang].ngettext("{n} layer", "{n} layers", n))
              for lang in LANGUAGES for n in (0, 1, 2, 3, 11, 100, 1234)]
    got = {(lang, n): text for lang, n, text in layers}
    assert got["en", 1] == "1 layer" and got["en", 2] == "2 layers"
    assert got["en", 1234] == "1,234 layers"
    assert [got["ar", n] for n in (0, 1, 2, 3, 11, 100)] == [
        "لا طبقات", "طبقة واحدة", "طبقتان", "3 طبقات", "11 طبقة", "100 طبقة"]
    assert got["fa", 2] == "۲ لایه" and got["fa", 1234] == "۱٬۲۳۴ لایه"
    assert got["fr", 0] == "0 couche" and got["fr", 2] == "2 couches"
    assert got["de", 1] == "1 Ebene" and got["es", 2] == "2 capas"


# A BCE date, an open end, an unknown end, a range of months, in each language's words
# (CLDR's era abbreviations; fa: the Persian پ.م.; Persian digits in fa).
WORDS = {
    "en": ("500 BCE", "c. 2016–present", "1380–?", "March 44 BCE", "200 BCE–101 BCE"),
    "fr": ("500 av. J.-C.", "vers 2016–aujourd’hui", "1380–?", "mars 44 av. J.-C.",
           "200 av. J.-C.–101 av. J.-C."),
    "de": ("500 v. Chr.", "um 2016–heute", "1380–?", "März 44 v. Chr.", "200 v. Chr.–101 v. Chr."),
    "es": ("500 a. C.", "c. 2016–actualidad", "1380–?", "marzo de 44 a. C.", "200 a. C.–101 a. C."),
    "fa": ("۵۰۰ پ.م.", "حدود ۲۰۱۶ تا اکنون", "۱۳۸۰ تا ؟", "مارس ۴۴ پ.م.", "۲۰۰ پ.م. تا ۱۰۱ پ.م."),
    "ar": ("500 ق.م", "حوالي 2016–الآن", "1380–؟", "مارس 44 ق.م", "200 ق.م–101 ق.م"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bce_date_and_open_and_unknown_ends_in_each_language(lang):
    texts = ("-0499", "2016~/..", "1380/", "-0043-03", "-0199/-0100")
    assert tuple(span_words(text, lang) for text in texts) == WORDS[lang]


def test_english_words_are_mapgen_s_own():
    """English keeps the words it always had: no space between years, a spaced dash between
    months, "BCE", day month year."""
    from mapgen.dates import days_from_civil as day

    assert span_words("1981/1986") == "1981–1986"
    assert span_words("1981-06-28") == "28 June 1981"
    assert window_words(day(1986, 3, 1), day(1990, 6, 30)) == "March 1986 – June 1990"
    assert window_words(day(-499, 1, 1), day(1200, 12, 31)) == "500 BCE–1200"
    assert spans_words(tuple(map(__import__("mapgen.dates").dates.parse_span,
                                 ["1981/1986", "2003/.."]))) == "1981–1986; 2003–present"


def test_periods_in_words_per_language():
    from mapgen.dates import days_from_civil as day

    period = Period(day(1986, 1, 1), day(2013, 12, 31))
    assert period.label("fa") == "۱۹۸۶ تا ۲۰۱۳"
    assert period.label("de") == "1986–2013"
    assert Period(day(1986, 1, 1), None).label("fr") == "depuis 1986"
    assert Period(None, day(2013, 12, 31)).label("es") == "hasta 2013"


def test_an_unknown_language_exits_2_and_lists_the_languages(tmp_path):
    for command in (["build", "-o", str(tmp_path / "m.html")], ["list"],
                    ["render", "-o", str(tmp_path / "m.png")]):
        result = CliRunner().invoke(main, [*command, "--lang", "xx"])
        assert result.exit_code == 2, command
        assert "unknown language 'xx' for --lang (known: en, fr, de, es, fa, ar)" in result.output
    assert not list(tmp_path.iterdir())


def test_list_in_persian_names_places_in_persian_with_persian_digits():
    result = CliRunner().invoke(main, ["list", "--lang", "fa", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    tehran = rows["hq-tehran"]
    assert tehran["name"] == "تهران"
    assert tehran["periods"] == "۱۹۶۵ تا ۱۹۸۱"
    assert tehran["when"] == "1965/1981"  # EDTF stays what it is


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "places in 2 layers"), ("fr", "lieux dans 2 couches"), ("de", "Orte in 2 Ebenen"),
    ("es", "lugares en 2 capas"), ("fa", "مکان در ۲ لایه"), ("ar", "مكانًا، طبقتان"),
])
def test_the_build_summary_speaks_the_language(tmp_path, lang, line):
    result = CliRunner().invoke(main, ["build", "--lang", lang, "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 0, result.output
    assert line in result.stderr


@pytest.mark.parametrize(("lang", "label"), [("en", "Other (301 layers)"),
                                             ("fa", "سایر (۳۰۱ لایه)"),
                                             ("de", "Weitere (301 Ebenen)")])
def test_the_layer_that_groups_the_smallest_is_named_in_the_language(tmp_path, lang, label):
    from mapgen.html.payload import group_small_layers
    from tests.test_many_layers import dataset

    data = dataset(tmp_path, 800, 400)
    with pytest.warns(UserWarning):  # a warning line, for whoever builds: English
        grouped = group_small_layers(data, lang=lang)
    assert grouped.layers[-1].label == label


def test_a_tile_page_speaks_the_language(tmp_path):
    """mapgen tiles --lang fa: the page's html lang and dir, its words (i18n) in Persian, and
    the search's note when the map is past its name index, in Persian digits."""
    from tests.test_tiles import write_table

    source = tmp_path / "t.parquet"
    write_table(source, [f"r{i}" for i in range(30)], [["1900/1950"]] * 30)
    result = CliRunner().invoke(main, ["tiles", str(source), "-o", str(tmp_path / "out"),
                                       "--lang", "fa"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert '<html lang="fa" dir="rtl">' in page
    assert '"lang":"fa"' in page and "جستجو در مکان‌ها" in page
    import mapgen

    mapgen.build_tiles(source, output=tmp_path / "few", search_limit=10, lang="fa")
    few = (tmp_path / "few" / "index.html").read_text("utf-8")
    assert "جستجو خاموش است: این نقشه بیش از ۱۰ مکان دارد" in few
    bad = CliRunner().invoke(main, ["tiles", str(source), "-o", str(tmp_path / "x"),
                                    "--lang", "xx"])
    assert bad.exit_code == 2 and "fa" in bad.output and not (tmp_path / "x").exists()
