"""What every reader hands to validation: features as plain dicts, each with its location."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RawFeature:
    """One feature before validation. *where* locates it for error messages
    ("feature 3", "line 7"); *properties* and *geometry* are untrusted and unchecked."""

    where: str
    properties: Any
    geometry: Any
    fallback_id: Any = None  # GeoJSON's Feature-level "id", used when properties have none
    problem: str = ""  # what the reader already found wrong with it, if anything
    # (field, message) problems the reader found on single fields (a CSV lat that is not a
    # number); validation reports them with the feature's id and goes on checking the rest
    field_problems: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RawCollection:
    file: str
    features: tuple[RawFeature, ...]
    members: dict[str, Any] = field(default_factory=dict)  # title, layers, periods, ...
    # Formats where a place may lack a geometry (LPF, LP-TSV): such a feature is kept out of
    # the map with a warning ("not located: not drawn"), not refused.
    geometry_optional: bool = False
