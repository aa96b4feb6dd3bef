"""The indicator library: definitions as data files, checked against a schema.

Each file in ``library/`` (TOML) holds a ``[library]`` table (title, description) and one
``[[indicator]]`` table per indicator: code, name, description, why it matters, domain, unit,
numerator, denominator, polarity, conditions (by slug), source, frequency, the national driver it
serves and, optionally, whether its counts are counts of patients. ``schema.json`` (JSON Schema)
says exactly what is allowed; every file is checked against it when read, and codes must be
unique across all the files read together.

This module does not import Django: ``commissioning indicators validate`` runs without a
database. Writing definitions into the database is :mod:`commissioning.indicators.load`.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from commissioning.errors import InputError, Problem, UserError

LIBRARY = resources.files(__package__) / "library"
SCHEMA_FILE = resources.files(__package__) / "schema.json"
FIELDS = (
    "code",
    "name",
    "description",
    "why_it_matters",
    "domain",
    "unit",
    "numerator",
    "denominator",
    "polarity",
    "conditions",
    "source",
    "frequency",
    "national_driver",
)
# What an indicator a user adds must have (the rest may be left empty).
USER_REQUIRED = (
    "code",
    "name",
    "description",
    "domain",
    "unit",
    "numerator",
    "denominator",
    "polarity",
    "conditions",
    "frequency",
)
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class DefinitionProblem(Problem):
    """A problem with one indicator definition: file, indicator (number and code), field."""

    indicator: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.indicator:
            where.append(self.indicator)
        if self.column:
            where.append(f"field '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Definition:
    """One indicator as a library file defines it."""

    code: str
    name: str
    description: str
    why_it_matters: str
    domain: str
    unit: str
    numerator: str
    denominator: str
    polarity: str
    conditions: tuple[str, ...]
    source: str
    frequency: str
    national_driver: str
    patient_counts: bool = True
    library: str = ""  # the file's stem, e.g. "diabetes"
    file: str = ""
    number: int = 0  # position in its file, from 1
    line: int | None = None

    @property
    def where(self) -> str:
        return f"indicator {self.number} ({self.code})"

    def values(self) -> dict:
        """The model fields this definition sets (conditions apart)."""
        out = {f: getattr(self, f) for f in FIELDS if f not in ("code", "conditions")}
        out["patient_counts"] = self.patient_counts
        out["library"] = self.library
        return out


@dataclass
class Library:
    """The definitions of one or more files, in file order."""

    definitions: list[Definition] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # file stem -> title

    def by_code(self) -> dict[str, Definition]:
        return {d.code: d for d in self.definitions}


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator(user: bool = False):
    from jsonschema import Draft202012Validator

    s = schema()
    if user:  # one indicator, as a user adds it: the same rules, fewer fields required
        s = copy.deepcopy(s)
        one = s["$defs"]["indicator"]
        one["required"] = list(USER_REQUIRED)
        s = {**one, "$defs": s["$defs"]}
    Draft202012Validator.check_schema(s)
    return Draft202012Validator(s)


def shipped_files() -> list[Path]:
    """The library files shipped with the package, in name order."""
    return sorted(Path(str(p)) for p in LIBRARY.iterdir() if p.name.endswith(".toml"))


# -- checking --------------------------------------------------------------------------------


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else "a long text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return type(value).__name__


TYPES = {
    "string": "text in quotes",
    "array": 'a list such as ["diabetes"]',
    "boolean": "true or false",
    "object": "a table",
}


def _message(error) -> tuple[str | None, str]:
    """(field, plain-English message) for one JSON Schema error."""
    v = error.validator
    path = [p for p in error.absolute_path if not isinstance(p, int)]
    name = path[-1] if path else None
    instance = error.instance
    described = error.schema.get("description") if isinstance(error.schema, dict) else None
    if v == "required":
        missing = [k for k in error.validator_value if k not in instance]
        return (missing[0] if missing else None), "is missing"
    if v == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        message = f"is not a field we know (expected some of: {allowed})"
        return (extra[0] if extra else None), message
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value)
        return name, f"expected one of {allowed}, found {_kind_of(instance)}"
    if v == "type":
        wanted = TYPES.get(error.validator_value, error.validator_value)
        return name, f"expected {wanted}, found {_kind_of(instance)}"
    if v in ("minLength", "pattern") and isinstance(instance, str) and not instance.strip():
        return name, "expected some text, found nothing"
    if v == "maxLength":
        return name, f"expected at most {error.validator_value} characters, found {len(instance)}"
    if v == "pattern":
        expected = described or f"text matching {error.validator_value}"
        return name, f"expected {expected}, found {_kind_of(instance)}"
    if v == "minItems":
        return name, f"expected at least {error.validator_value} item(s), found none"
    if v == "uniqueItems":
        return name, "repeats an item"
    return name, error.message


def _indicator_lines(text: str) -> list[int]:
    """Line numbers (from 1) of each ``[[indicator]]`` header, in order."""
    header = re.compile(r"\s*\[\[\s*indicator\s*\]\]")
    return [i for i, line in enumerate(text.splitlines(), start=1) if header.match(line)]


def check_indicator(data: dict, *, where: str = "the form") -> list[DefinitionProblem]:
    """Problems with one indicator as a user gives it: the schema's rules, fewer fields needed."""
    problems = []
    for error in sorted(_validator(True).iter_errors(data), key=lambda e: list(map(str, e.path))):
        column, message = _message(error)
        problems.append(DefinitionProblem(where, None, column, message))
    return list(dict.fromkeys(problems))


