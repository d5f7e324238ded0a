"""Native GeoJSON: a FeatureCollection whose features carry mapgen's properties."""

from __future__ import annotations

import json
import re
import reprlib

from mapgen.errors import DataError, Problem
from mapgen.raw import RawCollection, RawFeature

# A \uD800-\uDFFF escape: JSON allows it alone, but alone it is not a character and the map
# could not be written as UTF-8. Only escapes can make one (the text was decoded as UTF-8).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json(text: str, label: str) -> object:
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(label, f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from None
    except RecursionError:
        raise DataError([Problem(label, "not JSON mapgen can read: nested too deeply")]) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        message = "not JSON mapgen can read: a number is too long"
        raise DataError([Problem(label, message)]) from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(doc, label)
    return doc


def _refuse_lone_surrogates(doc: object, label: str) -> None:
    """DataError naming the first string (or key) holding a lone surrogate, if any."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    _surrogate_problem(label, path, key)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, str) and _SURROGATE.search(value):
            _surrogate_problem(label, path, None)


def _surrogate_problem(label: str, path: tuple[str | int, ...], key: str | None) -> None:
    where = ""
    if len(path) >= 2 and path[0] == "features" and isinstance(path[1], int):
        where, path = f"feature {path[1]}", path[2:]
        if path[:1] == ("properties",):  # named as validation names them: "name", "when[0]"
            path = path[1:]
    field = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" if part.isprintable() else
        f".{part!r}" for part in path
    ).lstrip(".")
    what = f"the key {key!r}" if key is not None else "text"
    message = f"{what} holds a lone surrogate (a \\ud800-\\udfff escape), which is not a character"
    raise DataError([Problem(label, message, where, field)])


def _reject_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def collection_from_json(doc: object, label: str) -> RawCollection:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        shown = reprlib.repr(kind)
        raise DataError([Problem(label, f"not a GeoJSON FeatureCollection (found {shown})")])
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataError([Problem(label, "'features' is not a list", field="features")])
    raw = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raw.append(RawFeature(f"feature {index}", None, None, problem="not a GeoJSON Feature"))
            continue
        raw.append(
            RawFeature(
                f"feature {index}",
                feature.get("properties"),
                feature.get("geometry"),
                fallback_id=feature.get("id"),
            )
        )
    members = {k: v for k, v in doc.items() if k not in ("type", "features")}
    return RawCollection(label, tuple(raw), members)
