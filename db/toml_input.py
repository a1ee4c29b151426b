"""Hand-written TOML files (directives, the registry): typed values, every error with its line.

``tomllib`` gives values without positions. The files we import are simple (top-level keys,
arrays of tables such as ``[[tasks]]``, strings, arrays of strings), so one pass over the text
that follows TOML's string and array syntax is enough to map (table, index, key) to a line.
:class:`TomlInput` reads values through typed accessors that never raise: each problem becomes
an :class:`Issue` (field, line, catalogue key), so a file's errors are all reported together.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db.text_input import normalize_text

_ARRAY_HEADER = re.compile(r"\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"""([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")


@dataclass
class TomlLines:
    """Line numbers (1-based) of top-level keys, of each ``[[table]]`` and of its keys."""

    top: dict[str, int] = dataclasses.field(default_factory=dict)
    headers: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    keys: dict[tuple[str, int], dict[str, int]] = dataclasses.field(default_factory=dict)

    def of(self, table: str | None, index: int | None = None, key: str | None = None) -> int:
        """The line of ``key`` in entry ``index`` of ``[[table]]`` (or at the top level).

        Falls back to the entry's header line, then to line 1, when the key is not written.
        """
        if table is None:
            return self.top.get(key or "", 1)
        starts = self.headers.get(table, [])
        if index is None or not 0 <= index < len(starts):
            return starts[0] if starts else 1
        if key is not None and key in self.keys.get((table, index), {}):
            return self.keys[(table, index)][key]
        return starts[index]


def locate(source: str) -> TomlLines:
    """Scan ``source`` once and record where each key and table header is."""
    found = TomlLines()
    table: str | None = None
    index = -1
    scanner = _Scanner()
    for number, line in enumerate(source.splitlines(), start=1):
        if scanner.at_statement_start():
            stripped = line.strip()
            header = _ARRAY_HEADER.match(stripped)
            if header:
                table = header.group(1)
                found.headers.setdefault(table, []).append(number)
                index = len(found.headers[table]) - 1
                found.keys[(table, index)] = {}
                continue
            plain = _TABLE_HEADER.match(stripped)
            if plain:
                table, index = plain.group(1), 0
                found.headers.setdefault(table, [number])
                found.keys.setdefault((table, index), {})
                continue
            key = _KEY.match(stripped)
            if key:
                name = key.group(1).strip("\"'")
                if table is None:
                    found.top.setdefault(name, number)
                else:
                    found.keys[(table, index)].setdefault(name, number)
        scanner.feed(line)
    return found


class _Scanner:
    """Follows strings (one-line and multi-line) and open arrays across lines."""

    def __init__(self) -> None:
        self.multiline: str | None = None  # the open delimiter: \"\"\" or '''
        self.depth = 0  # open [ ... ] of a value spanning lines

    def at_statement_start(self) -> bool:
        return self.multiline is None and self.depth == 0

    def feed(self, line: str) -> None:
        i = 0
        in_value = not self.at_statement_start()
        if not in_value:
            # A statement: a header line has no value; a key line's value starts after "=".
            stripped = line.lstrip()
            if stripped.startswith("["):
                return
            equals = _KEY.match(stripped)
            if equals is None:
                return
            i = len(line) - len(stripped) + equals.end()
        while i < len(line):
            if self.multiline is not None:
                end = line.find(self.multiline, i)
                if end < 0:
                    return
                i = end + 3
                self.multiline = None
                continue
            char = line[i]
            if char == "#":
                return
            if line.startswith(('"""', "'''"), i):
                self.multiline = line[i : i + 3]
                i += 3
                continue
            if char in "\"'":
                i = _end_of_string(line, i)
                continue
            if char == "[":
                self.depth += 1
            elif char == "]":
                self.depth = max(0, self.depth - 1)
            i += 1


def _end_of_string(line: str, start: int, stop: str = "") -> int:
    """Just after the string that opens at ``start`` (or at ``stop``, or the end)."""
    quote = line[start]
    i = start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        if line[i] == stop:
            return i
        i += 1
    return i


# --- nesting ----------------------------------------------------------------------------------

# Our files nest at most three levels (a table of arrays of strings); a little room beyond.
MAX_NESTING = 16
PARSE_FAILURES = frozenset({"file_err_toml", "file_err_nested"})


def too_deep(source: str, limit: int = MAX_NESTING) -> int | None:
    """The line where arrays or inline tables nest deeper than ``limit``, or None.

    Follows strings and comments so that brackets inside them do not count; a single loop, so
    any depth is measured without recursion.
    """
    depth, line, i, size = 0, 1, 0, len(source)
    while i < size:
        char = source[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = source.find("\n", i)
            i = size if end < 0 else end
            continue
        elif source.startswith(('"""', "'''"), i):
            end = source.find(source[i : i + 3], i + 3)
            end = size if end < 0 else end + 3
            line += source.count("\n", i, end)
            i = end
            continue
        elif char in "\"'":
            i = _end_of_string(source, i, stop="\n")
            continue
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


# --- reading values and collecting issues -----------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True)
class Issue:
    """One problem in a file: the field (e.g. ``tasks[3].lead``), its line, what is wrong.

    ``key`` is a catalogue key and ``params`` its parameters, so the bot and the CLI can say it
    in the reader's language.
    """

    field: str
    line: int
    key: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Where:
    """An entry of ``[[table]]`` (``index`` from 0), or the top level when ``table`` is None."""

    table: str | None = None
    index: int | None = None

    def label(self, key: str) -> str:
        """The field as users see it: ``number`` or ``tasks[3].lead`` (entries counted from 1)."""
        if self.table is None:
            return key
        if self.index is None:
            return f"{self.table}.{key}"
        return f"{self.table}[{self.index + 1}].{key}"


class TomlInput:
    """A parsed file with typed accessors; problems go to :attr:`issues`, never raise."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[Issue] = []
        self.data: dict[str, Any] = {}
        nested = too_deep(source)
        if nested is not None:
            # tomllib recurses once per level: 100,000 nested arrays end in RecursionError.
            self.lines = TomlLines()
            self.issues.append(Issue("", nested, "file_err_nested", {"limit": MAX_NESTING}))
            return
        self.lines = locate(source)
        try:
            self.data = tomllib.loads(source)
        except RecursionError:  # too_deep should have caught it; never a traceback
            self.issues.append(Issue("", 1, "file_err_nested", {"limit": MAX_NESTING}))
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            position = _TOML_POSITION.search(message)
            line, column = (int(position[1]), int(position[2])) if position else (1, 1)
            detail = _TOML_POSITION.sub("", message)
            self.issues.append(
                Issue("", line, "file_err_toml", {"column": column, "detail": detail})
            )

    @property
    def parsed(self) -> bool:
        return not any(issue.key in PARSE_FAILURES for issue in self.issues)

    def line(self, where: Where, key: str | None = None) -> int:
        return self.lines.of(where.table, where.index, key)

    def error(self, where: Where, key: str, message_key: str, /, **params: object) -> None:
        self.issues.append(Issue(where.label(key), self.line(where, key), message_key, params))

    def check_keys(self, values: Mapping[str, Any], where: Where, allowed: Collection[str]) -> None:
        """Report keys the format does not have (usually a typo: ``dua`` for ``due``)."""
        for key in values:
            if key not in allowed:
                self.error(where, key, "file_err_unknown_key")

    def table_array(self, name: str) -> list[Mapping[str, Any]]:
        """The entries of ``[[name]]`` (none if absent)."""
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(Where(), name, "file_err_type_tables", name=name)
            return []
        return value

    def string(
        self,
        values: Mapping[str, Any],
        where: Where,
        key: str,
        *,
        required: bool = False,
        limit: int,
        single_line: bool = True,
    ) -> str | None:
        """A non-empty string of at most ``limit`` characters (whitespace runs collapsed when
        ``single_line``), or None when absent (reported if ``required``) or invalid."""
        if key not in values:
            if required:
                self.error(where, key, "file_err_required")
            return None
        value = values[key]
        if not isinstance(value, str):
            self.error(where, key, "file_err_type_string")
            return None
        text = normalize_text(value, multiline=not single_line)  # as typed text is
        if not text:
            self.error(where, key, "file_err_empty")
            return None
        if len(text) > limit:
            self.error(where, key, "file_err_too_long", limit=limit)
            return None
        return text

    def strings(
        self, values: Mapping[str, Any], where: Where, key: str, *, limit: int
    ) -> list[str] | None:
        """An array of non-empty strings (absent: an empty list), or None when invalid."""
        value = values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(where, key, "file_err_type_strings")
            return None
        items = [normalize_text(item, multiline=False) for item in value]
        if any(not item for item in items):
            self.error(where, key, "file_err_empty")
            return None
        if any(len(item) > limit for item in items):
            self.error(where, key, "file_err_too_long", limit=limit)
            return None
        return items

    def date(self, values: Mapping[str, Any], where: Where, key: str) -> date | None:
        """A TOML local date (``2023-08-19``, unquoted); reported when absent or not a date."""
        if key not in values:
            self.error(where, key, "file_err_required")
            return None
        value = values[key]
        if isinstance(value, datetime) or not isinstance(value, date):
            self.error(where, key, "file_err_type_date")
            return None
        return value
