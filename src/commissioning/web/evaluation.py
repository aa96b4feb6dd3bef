"""Impact evaluation of one objective: stored records shaped into the impact engine's inputs.

The engine (:mod:`commissioning.analytics.impact`) takes and gives dataframes; this module reads
the records a page needs and turns them into those dataframes, runs the engine and puts its
results into plain rows for the template. The view stays thin.

- **Series**: the monthly observations of the objective's indicator for one *subject*: the
  community's commissioner organisation or one of the development's services.
- **Intervention**: the date the changed service went live (else the development's start), or
  a month the user gives; a phase-in (lag) of whole months may follow it.
- **Comparators** for difference-in-differences: the commissioner series of the same indicator
  in every other community in the database. Like the England stand-in on the needs pages, these
  are community-level figures of other areas, used only as a comparison.
- **Attribution**: other developments, contract starts and ends and organisational changes
  recorded for the community, from :data:`WINDOW_MONTHS_BEFORE` months before the intervention
  to the last month of data.
- **Effort**: the hours and labour cost of the development's recorded activities (and its tasks),
  from the practice analytics' labour split and pay rates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from commissioning.access.policy import visible
from commissioning.analytics.disclosure import shown_values
from commissioning.analytics.impact.attribution import concurrent_changes
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
from commissioning.analytics.practice import labour
from commissioning.analytics.practice.pay_rates import load_pay_rates
from commissioning.store.frames import load_community
from commissioning.store.models import (
    CommissioningCommunity,
    Contract,
    Observation,
    OrganisationalChange,
    Polarity,
    ServiceDevelopment,
)
from commissioning.suppression import configured_policy
from commissioning.web.charts import NHS_BLUE, NHS_DARK_GREY, chart_spec

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


# --- the series ---------------------------------------------------------------------------------


def subjects(user, development, indicator) -> list[dict]:
    """The series of ``indicator`` the page may evaluate: commissioner first, then services.

    Each is ``{"key", "label", "months"}``; only subjects with at least one value are listed.
    """
    community = development.community
    rows = []
    base = visible(user, Observation).filter(indicator=indicator, value__isnull=False)
    if community.commissioner_id:
        n = base.filter(organisation_id=community.commissioner_id).count()
        if n:
            rows.append(
                {
                    "key": f"org-{community.commissioner_id}",
                    "label": f"{community.commissioner.name} (commissioner)",
                    "months": n,
                }
            )
    for service in development.services.select_related("provider").order_by("name"):
        n = base.filter(service=service).count()
        if n:
            rows.append(
                {
                    "key": f"service-{service.pk}",
                    "label": f"{service.name} ({service.provider.name})",
                    "months": n,
                }
            )
    return rows


def _shown(indicator, rows) -> pd.DataFrame:
    """``date``, ``value`` from (period, value, numerator, denominator) rows: the values as
    every surface shows them (:func:`commissioning.analytics.disclosure.shown_values`), those
    hidden by the small-numbers rule left out, as if not recorded."""
    df = pd.DataFrame(list(rows), columns=["date", "value", "numerator", "denominator"])
    for column in ("value", "numerator", "denominator"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    patient_counts = pd.Series(bool(indicator.patient_counts), index=df.index)
    df["value"] = shown_values(df, patient_counts, configured_policy())["value"]
    df = df.dropna(subset=["value"]).reset_index(drop=True)
    df["date"] = pd.to_datetime(df["date"])
    return df[["date", "value"]]


def series(user, indicator, subject_key: str) -> pd.DataFrame:
    """Monthly ``date``, ``value`` of ``indicator`` for subject ``org-<id>`` or ``service-<id>``:
    the values as shown (a value resting on a small count is left out)."""
    kind, _, pk = subject_key.partition("-")
    lookup = {"organisation_id": int(pk)} if kind == "org" else {"service_id": int(pk)}
    rows = (
        visible(user, Observation)
        .filter(indicator=indicator, value__isnull=False, **lookup)
        .order_by("period")
        .values_list("period", "value", "numerator", "denominator")
    )
    return _shown(indicator, rows)


def comparator_panel(indicator, community) -> pd.DataFrame:
    """``unit, date, value``: the commissioner series of ``indicator`` in every community, as
    shown (a value resting on a small count is left out)."""
    frames = []
    for other in CommissioningCommunity.objects.exclude(commissioner=None).order_by("name"):
        rows = (
            Observation.objects.filter(
                indicator=indicator, organisation_id=other.commissioner_id, value__isnull=False
            )
            .order_by("period")
            .values_list("period", "value", "numerator", "denominator")
        )
        frames.append(_shown(indicator, rows).assign(unit=other.name))
    if not frames:
        return pd.DataFrame(
            {
                "unit": pd.Series(dtype=str),
                "date": pd.Series(dtype="datetime64[ns]"),
                "value": pd.Series(dtype=float),
            }
        )
    return pd.concat(frames, ignore_index=True)[["unit", "date", "value"]]


# --- attribution --------------------------------------------------------------------------------


def _names(values) -> list[str]:
    return sorted({str(v) for v in values if v})


def touches(development, indicator) -> dict[str, list[str]]:
    """What the evaluated development touches: the indicator, its services, its community."""
    return {
        "indicators": [indicator.name],
        "services": _names(s.name for s in development.services.all()),
        "populations": [development.community.name],
    }


def other_developments(user, development) -> pd.DataFrame:
    """Other developments of the community (not this one, its wider plan or its tasks).

    They touch the indicators of their objectives and their services; not the whole community,
    or every development would be listed.
    """
    related = {
        development.pk,
        development.parent_id,
        *development.children.values_list("pk", flat=True),
    }
    rows = []
    others = (
        visible(user, ServiceDevelopment)
        .filter(community=development.community)
        .exclude(pk__in=[pk for pk in related if pk])
        .prefetch_related("services", "objectives__indicator")
    )
    for dev in others:
        start = dev.go_live_date or dev.start_date
        if start is None:
            continue
        rows.append(
            {
                "name": dev.title,
                "start": start,
                "end": dev.end_date if dev.end_date and dev.end_date >= start else None,
                "indicators": _names(o.indicator.name for o in dev.objectives.all() if o.indicator),
                "services": _names(s.name for s in dev.services.all()),
            }
        )
    return pd.DataFrame(rows, columns=["name", "start", "end", "indicators", "services"])


def contract_changes(user, community) -> pd.DataFrame:
    """A contract start and a contract end are each a change to the services it covers."""
    rows = []
    for contract in (
        visible(user, Contract).filter(community=community).prefetch_related("services")
    ):
        services = _names(s.name for s in contract.services.all())
        label = f"{contract.title} ({contract.reference})"
        rows.append({"name": f"{label} begins", "start": contract.start_date, "services": services})
        rows.append({"name": f"{label} ends", "start": contract.end_date, "services": services})
    return pd.DataFrame(rows, columns=["name", "start", "services"])


def organisational_changes(user, community, development) -> pd.DataFrame:
    """Organisational changes recorded for the community: they touch its whole population.

    A change at the provider of one of the development's services touches that service too.
    """
    by_provider: dict[int, list[str]] = {}
    for service in development.services.all():
        by_provider.setdefault(service.provider_id, []).append(service.name)
    rows = []
    for change in visible(user, OrganisationalChange).filter(community=community):
        rows.append(
            {
                "name": change.description,
                "start": change.date,
                "populations": [community.name],
                "services": _names(by_provider.get(change.organisation_id, [])),
            }
        )
    return pd.DataFrame(rows, columns=["name", "start", "populations", "services"])


def attribution(user, development, indicator, window_start, window_end) -> pd.DataFrame:
    """Changes overlapping the window that touch the same indicator, services or community."""
    return concurrent_changes(
        window_start,
        window_end,
        touches(development, indicator),
        developments=other_developments(user, development),
        contract_changes=contract_changes(user, development.community),
        organisational_changes=organisational_changes(user, development.community, development),
    )


# --- effort -------------------------------------------------------------------------------------


def development_labour(development) -> pd.DataFrame:
    """One row per participation and stage of the development (and its tasks): hours, cost."""
    frames = load_community(development.community.code)
    split = labour.stage_hours(frames.activities, frames.activity_stages, frames.participations)
    ids = {development.pk, *development.children.values_list("pk", flat=True)}
    split = split[split["development_id"].isin(ids)]
    return labour.with_cost(split, load_pay_rates().hourly())


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


# --- chart --------------------------------------------------------------------------------------


def its_chart(cf: pd.DataFrame, marks: list[dict], unit: str, title: str) -> dict:
    """Observed values, the counterfactual with its interval band, and the intervention marks."""
    data = cf.assign(date=pd.to_datetime(cf["date"]))
    x = alt.X("date:T", title="Month", axis=alt.Axis(format="%b %Y", labelOverlap=True))
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(opacity=0.25, color=NHS_DARK_GREY).encode(
        y=alt.Y("counterfactual_lower:Q", title=f"{title} ({unit})"),
        y2="counterfactual_upper:Q",
    )
    counterfactual = base.mark_line(color=NHS_DARK_GREY, strokeDash=[6, 4]).encode(
        y="counterfactual:Q"
    )
    fitted = base.mark_line(color=NHS_BLUE).encode(y="fitted:Q")
    observed = base.mark_point(color=NHS_BLUE, filled=True, size=30).encode(
        y="observed:Q",
        shape=alt.Shape("period:N", title="Period", sort=["before", "phase-in", "after"]),
        tooltip=[
            alt.Tooltip("date:T", title="Month", format="%b %Y"),
            alt.Tooltip("observed:Q", title="Observed"),
            alt.Tooltip("counterfactual:Q", title="Expected without the change", format=".2f"),
        ],
    )
    marks_df = pd.DataFrame(marks).assign(
        date=lambda d: pd.to_datetime(d["date"]), offset=lambda d: 14.0 * d.index
    )
    rules = alt.Chart(marks_df)
    lines = rules.mark_rule(color="#212b32", strokeDash=[2, 2]).encode(x="date:T")
    # labels one above the other, so that an intervention and a short phase-in stay legible
    labels = rules.mark_text(align="left", dx=4, baseline="top").encode(
        x="date:T", y=alt.Y("offset:Q", scale=None), text="label:N"
    )
    chart = alt.layer(band, counterfactual, fitted, observed, lines, labels).properties(
        width="container", height=320
    )
    return chart_spec(chart)


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
        split = development_labour(development)
        no_rate = float(split.loc[split["cost"].isna(), "hours"].sum())
        evg = effort_versus_gain(split[["hours", "cost"]], effect[1], unit=unit)
        out.effort = {
            "hours": evg.hours,
            "cost": evg.cost,
            "effect_label": effect[0],
            "effect": effect_row(effect[0].capitalize(), effect[1], unit, polarity),
            "cost_per_unit": evg.cost_per_unit,
            "cost_per_unit_range": evg.cost_per_unit_range,
            "statement": effort_statement(evg, unit),
            "hours_without_rate": no_rate,
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


def effort_statement(evg, unit: str) -> str:
    """Plain words for the effort beside the effect, from the engine's figures."""
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
    """Difference-in-differences against the other communities' commissioner series."""
    panel = comparator_panel(indicator, community)
    if panel.empty or panel["unit"].nunique() < 2 or community.name not in set(panel["unit"]):
        return None
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
        "pre_trend": res.pre_trend_statement,
        "caveats": [
            c
            for c in did_caveats(res, attribution=changes)
            if c not in {ALWAYS, res.pre_trend_statement, *attribution_caveats(changes)}
        ],
    }
