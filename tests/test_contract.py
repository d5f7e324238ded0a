"""The contract between payload.py and the browser (mapgen/html/assets/CONTRACT.md): every
field written down, the flag bits sent from Python, and both sides computing the same day
numbers and the same visible places for random periods, BCE dates included."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mapgen
from mapgen.dates import civil_from_days, days_from_civil, iso_date, parse_bound, parse_span
from mapgen.html.elements import ASSETS
from mapgen.html.payload import FLAG_BITS, FUZZY_END, FUZZY_START, ONGOING, payload
from mapgen.model import Period
from tests.conftest import OpenMap
from tests.helpers import feature, write_geojson

CONTRACT = (ASSETS / "CONTRACT.md").read_text(encoding="utf-8")

# Spans of every kind the filter distinguishes: closed, open at either end, ongoing,
# approximate (~), uncertain (?), both (%), months, days, several spans, BCE and year 0.
WHEN = [
    ["1981/1986"],
    ["../1950"],
    ["2003/.."],
    ["1986~/1990"],
    ["1988?"],
    ["1988-06"],
    ["1988-06-28"],
    ["-0500/-0300"],
    ["-0044-03-15"],
    ["-0331/.."],
    ["0000/0010"],
    ["1900/1910%"],
    ["1600~/1700?"],
    ["1950/1955", "1970/1975"],
    ["-1200?/-1100~"],
    ["2020-02/2020-03"],
    ["1582-10-15"],
    ["-0001-12-31/0001-01-01"],
    ["../-0700"],
    ["1999-12-31/2000-01-01"],
    ["1380/"],  # an unknown end: counted at its start, faded
    ["/-0300"],  # an unknown start
    ["1850~/"],
]


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> tuple[mapgen.Dataset, Path, Path]:
    """The dataset, and a page of it filtered by wide bounds and one by narrow (strict)."""
    folder = tmp_path_factory.mktemp("contract")
    features = [
        feature(f"p{n:02d}", name=f"Place {n}", layer=("sites", "events")[n % 2], when=when,
                lon=-20 + 3 * n, lat=30 + n)
        for n, when in enumerate(WHEN)
    ]
    data = mapgen.load(write_geojson(folder / "varied.geojson", features))
    wide = mapgen.save(data, folder / "wide.html")
    strict = mapgen.save(mapgen.build_map(data, strict=True), folder / "strict.html")
    return data, wide, strict


def keys_documented(keys: Any) -> list[str]:
    """The keys CONTRACT.md does not name (as `key`)."""
    return [key for key in keys if f"`{key}`" not in CONTRACT]


def test_the_contract_names_every_field(tmp_path: Path) -> None:
    source = write_geojson(
        tmp_path / "full.geojson",
        [feature("full", when=["1981~/.."], description="d", precision="city", name_fr="Lieu",
                 sources=[{"title": "t", "url": "https://example.org/"}])],
        title="T", attribution="A", description="D",
    )
    data = mapgen.load(source)
    out = payload(data, period=mapgen.period(data, start="1990", end="2000"))
    assert keys_documented(out) == []
    assert keys_documented(out["places"]) == []
    assert keys_documented(out["places"]["info"]) == []
    assert keys_documented(out["time"]) == []
    assert keys_documented(out["layers"][0]) == []
    assert keys_documented(["basemap", "packed"]) == []
    assert keys_documented(FLAG_BITS) == []
    # The bits the contract states are the ones Python sends.
    stated = re.search(r"^\| `flagBits` \| object \| `(\{.*?\})`", CONTRACT, re.MULTILINE)
    assert stated and json.loads(stated.group(1)) == FLAG_BITS


def test_flags_are_sent_with_their_bits(varied: tuple[mapgen.Dataset, Path, Path]) -> None:
    data = varied[0]
    time = payload(data)["time"]
    assert time["flagBits"] == FLAG_BITS
    spans = [span for place in data.places for span in place.spans]
    assert len(time["flags"]) == len(spans) == len(time["bounds"]) // 4
    for flags, span in zip(time["flags"], spans, strict=True):
        assert bool(flags & FUZZY_START) == span.fuzzy_start, span.text
        assert bool(flags & FUZZY_END) == span.fuzzy_end, span.text
        assert bool(flags & ONGOING) == span.ongoing, span.text
    assert {bool(f & bit) for f in time["flags"] for bit in (FUZZY_START, FUZZY_END, ONGOING)} \
        == {True, False}  # the dataset holds both sides of every bit


def year_text(year: int) -> str:
    """An astronomical year as ISO 8601 (and mapgen's setPeriod) writes it."""
    return f"{year:04d}" if 0 <= year <= 9999 else ("-" if year < 0 else "+") + f"{abs(year):04d}"


def month_length(year: int, month: int) -> int:
    following = days_from_civil(year + (month == 12), month % 12 + 1, 1)
    return following - days_from_civil(year, month, 1)


# Every finite bound of the dataset's spans: periods that end a day or two either side of one
# tell the wide bounds from the narrow ones and an off-by-one from the right day.
EDGES = sorted(
    {
        bound
        for when in WHEN
        for span in map(parse_span, when)
        for bound in (span.start_wide, span.start_narrow, span.end_narrow, span.end_wide)
        if bound is not None
    }
)


def day_text(days: int) -> tuple[str, int, int]:
    year, month, day = civil_from_days(days)
    return f"{year_text(year)}-{month:02d}-{day:02d}", days, days


@st.composite
def bounds(draw: st.DrawFn) -> tuple[str, int, int]:
    """A period end as setPeriod takes it — a year or a day — with its first and last day."""
    kind = draw(st.sampled_from(["edge", "year", "day"]))
    if kind == "edge":
        return day_text(draw(st.sampled_from(EDGES)) + draw(st.integers(-2, 2)))
    year = draw(st.integers(-1300, 2100))
    if kind == "year":
        return year_text(year), days_from_civil(year, 1, 1), days_from_civil(year, 12, 31)
    month = draw(st.integers(1, 12))
    return day_text(days_from_civil(year, month, draw(st.integers(1, month_length(year, month)))))


PERIODS = st.lists(st.tuples(bounds(), bounds()), min_size=1, max_size=30)

# One call per example: every period set and read back in the page, with the day numbers.
BROWSER_RUN = """(periods) => periods.map(([a, b]) => {
  const app = window.mapgen, got = app.setPeriod(a, b);
  return { period: got, days: [app.from, app.to], visible: app.visible(),
           parsed: [MapgenDates.parseDay(a, false), MapgenDates.parseDay(b, true)],
           civil: [MapgenDates.civilFromDays(app.from), MapgenDates.civilFromDays(app.to)] };
})"""


def test_python_and_the_browser_agree_on_random_periods(
    open_map: OpenMap, varied: tuple[mapgen.Dataset, Path, Path]
) -> None:
    data, wide_page, strict_page = varied
    pages = {False: open_map(wide_page), True: open_map(strict_page)}
    seen: set[tuple[str, ...]] = set()

    @settings(max_examples=12, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(PERIODS)
    def agree(periods: list[tuple[tuple[str, int, int], tuple[str, int, int]]]) -> None:
        texts = [[a[0], b[0]] for a, b in periods]
        for strict, mp in pages.items():
            results = mp.evaluate(BROWSER_RUN, texts)
            for ((a, a_first, _), (b, _, b_last)), got in zip(periods, results, strict=True):
                lo, hi = min(a_first, b_last), max(a_first, b_last)
                assert got["parsed"] == [parse_bound(a, end=False), parse_bound(b, end=True)]
                assert got["parsed"] == [a_first, b_last]
                assert got["days"] == [lo, hi], (a, b)
                assert got["period"] == {"from": iso_date(lo), "to": iso_date(hi)}
                assert got["civil"] == [list(civil_from_days(lo)), list(civil_from_days(hi))]
                view = mapgen.select(data, Period(lo, hi, strict=strict))
                assert got["visible"] == sorted(p.id for p in view.places), (a, b, strict)
                seen.add(tuple(got["visible"]))

    agree()
    assert len(seen) > 10  # the periods told many different sets of places apart
    assert all(not mp.problems() for mp in pages.values())


# Dates as a reader types them in a period box, a report author passes to setPeriod, and a user
# gives to --from/--to/--at: the same reading in Python (mapgen.period, read as a date cell)
# and in the browser (MapgenDates.parseDay).
TYPED = ["1981", "1981-06", "1981-06-28", "-500", "-80", "500 BCE", "500 BC", "-0499", "-1200",
         "AD 300", "300 CE", "March 500 BCE", "15 March 500 BCE", "30 BC", "300", "0300", -500,
         1981]


def test_typed_dates_read_alike_in_python_and_the_browser(
    open_map: OpenMap, varied: tuple[mapgen.Dataset, Path, Path]
) -> None:
    data, wide_page, _ = varied
    mp = open_map(wide_page)
    got = mp.evaluate("(texts) => texts.map((t) => [MapgenDates.parseDay(t, false), "
                      "MapgenDates.parseDay(t, true)])", TYPED)
    for text, days in zip(TYPED, got, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mapgen.MapgenNote)
            period = mapgen.period(data, at=text)
        assert days == [period.start, period.end], text
    assert dict(zip(map(str, TYPED), got, strict=True))["-500"] == [
        days_from_civil(-499, 1, 1), days_from_civil(-499, 12, 31)]  # 500 BCE, not 501
    assert mp.evaluate("Number.isNaN(MapgenDates.parseDay('0', false))")  # no year 0
