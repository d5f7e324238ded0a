"""mapgen's one error type for bad input: every problem names its file, feature and field."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_WITH_ID = re.compile(r"(.*?) \(id=(.*)\)", re.S)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str
    message: str
    where: str = ""  # "feature 3 (id=camp-x)" or "line 7 (id=camp-x)"; empty for the whole file
    field: str = ""  # "when[1]", "geometry.coordinates", ...

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where, self.field) if p]
        return ": ".join([*parts, self.message])


def with_id(where: str, place_id: object) -> str:
    """A feature's location with its id, as every problem names it: "line 7 (id=camp-x)"."""
    return f"{where} (id={place_id})"


def where_and_id(where: str) -> tuple[str, str]:
    """A problem's *where* split into the location and the id :func:`with_id` joined
    ("line 7", "camp-x"); the id is "" when it names none."""
    found = _WITH_ID.fullmatch(where)
    return (found[1], found[2]) if found else (where, "")


class MapgenError(Exception):
    """Base of every error mapgen raises on purpose; the CLI prints it as one line per problem."""

    exit_code = 1


class DataError(MapgenError):
    """Input data that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[DataError], tuple[tuple[Problem, ...]]]:
        return type(self), (self.problems,)  # its problems, not its message, make it anew


class OptionError(MapgenError):
    """Options that do not fit the data (an unknown layer or period, a bad date).

    A message made with :meth:`naming` names the options it is about as ``{start}``,
    ``{end}``...: the library says their Python parameter names, and the CLI its flags
    (:meth:`spoken`), so each speaks its caller's words."""

    exit_code = 2

    def __init__(self, message: str, *, template: str = "", values: dict[str, str] | None = None):
        super().__init__(message)
        self.template, self.values = template, dict(values or {})

    @classmethod
    def naming(cls, template: str, **values: str) -> OptionError:
        """An error whose *template* names options as ``{param}``; *values* fill the other
        placeholders (text from the user is inserted as is, never read as a template)."""
        error = cls("", template=template, values=values)
        error.args = (error.spoken({}),)
        return error

    def spoken(self, names: dict[str, str]) -> str:
        """The message with each option called by its name in *names* (else its own)."""
        if not self.template:
            return str(self)
        fields = {f for _, f, _, _ in string.Formatter().parse(self.template) if f}
        words = {f: names.get(f, f) for f in fields - set(self.values)}
        return self.template.format(**words, **self.values)


class OutputError(MapgenError):
    """An output path that cannot be written safely (a folder, an input, not writable)."""

    exit_code = 3


class MapgenWarning(UserWarning):
    """Something the user should know that does not stop the work (a map that groups its
    smallest layers as "Other"); the CLI prints it as one ``warning:`` line."""


class MapgenNote(MapgenWarning):
    """A choice mapgen made in reading the data, named so that it can be checked and changed
    (negative years read as historical, a column read day first, a start alone read as "from
    then on"); the CLI prints it as one ``note:`` line. Nothing is wrong: a note, not a
    warning."""


def terminal_text(line: str) -> str:
    """*line* safe to print on a terminal: line breaks, escape sequences and other control
    characters from the data are shown escaped (\\n, \\x1b) instead of acting."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in line)
