"""Impact evaluation of one objective: the one presenter behind its page and board reports.

:func:`evaluate` reads the records (:mod:`.records`, through the access policy), runs the impact
engine (:mod:`commissioning.analytics.impact`) and returns an :class:`Evaluation`: every figure,
row and sentence the page shows. :func:`objective_summary` gives the same evaluation with the
page's default choices as one row for a board report, so a report never works an effect out
another way.

- **Series**: the monthly observations of the objective's indicator for one *subject*: the
  community's commissioner organisation or one of the development's services. By default the
  first listed (the commissioner where it has values).
- **Method**: an interrupted time series with a level and a slope change and AR(1) errors
  (:func:`commissioning.analytics.impact.its.fit_its` with its default errors), no seasonal
  adjustment unless asked. :data:`METHOD` names it on every surface.
- **Intervention**: the date the changed service went live (else the development's start), or
  a month the user gives; a phase-in (lag) of whole months may follow it.
- **Small counts**: the series is the values as every surface shows them
  (:func:`commissioning.analytics.disclosure.shown_values`): a value resting on a count the
  small-numbers rule hides is left out, as if not recorded, and others are worked out from the
  rounded counts.
- **Attribution**: other developments, contract starts and ends and organisational changes
  recorded for the community, from :data:`WINDOW_MONTHS_BEFORE` months before the intervention
  to the last month of data.
- **Effort**: the hours and labour cost of the development's recorded activities and its tasks
  (:func:`commissioning.work.presenter.development_split`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from commissioning.access.communities import sees_money
from commissioning.access.policy import scope_of
from commissioning.analytics.disclosure import configured_policy
from commissioning.analytics.impact.caveats import (
    ALWAYS,
    attribution_caveats,
    did_caveats,
    its_caveats,
)
from commissioning.analytics.impact.did import difference_in_differences
from commissioning.analytics.impact.effort import effort_versus_gain
from commissioning.analytics.impact.its import fit_its
from commissioning.analytics.impact.power import detectable_change, noise_before, power_statement
from commissioning.charts.its import its_chart
from commissioning.evaluation.records import (
    attribution,
    changing_comparators,
    comparator_panel,
    series,
    subjects,
)
from commissioning.store.computed import remembered
from commissioning.store.models import Polarity
from commissioning.work.presenter import development_split, task_hours

METHOD = (
    "Interrupted time series with a level and a slope change; month-to-month correlation "
    "allowed for (AR(1) errors)"
)
MAX_LAG = 24
WINDOW_MONTHS_BEFORE = 3
SEASONAL = {"": None, "fourier": "fourier", "months": "months"}
MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
FIRST_YEAR, LAST_YEAR = 1990, 2100


# --- options from the address -----------------------------------------------------------------


@dataclass
class Options:
    subject: str
    lag: int = 0
    seasonal: str = ""
    start: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)


def parse_options(params, subject_keys: list[str], default_subject: str) -> Options:
    """Read ``subject``, ``lag``, ``seasonal`` and ``start`` from GET parameters.

    Bad values are kept as plain messages in ``errors`` (field -> message), never raised.
    """
    out = Options(subject=default_subject)
    errors = out.errors
    subject = params.get("subject", "").strip()
    if subject:
        if subject in subject_keys:
            out.subject = subject
        else:
            errors["subject"] = "Choose a series from the list"
    lag = params.get("lag", "").strip()
    if lag:
        if not re.fullmatch(r"[0-9]{1,3}", lag) or int(lag) > MAX_LAG:
            errors["lag"] = f"Phase-in must be a whole number of months from 0 to {MAX_LAG}"
        else:
            out.lag = int(lag)
    seasonal = params.get("seasonal", "").strip()
    if seasonal in SEASONAL:
        out.seasonal = seasonal
    else:
        errors["seasonal"] = "Choose no adjustment, a smooth yearly wave or calendar months"
    start = params.get("start", "").strip()
    if start:
        match = MONTH.match(start)
        month = int(match.group(2)) if match else 0
        year = int(match.group(1)) if match else 0
        if not match or not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
            errors["start"] = "Enter the intervention month as year and month, like 2010-10"
        else:
            out.start = dt.date(year, month, 1)
    return out


# --- words --------------------------------------------------------------------------------------


def change_unit(unit: str) -> str:
    """The unit of a change in the indicator: a change in a percentage is in percentage points."""
    return "percentage points" if unit.strip() == "%" else unit.strip()


def number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not known"
    return f"{value:,.2f}"


def p_text(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "not known"
    return "less than 0.001" if p < 0.001 else f"{p:.3f}"


def direction(value: float, polarity: str) -> str:
    """'better', 'worse' or '' for a change of sign ``value`` on an indicator of ``polarity``."""
    if value == 0 or polarity == Polarity.NEUTRAL:
        return ""
    up_is_better = polarity == Polarity.HIGHER_BETTER
    return "better" if (value > 0) == up_is_better else "worse"


def effect_row(label: str, est, unit: str, polarity: str, *, note: str = "") -> dict:
    """One row of the effect table, in figures and in words."""
    if est is None:
        return {"label": label, "estimate": None, "words": note or "Not estimated."}
    moved = "higher" if est.estimate > 0 else "lower"
    better = direction(est.estimate, polarity)
    clear = est.lower is not None and not (est.lower <= 0 <= est.upper)
    words = (
        f"{number(abs(est.estimate))} {unit} {moved} than expected without the change"
        f"{f' ({better})' if better else ''}. "
        + (
            "The 95% interval excludes no change."
            if clear
            else "The 95% interval includes no change: it may be chance."
        )
    )
    if note:
        words += f" {note}"
    return {
        "label": label,
        "estimate": est.estimate,
        "lower": est.lower,
        "upper": est.upper,
        "p_value": est.p_value,
        "shown": number(est.estimate),
        "interval": f"{number(est.lower)} to {number(est.upper)}",
        "p": p_text(est.p_value),
        "words": words,
    }


def describe_chart(cf: pd.DataFrame, result, intervention: dt.date, unit: str) -> str:
    after = cf[cf["period"] == "after"]
    last = after.iloc[-1] if len(after) else cf.iloc[-1]
    text = (
        f"Monthly values from {pd.Timestamp(cf['date'].iloc[0]):%B %Y} to "
        f"{pd.Timestamp(cf['date'].iloc[-1]):%B %Y}, with the intervention in "
        f"{intervention:%B %Y}"
    )
    if result.lag_months:
        text += f" and a {result.lag_months}-month phase-in"
    text += (
        f". In {pd.Timestamp(last['date']):%B %Y} the observed value was "
        f"{number(last['observed'])} {unit}; without the change about "
        f"{number(last['counterfactual'])} was expected (95% interval "
        f"{number(last['counterfactual_lower'])} to {number(last['counterfactual_upper'])})."
    )
    return text


# --- the whole evaluation -----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    n = day.year * 12 + day.month - 1 + months
    return dt.date(n // 12, n % 12 + 1, 1)


@dataclass
class Evaluation:
    """What the page shows; ``message`` is set (and the rest empty) when no estimate is possible."""

    intervention: dt.date | None = None
    effect_start: dt.date | None = None
    message: str = ""
    unit: str = ""
    unit_one: str = ""
    result: object = None
    effects: list[dict] = field(default_factory=list)
    chart: dict | None = None
    chart_description: str = ""
    table: list[dict] = field(default_factory=list)
    power: list[dict] = field(default_factory=list)
    power_statement: str = ""
    did: dict | None = None
    window: tuple[dt.date, dt.date] | None = None
    changes: list[dict] = field(default_factory=list)
    effort: dict | None = None
    caveats: list[str] = field(default_factory=list)


def default_options(user, development, indicator) -> Options | None:
    """The choices a page starts from: the first subject with values, no phase-in, no seasonal
    adjustment, the go-live date. None when no subject has values."""
    found = subjects(user, development, indicator)
    return Options(subject=found[0]["key"]) if found else None


@dataclass(frozen=True)
class ObjectiveSummary:
    """One objective's evaluation with the page's default choices, for a board report."""

    development: str
    indicator: str
    subject: str
    intervention: dt.date | None
    estimate: float | None
    lower: float | None
    upper: float | None
    note: str
    caveats: list[str]


def objective_summary(user, development, objective) -> ObjectiveSummary | None:
    """The level change of one objective as its evaluation page shows it by default.

    None when the objective names no indicator. Otherwise the row holds the estimate and its
    95% interval, or no estimate and the page's message.

    Kept until a record changes (:func:`commissioning.store.computed.remembered`), keyed on the
    login's scope (the values it may read), the small-numbers policy, the development and the
    objective, so the development page's benefits, the board report and the API share one
    working-out.
    """
    return remembered(
        "objective summary",
        (repr(scope_of(user)), repr(configured_policy()), development.pk, objective.pk),
        lambda: _objective_summary(user, development, objective),
    )


def _objective_summary(user, development, objective) -> ObjectiveSummary | None:
    indicator = objective.indicator
    if indicator is None:
        return None
    options = default_options(user, development, indicator)
    if options is None:
        return ObjectiveSummary(
            development.title,
            indicator.name,
            "",
            None,
            None,
            None,
            None,
            "Not evaluated: no values of this indicator are recorded for this community.",
            [],
        )
    label = next(
        s["label"] for s in subjects(user, development, indicator) if s["key"] == options.subject
    )
    result = evaluate(user, development, objective, options)
    if result.result is None:
        return ObjectiveSummary(
            development.title,
            indicator.name,
            label,
            result.intervention,
            None,
            None,
            None,
            result.message,
            [],
        )
    est = result.result.level_change
    return ObjectiveSummary(
        development.title,
        indicator.name,
        label,
        result.intervention,
        est.estimate,
        est.lower,
        est.upper,
        f"{result.result.n_before} months before, {result.result.n_after} after",
        result.caveats,
    )


def evaluate(user, development, objective, options: Options) -> Evaluation:
    """Run the engine on the stored records for one objective, as the page asks."""
    indicator = objective.indicator
    out = Evaluation()
    intervention = options.start or development.go_live_date or development.start_date
    if intervention is None:
        out.message = (
            "This development has no go-live or start date, so there is no intervention date "
            "to evaluate from. Give one as a month in the form above."
        )
        return out
    intervention = intervention.replace(day=1)
    out.intervention = intervention
    out.effect_start = add_months(intervention, options.lag)
    data = series(user, indicator, options.subject)
    seasonal = SEASONAL[options.seasonal]
    unit = change_unit(indicator.unit)
    out.unit, out.unit_one = unit, singular(unit)
    try:
        result = fit_its(data, intervention, lag_months=options.lag, seasonal=seasonal)
    except (ValueError, np.linalg.LinAlgError) as exc:
        out.message = f"No estimate can be made from this series: {exc}."
        return out
    out.result = result
    polarity = indicator.polarity
    out.effects = [
        effect_row(
            "Level change (step when the change took effect)",
            result.level_change,
            unit,
            polarity,
        ),
        effect_row(
            "Slope change (per month after)",
            result.slope_change,
            f"{unit} a month",
            polarity,
        ),
    ]
    for h in result.horizons:
        note = ""
        if h.effect is None:
            note = "Still within the phase-in."
        elif h.beyond_data:
            note = "Beyond the last month of data: a projection, not an observation."
        out.effects.append(
            effect_row(
                f"Effect {h.months} months after the intervention ({h.date:%B %Y})",
                h.effect,
                unit,
                polarity,
                note=note,
            )
        )
    cf = result.counterfactual
    marks = [{"date": intervention, "label": "Intervention"}]
    if options.lag:
        marks.append({"date": out.effect_start, "label": "End of phase-in"})
    out.chart = its_chart(cf, marks, indicator.unit, indicator.name)
    out.chart_description = describe_chart(cf, result, intervention, indicator.unit)
    out.table = cf.to_dict("records")

    noise = noise_before(data, intervention, seasonal=seasonal)
    power = detectable_change(noise["sd"], noise["rho"], noise["n_before"])
    out.power = power.to_dict("records")
    out.power_statement = power_statement(power, noise, months_observed=result.n_after)

    last = pd.Timestamp(data["date"].iloc[-1]).date()
    out.window = (add_months(intervention, -WINDOW_MONTHS_BEFORE), last)
    changes = attribution(user, development, indicator, *out.window)
    out.changes = changes.to_dict("records")

    commissioner_key = f"org-{development.community.commissioner_id}"
    if options.subject == commissioner_key:
        out.did = _did(indicator, development.community, intervention, options.lag, changes)

    effect = _effort_effect(result)
    if effect is not None:
        split = development_split(development)
        no_rate = float(split.loc[split["cost"].isna(), "hours"].sum())
        evg = effort_versus_gain(split[["hours", "cost"]], effect[1], unit=unit)
        money = sees_money(user)  # viewers see hours, never the labour's cost
        out.effort = {
            "hours": evg.hours,
            "money": money,
            "cost": evg.cost if money else None,
            "effect_label": effect[0],
            "effect": effect_row(effect[0].capitalize(), effect[1], unit, polarity),
            "cost_per_unit": evg.cost_per_unit if money else None,
            "cost_per_unit_range": evg.cost_per_unit_range if money else None,
            "statement": effort_statement(evg, unit, money=money),
            "hours_without_rate": no_rate,
            "task_hours": task_hours(development, split),
        }
    out.caveats = _caveats(its_caveats(result, attribution=changes), changes)
    return out


def _caveats(caveats: list[str], changes: pd.DataFrame) -> list[str]:
    """The engine's caveats, with the other changes summed up in one sentence (they are listed)."""
    if changes.empty:
        return caveats
    listed = set(attribution_caveats(changes))
    out = [c for c in caveats if c not in listed]
    n = len(changes)
    out.append(
        f"{n} other recorded change{'s' if n != 1 else ''} in the same period touch"
        f"{'es' if n == 1 else ''} the same indicator, services or community (listed under "
        "'What else changed at the same time?'). Part of the change may be due to "
        f"{'it' if n == 1 else 'them'}; this evaluation cannot separate their effects."
    )
    return out


