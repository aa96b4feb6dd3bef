"""The measure library: definitions as validated data files (TOML + SQL), loaded and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from commissioning.errors import UserError

DEFINITIONS = resources.files("commissioning.analytics.measures") / "definitions"
KINDS = {"coverage", "events"}
FREQUENCIES = {"monthly", "annual"}


@dataclass(frozen=True)
class Side:
    """The numerator or denominator of a measure."""

    sql: str
    kind: str
    params: dict = field(default_factory=dict)
    counts_people: bool = True

    def text(self) -> str:
        template = (DEFINITIONS / self.sql).read_text()
        return template.format(**self.params)


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    unit: str
    multiplier: float
    frequency: str
    numerator: Side
    denominator: Side
    definition: str = ""


def _side(raw: dict, where: str) -> Side:
    for key in ("sql", "kind"):
        if key not in raw:
            raise UserError(f"{where}: '{key}' is missing")
    if raw["kind"] not in KINDS:
        raise UserError(f"{where}: kind must be one of {sorted(KINDS)}, found '{raw['kind']}'")
    if not (DEFINITIONS / raw["sql"]).is_file():
        raise UserError(f"{where}: no SQL file named '{raw['sql']}'")
    side = Side(raw["sql"], raw["kind"], dict(raw.get("params", {})), raw.get("people", True))
    try:
        side.text()
    except KeyError as exc:
        raise UserError(f"{where}: the SQL needs a parameter {exc} that is not given") from None
    return side


def load_library(path: Path | None = None) -> list[Measure]:
    """Read and validate ``measures.toml``; a broken definition is a plain, located error."""
    source = Path(path) if path else DEFINITIONS / "measures.toml"
    data = tomllib.loads(source.read_text())
    measures = []
    seen = set()
    for i, raw in enumerate(data.get("measure", []), start=1):
        where = f"{source.name}, measure {i}"
        for key in (
            "id",
            "name",
            "unit",
            "multiplier",
            "frequency",
            "definition",
            "numerator",
            "denominator",
        ):
            if key not in raw:
                raise UserError(f"{where}: '{key}' is missing")
        if raw["id"] in seen:
            raise UserError(f"{where}: the id '{raw['id']}' is used twice")
        if raw["frequency"] not in FREQUENCIES:
            raise UserError(f"{where}: frequency must be monthly or annual")
        seen.add(raw["id"])
        measures.append(
            Measure(
                id=raw["id"],
                name=raw["name"],
                unit=raw["unit"],
                multiplier=float(raw["multiplier"]),
                frequency=raw["frequency"],
                numerator=_side(raw["numerator"], f"{where} numerator"),
                denominator=_side(raw["denominator"], f"{where} denominator"),
                definition=raw["definition"],
            )
        )
    return measures


def rules(path: Path | None = None) -> dict[str, str]:
    """The rules every measure's plain-English definition relies on (registered, age, ...)."""
    source = Path(path) if path else DEFINITIONS / "measures.toml"
    return dict(tomllib.loads(source.read_text()).get("rules", {}))


def codelists() -> pd.DataFrame:
    return pd.read_csv(DEFINITIONS / "codelists.csv", dtype=str)


def reference_rates() -> pd.DataFrame:
    df = pd.read_csv(DEFINITIONS / "reference_rates.csv", dtype={"rates": str, "sex": str})
    return df[["rates", "sex", "age_from", "age_to", "rate"]].astype(
        {"age_from": "Int64", "age_to": "Int64", "rate": float}
    )


def base_sql() -> list[str]:
    text = (DEFINITIONS / "base.sql").read_text()
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