def read_file(path: str | Path, *, label: str | None = None) -> Library:
    """Read and check one library file; raise InputError listing every problem, located."""
    problems = _read(Path(path), label, out := Library())
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))
    return out


def read_files(paths: Iterable[str | Path] | None = None) -> Library:
    """Read and check several library files (by default the shipped ones) as one library.

    Every problem in every file is reported at once; a code defined twice, in one file or in two,
    is a problem too.
    """
    paths = [Path(p) for p in paths] if paths else shipped_files()
    if not paths:
        raise UserError("no indicator library files to read")
    library = Library()
    problems: list[DefinitionProblem] = []
    stems: dict[str, Path] = {}
    for path in paths:
        if path.stem in stems and stems[path.stem] != path:
            problems.append(
                DefinitionProblem(
                    path.name, None, None, f"has the same name as {stems[path.stem]}: rename one"
                )
            )
            continue
        stems[path.stem] = path
        problems += _read(path, None, library)
    first: dict[str, Definition] = {}
    for d in library.definitions:
        if d.code in first:
            f = first[d.code]
            same = f.file == d.file
            problems.append(
                DefinitionProblem(
                    d.file,
                    None,
                    "code",
                    f"repeats code {d.code}, already used by indicator {f.number}"
                    + ("" if same else f" of {f.file}"),
                    indicator=d.where,
                    line=d.line,
                )
            )
        else:
            first[d.code] = d
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))
    return library


def _read(path: Path, label: str | None, library: Library) -> list[DefinitionProblem]:
    name = label or path.name
    if path.suffix.lower() != ".toml":
        return [DefinitionProblem(name, None, None, "expected a .toml file")]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [DefinitionProblem(name, None, None, "no such file")]
    except UnicodeDecodeError:
        return [DefinitionProblem(name, None, None, "expected UTF-8 text")]
    except OSError as exc:
        return [DefinitionProblem(name, None, None, f"cannot be read ({exc.strerror})")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [DefinitionProblem(name, None, None, f"is not valid TOML ({exc})")]
    lines = _indicator_lines(text)
    items = data.get("indicator") if isinstance(data.get("indicator"), list) else []
    problems = []
    for error in sorted(
        _validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        column, message = _message(error)
        path_ = list(error.absolute_path)
        indicator, line = "", None
        if len(path_) >= 2 and path_[0] == "indicator" and isinstance(path_[1], int):
            i = path_[1]
            raw = items[i] if i < len(items) else {}
            code = raw.get("code") if isinstance(raw, dict) else None
            indicator = f"indicator {i + 1}" + (f" ({code})" if isinstance(code, str) else "")
            line = lines[i] if i < len(lines) else None
        elif path_ and path_[0] == "library":
            indicator = "[library]"
        problems.append(DefinitionProblem(name, None, column, message, indicator, line))
    if problems:
        return list(dict.fromkeys(problems))  # one message per field, in order
    library.titles[path.stem] = data["library"]["title"]
    for i, raw in enumerate(items):
        library.definitions.append(
            Definition(
                **{k: raw[k] for k in FIELDS if k != "conditions"},
                conditions=tuple(raw["conditions"]),
                patient_counts=raw.get("patient_counts", True),
                library=path.stem,
                file=name,
                number=i + 1,
                line=lines[i] if i < len(lines) else None,
            )
        )
    return []


__all__ = [
    "Definition",
    "DefinitionProblem",
    "Library",
    "check_indicator",
    "read_file",
    "read_files",
    "schema",
    "shipped_files",
]