def singular(unit: str) -> str:
    """'weeks' -> 'week', 'percentage points' -> 'percentage point'; other units in words."""
    if unit.endswith("s") and unit.replace(" ", "").isalpha():
        return unit[:-1]
    return f"unit ({unit})"


def effort_statement(evg, unit: str, *, money: bool = True) -> str:
    """Plain words for the effort beside the effect, from the engine's figures (hours only for
    a login that may not see money)."""
    if not money:
        return (
            f"The commissioning work took {evg.hours:,.0f} hours. Its cost is not shown to viewers."
        )
    text = f"The commissioning work took {evg.hours:,.0f} hours, costing about £{evg.cost:,.0f}. "
    if evg.cost_per_unit is None:
        return text + (
            "The interval of the estimated effect includes no change, so no cost per unit of "
            "effect can be given."
        )
    low, high = evg.cost_per_unit_range
    return text + (
        f"That is about £{evg.cost_per_unit:,.0f} of commissioning labour per "
        f"{singular(unit)} of change (between £{low:,.0f} and £{high:,.0f}, from the ends of "
        "the effect's 95% interval)."
    )


def _effort_effect(result):
    """The effect set beside the effort: 12 months on if observed, else the level change."""
    for h in result.horizons:
        if h.months == 12 and h.effect is not None and not h.beyond_data:
            return ("the effect 12 months after the intervention", h.effect)
    return ("the level change", result.level_change)


