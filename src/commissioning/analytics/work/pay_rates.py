"""Pay rates by stakeholder role and working hours a year, from pay_rates.toml.

The defaults (Agenda for Change 2025/26, with on-costs) live in ``pay_rates.toml`` beside this
module, which states its sources and assumptions. A user's file overrides any part of it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from commissioning.errors import located

DEFAULT_FILE = Path(__file__).with_name("pay_rates.toml")


@dataclass(frozen=True)
class PayRates:
    hours_per_fte_year: float
    rates: pd.DataFrame  # role_type, band, annual_salary, on_costs, annual_cost, hourly_cost
    source: str

    def hourly(self) -> dict[str, float]:
        return dict(zip(self.rates["role_type"], self.rates["hourly_cost"], strict=True))


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path) -> dict:
    name = str(path)
    if not path.exists():
        raise located(name, None, None, "no such file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise located(name, None, None, f"is not a readable TOML settings file ({exc})") from None


def hours_per_fte_year(hours: dict) -> float:
    """Working hours in a full-time year: week x weeks, less leave and bank holidays."""
    return float(hours["hours_per_week"]) * float(hours["weeks_per_year"]) - (
        float(hours["annual_leave_days"]) + float(hours["bank_holiday_days"])
    ) * float(hours["hours_per_day"])


def on_costs(salary: float, settings: dict) -> float:
    """Employer pension and National Insurance on a salary."""
    pension = salary * float(settings["employer_pension_rate"])
    ni = max(0.0, salary - float(settings["employer_ni_threshold"])) * float(
        settings["employer_ni_rate"]
    )
    return pension + ni if salary > 0 else 0.0


def load_pay_rates(path: str | Path | None = None) -> PayRates:
    """The default pay rates, overridden by the settings in ``path`` when given."""
    settings = _read(DEFAULT_FILE)
    source = "Agenda for Change 2025/26 defaults"
    if path is not None:
        settings = _merge(settings, _read(Path(path)))
        source = f"{path} (over the Agenda for Change 2025/26 defaults)"
    name = str(path or DEFAULT_FILE)
    try:
        hours = hours_per_fte_year(settings["hours"])
    except (KeyError, TypeError, ValueError) as exc:
        raise located(name, None, "hours", f"needs numbers for every setting ({exc})") from None
    if hours <= 0:
        raise located(name, None, "hours", "working hours a year must be more than zero")
    bands = settings.get("bands", {})
    rows = []
    for role, entry in settings.get("roles", {}).items():
        band = str(entry.get("band", ""))
        if "hourly_cost" in entry:
            hourly = float(entry["hourly_cost"])
            rows.append(
                {
                    "role_type": role,
                    "band": band,
                    "annual_salary": None,
                    "on_costs": None,
                    "annual_cost": hourly * hours,
                    "hourly_cost": hourly,
                }
            )
            continue
        if "annual_salary" in entry:
            salary = float(entry["annual_salary"])
        elif band in bands:
            low, high = bands[band]
            salary = (float(low) + float(high)) / 2
        else:
            raise located(
                name, None, f"roles.{role}", f"names band '{band}', which is not in [bands]"
            )
        extra = on_costs(salary, settings["on_costs"])
        rows.append(
            {
                "role_type": role,
                "band": band,
                "annual_salary": salary,
                "on_costs": extra,
                "annual_cost": salary + extra,
                "hourly_cost": (salary + extra) / hours,
            }
        )
    rates = pd.DataFrame(
        rows,
        columns=["role_type", "band", "annual_salary", "on_costs", "annual_cost", "hourly_cost"],
    )
    return PayRates(hours_per_fte_year=hours, rates=rates, source=source)