def _did(indicator, community, intervention, lag, changes) -> dict | None:
    """Difference-in-differences against the other communities' commissioner series, leaving
    out any community changing the same measure itself while the evaluated series runs."""
    panel = comparator_panel(indicator, community)
    if panel.empty or community.name not in set(panel["unit"]):
        return None
    own = panel[panel["unit"] == community.name]["date"]
    changing = changing_comparators(indicator, community, own.min().date(), own.max().date())
    panel = panel[~panel["unit"].isin(list(changing))]
    if panel["unit"].nunique() < 2:
        if not changing:
            return None
        return {
            "message": "No comparison can be made: every other community with this measure "
            "was changing it at the same time.",
            "left_out": list(changing.values()),
        }
    effect_start = pd.Timestamp(add_months(intervention, lag))
    phase_in = (panel["date"] >= pd.Timestamp(intervention)) & (panel["date"] < effect_start)
    panel = panel[~phase_in]
    try:
        res = difference_in_differences(panel, [community.name], effect_start)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {"message": f"No comparison can be made: {exc}."}
    unit = change_unit(indicator.unit)
    return {
        "result": res,
        "effects": [
            effect_row(
                "Average effect after the change, against the comparators",
                res.effect,
                unit,
                indicator.polarity,
            )
        ],
        "comparators": res.comparators,
        "left_out": list(changing.values()),
        "pre_trend": res.pre_trend_statement,
        "caveats": [
            c
            for c in did_caveats(res, attribution=changes)
            if c not in {ALWAYS, res.pre_trend_statement, *attribution_caveats(changes)}
        ],
    }
