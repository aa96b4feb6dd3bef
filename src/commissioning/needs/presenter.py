"""Needs assessment as people read it: the one presenter behind the needs pages, the board
report's needs section and the needs API.

:func:`condition_needs` reads the records (:mod:`.records`, through the access policy), calls
the pure engines of :mod:`commissioning.analytics.needs` (crude prevalence with Wilson limits,
directly standardised rates with Dobson limits, indirectly standardised ratios, funnel limits,
expected prevalence and diagnosis rates, peer groups, projection) and returns every figure,
table, chart and sentence of one condition's needs page. Its ``headline`` holds the figures a
board report and the API show (register, prevalence and its interval, the standardised rate,
the named diagnosis rates, the number of practices) as numbers, and the page shows the same
numbers written by :func:`commissioning.document.fmt`, so every surface writes one figure one
way. :func:`community_needs` gathers them for a community's report; :func:`index` is the list of
conditions.

**Names that say which figure is which.** Two diagnosis rates are shown and they differ on
purpose: the *modelled* rate (:data:`MODELLED`: the register against the number expected from
illustrative reference rates applied to the practices' patients aged 65 and over) and the
*recorded* rate (:data:`RECORDED`: a published indicator such as DEM_DX, people aged 65 and over
on the registers against the published estimate, the figure of the monitoring pages). Each is
named with what it is and its date wherever it appears; an objective's baseline is named with
its basis and date (:func:`commissioning.work.presenter.baseline_basis`).

**A change of definition is marked.** Each register keeps QOF's list type of its list size
(TOTAL: the whole list; 17OV: patients aged 17 and over, ...). The trend is broken where the
list type changes from one year to the next (its table says so on the year of the change, its
chart leaves a gap in the line and draws a rule there), and the prevalence says what it divides
by.

**Small numbers** (:mod:`commissioning.analytics.disclosure`): every count shown is suppressed
(1-7 as ``*``, others rounded to 5), and a value that would give a hidden count back (a
prevalence beside its list, a diagnosis rate beside its expected number) is hidden with it.
Rates from registers are worked out from the full counts; rates from indicator observations
from the counts as shown, as every surface shows observations.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from commissioning.access.policy import ADD, editable, is_admin, scope_of
from commissioning.analytics.disclosure import (
    SUPPRESSED,
    configured_policy,
    disclose_observations,
    shown_gap,
    suppress,
    suppress_parts,
    suppress_with_total,
)
from commissioning.analytics.methods import METHODS
from commissioning.analytics.needs import (
    DataProblem,
    crude_proportion,
    diagnosis_rate,
    dsr,
    expected_prevalence,
    funnel,
    isr,
    mortality,
    project_prevalence,
)
from commissioning.analytics.needs.funnel import LEVELS, proportion_limits
from commissioning.charts.needs import funnel_chart, projection_chart, trend_chart
from commissioning.document import COUNT, PERCENT_1DP, PERCENT_2DP, RATE, fmt
from commissioning.needs import records
from commissioning.needs.peers import (
    PEER_VARIABLES,
    PEERS,
    Area,
    age_from,
    all_areas,
    area_pairs,
    choose_and_store_peers,
    populations_at,
)
from commissioning.store.communities import practices_in_area
from commissioning.store.computed import remembered
from commissioning.store.models import Grouping
from commissioning.work.presenter import baseline_basis

DSR_PER = 100_000
PROJECTION_YEARS = 10
FLAG_LABELS = {
    "high_998": "Higher than expected (99.8%)",
    "high_95": "Higher than expected (95%)",
    "within": "Within expected range",
    "low_95": "Lower than expected (95%)",
    "low_998": "Lower than expected (99.8%)",
}
#: The names of the two diagnosis rates, on every surface.
MODELLED = "Modelled diagnosis rate"
RECORDED = "Recorded diagnosis rate"
#: What the modelled rate is, in one sentence (its dates are added where it is shown).
MODELLED_WHAT = (
    "the register against the number expected from illustrative reference rates by age band "
    "and sex applied to the practices' patients aged 65 and over"
)
RECORDED_WHAT = (
    "as published each month: people on the registers against the published estimate of the "
    "number with the condition"
)
DSR_NAME = f"Directly age-standardised rate per {DSR_PER:,} (2013 European Standard Population)"
ISR_NAME = "Indirectly standardised ratio (against the age-sex rates of the other areas held)"
WILSON = METHODS["proportion_interval_wilson"]


# ---------------------------------------------------------------------------------- words


def shown_count(value) -> str:
    """One count of patients as it may be shown: 1-7 as *, others rounded to 5."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "Not known"
    out = suppress(pd.DataFrame({"n": [int(round(value))]}), ["n"], policy=configured_policy())
    out = out["n"].iloc[0]
    return out if out == SUPPRESSED else f"{int(out):,}"


def _count(value):
    """A count as shown, as a number (or ``*``; None when not known)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    out = suppress(pd.DataFrame({"n": [int(round(value))]}), ["n"], policy=configured_policy())
    out = out["n"].iloc[0]
    return SUPPRESSED if out == SUPPRESSED else int(out)


def _text(value, kind: str) -> str:
    """A figure as the page writes it: the report's own format, "Not known" when empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "Not known"
    return fmt(value, kind)


def _number(value):
    """A float, ``*`` kept, NaN and None as None."""
    if value is None or value == SUPPRESSED:
        return value
    value = float(value)
    return None if np.isnan(value) else value


def year_label(period_end) -> str:
    """2013-03-31 -> 2012/13."""
    return f"{period_end.year - 1}/{str(period_end.year)[-2:]}"


def list_type_name(code: str) -> str:
    """What QOF's list type counts, in plain words (TOTAL: the whole list; 17OV: patients aged
    17 and over; 30_74: aged 30 to 74; a trailing _F: women only)."""
    code = (code or "").strip().upper()
    if not code:
        return "not recorded"
    if code == "TOTAL":
        return "the whole list, all ages"
    women = code.endswith("_F")
    core = code.removesuffix("_F")
    who = "women" if women else "patients"
    if m := re.fullmatch(r"(\d+)OV", core):
        return f"{who} aged {int(m.group(1))} and over"
    if m := re.fullmatch(r"(\d+)UN", core):
        return f"{who} aged {int(m.group(1))} and under"
    if m := re.fullmatch(r"(\d+)_(\d+)", core):
        return f"{who} aged {int(m.group(1))} to {int(m.group(2))}"
    return f"the patients of QOF's list type {code}"


def denominator_of(list_types) -> str:
    """What a year's list sizes count, from its practices' list types."""
    known = sorted({t for t in list_types if t})
    if not known:
        return list_type_name("")
    if len(known) == 1:
        return list_type_name(known[0])
    return "a mix of lists: " + "; ".join(list_type_name(t) for t in known)


def _all_areas(n: int) -> str:
    return "the only area" if n == 1 else f"all {n} areas"


# ---------------------------------------------------------------------------------- index


def index(user, community) -> dict:
    """The needs index: each condition with registers for the community's practices (its
    latest year, how many practices have one), the other conditions, and, for administrators,
    how many practices the ODS files put in the area that are not members."""
    held = records.held_conditions(user, community)
    practice_ids = list(records.community_practices(user, community).values_list("pk", flat=True))
    not_members = None
    if is_admin(user):  # which practices the ODS files put in the area is for administrators
        in_area = practices_in_area(community.commissioner, dt.date.today())
        not_members = in_area.exclude(pk__in=practice_ids).count()
    return {
        "conditions": [
            {**c, "year": year_label(c["latest"]), "practices": c["practices"]} for c in held
        ],
        "others": records.other_conditions(c["slug"] for c in held),
        "practice_count": len(practice_ids),
        "not_members": not_members,
    }


def choose_peers(community):
    """Choose the community's peers again and store them: (grouping, None) or (None, reason)."""
    return choose_and_store_peers(community)


def may_choose_peers(user) -> bool:
    return editable(user, Grouping, ADD)


# ---------------------------------------------------------------------------------- one condition


def condition_needs(user, community, condition) -> dict | None:
    """Everything one condition's needs page shows for ``community``, from the records ``user``
    may see; None when there are no registers to work from.

    Kept until a record changes (:func:`commissioning.store.computed.remembered`), keyed on the
    login's scope, the small-numbers policy, the community and the condition, so the page, the
    board report and the API share one working-out."""
    return remembered(
        "needs page",
        (repr(scope_of(user)), repr(configured_policy()), community.code, condition.slug),
        lambda: _condition_needs(user, community, condition),
    )


def _condition_needs(user, community, condition) -> dict | None:
    df = records.community_registers(user, community, condition)
    if df.empty:
        return None
    units = list(set(df["organisation_id"]))
    practice_ids = list(records.community_practices(user, community).values_list("pk", flat=True))
    period_end = df["period_end"].max()
    latest = df[df["period_end"] == period_end].copy()
    crude = crude_proportion(
        latest.assign(unit=community.code),
        "register",
        "list_size",
        by="unit",
        per=100,
        name="prevalence",
    ).iloc[0]
    areas = all_areas()
    per_area, all_registers = records.area_registers(areas, condition, period_end.date())
    grouping = records.stored_peer_group(user, community)
    peers = _peer_section(user, grouping, areas, per_area)
    standin = None
    if len(all_registers):
        total = all_registers.assign(u="all")
        standin = crude_proportion(
            total, "register", "list_size", by="u", per=100, name="prevalence"
        ).iloc[0]
    published = records.published_england(condition, period_end.date())
    reference = records.reference_rates(condition)
    pop = records.latest_population(
        records.populations(user), practice_ids or units, period_end.date()
    )
    modelled = _modelled_diagnosis(latest, pop, reference, period_end.date())
    recorded = _recorded_for_condition(user, community, condition)
    standardised = _standardised_section(
        latest, condition, period_end.date(), areas, all_registers, peers["ids"]
    )
    summary = _summary_row("This community", crude)
    denominator = denominator_of(latest["list_type"])
    headline = {
        "condition": condition.name,
        "slug": condition.slug,
        "period_end": period_end.date(),
        "year": year_label(period_end),
        "practices": len(latest),
        "register": summary["register_value"],
        "list_size": summary["list_size_value"],
        "list_types": sorted({t for t in latest["list_type"] if t}),
        "denominator": denominator,
        "prevalence": summary["prevalence_number"],
        "prevalence_lower": summary["lower"],
        "prevalence_upper": summary["upper"],
        "interval": WILSON.name,
        "standardised": standardised.get("headline"),
        "diagnosis": [r for r in (modelled, *recorded) if r is not None],
    }
    objectives = records.objectives_on(user, community, {r["indicator"] for r in recorded})
    return {
        "headline": headline,
        "period": year_label(period_end),
        "period_end": period_end.date(),
        "practice_count": len(latest),
        "denominator": denominator,
        "interval": WILSON,
        "summary": summary,
        "standin": _summary_row(
            f"Stand-in for England: {_all_areas(per_area['area'].nunique())} in this "
            "database (not England)",
            standin,
        )
        if standin is not None
        else None,
        "area_count": int(per_area["area"].nunique()),
        "england": _published_row(published) if published is not None else None,
        "peers": peers,
        "standardised": standardised,
        "funnel": _funnel_section(latest, condition),
        "trend": _trend_section(df, condition),
        "diagnosis": modelled,
        "published_diagnosis": [
            *recorded,
            *_recorded_rates(
                records.england_diagnosis(condition, [r["indicator"] for r in recorded])
            ),
        ],
        "baselines": [
            {
                "development": o.development.title,
                "objective": o.description,
                "indicator": o.indicator.code,
                "baseline": o.baseline_value,
                "basis": baseline_basis(o),
            }
            for o in objectives
            if o.baseline_value is not None
        ],
        "projection": _projection_section(pop, reference, modelled, condition),
        "projection_years": PROJECTION_YEARS,
    }


def community_needs(user, community) -> dict:
    """What the board report's needs section and the needs API show: each condition with
    registers (its :func:`condition_needs`), the registered patients of the community's
    practices, and the latest recorded diagnosis rate of every diagnosis-rate series observed in
    the community.

    Kept until a record changes, keyed like :func:`condition_needs` (the login's scope, the
    small-numbers policy and the community), so the report and the API share one working-out."""
    return remembered(
        "community needs",
        (repr(scope_of(user)), repr(configured_policy()), community.code),
        lambda: _community_needs(user, community),
    )


def _community_needs(user, community) -> dict:
    from commissioning.store.models import Condition

    slugs = [c["slug"] for c in records.held_conditions(user, community)]
    conditions = []
    for condition in Condition.objects.filter(slug__in=slugs).order_by("name"):
        found = condition_needs(user, community, condition)
        if found is not None:
            conditions.append(found)
    patients, when, practices = records.registered_patients(user, community)
    return {
        "conditions": conditions,
        "patients": _count(patients),
        "patients_date": when,
        "practices": practices,
        "recorded": _recorded_rates(records.diagnosis_observations(user, community)),
    }


# ---------------------------------------------------------------------------------- rows


def _summary_row(label: str, row) -> dict:
    """A register, its list and the recorded prevalence with its Wilson interval, as shown."""
    register, list_size = _count(row["register"]), _count(row["list_size"])
    hidden = SUPPRESSED in (register, list_size)  # the prevalence would give the count back
    value = SUPPRESSED if hidden else float(row["prevalence"])
    lower = SUPPRESSED if hidden else float(row["prevalence_lower"])
    upper = SUPPRESSED if hidden else float(row["prevalence_upper"])
    return {
        "label": label,
        "register": _text(register, COUNT),
        "list_size": _text(list_size, COUNT),
        "prevalence": _text(value, PERCENT_2DP),
        "ci": SUPPRESSED if hidden else f"{fmt(lower, PERCENT_2DP)} to {fmt(upper, PERCENT_2DP)}",
        "prevalence_value": None if hidden else value,
        "register_value": register,
        "list_size_value": list_size,
        "prevalence_number": value,
        "lower": lower,
        "upper": upper,
    }


def _published_row(observation) -> dict:
    lower, upper = observation.lower, observation.upper
    return {
        "label": "England (published, OHID Fingertips)",
        "register": shown_count(observation.numerator),
        "list_size": shown_count(observation.denominator),
        "prevalence": _text(observation.value, PERCENT_2DP),
        "ci": f"{fmt(lower, PERCENT_2DP)} to {fmt(upper, PERCENT_2DP)}"
        if lower is not None and upper is not None
        else "",
        "prevalence_value": float(observation.value),
        "period": observation.period,
    }


def _peer_section(user, grouping, areas, per_area) -> dict:
    members = list(grouping.members.order_by("name").values_list("pk", "name")) if grouping else []
    peer_ids = [pk for pk, _ in members]
    rows = []
    with_data = per_area[per_area["area"].isin(peer_ids)]
    if len(with_data):
        crude = crude_proportion(
            with_data, "register", "list_size", by="area", per=100, name="prevalence"
        )
        rows = [
            _summary_row(areas[r["area"]].name, r)
            for r in crude.sort_values("area").to_dict("records")
        ]
        rows.sort(key=lambda r: r["label"])
    return {
        "grouping": grouping,
        "members": [name for _, name in members],
        "ids": peer_ids,
        "rows": rows,
        "can_choose": may_choose_peers(user),
        "variables": list(PEER_VARIABLES.values()),
        "k": PEERS,
    }


# ---------------------------------------------------------------------------------- funnel


def _funnel_section(latest: pd.DataFrame, condition) -> dict:
    f = funnel(latest, "register", "list_size", kind="proportion")
    f["prevalence"] = f["value"] * 100
    shown = suppress_with_total(  # the practices add up to the community's figures
        f,
        ["register", "list_size"],
        derived={"prevalence": ("register", "list_size")},
        policy=configured_policy(),
    )
    table = []
    points = []
    for i in f.sort_values("practice").index:
        prev = shown.at[i, "prevalence"]
        hidden = prev == SUPPRESSED
        flag = FLAG_LABELS[f.at[i, "flag"]]
        table.append(
            {
                "practice": f.at[i, "practice"],
                "code": f.at[i, "organisation__ods_code"],
                "register": _fmt(shown.at[i, "register"]),
                "list_size": _fmt(shown.at[i, "list_size"]),
                "prevalence": SUPPRESSED if hidden else _text(prev, PERCENT_2DP),
                "flag": SUPPRESSED if hidden else flag,
                "flag_code": "" if hidden else f.at[i, "flag"],
            }
        )
        if not hidden:
            points.append(
                {
                    "practice": f.at[i, "practice"],
                    "list_size": int(shown.at[i, "list_size"]),
                    "prevalence": round(float(prev), 3),
                    "flag": flag,
                }
            )
    low_n = max(50.0, latest["list_size"].min() * 0.8)
    grid = np.unique(np.round(np.geomspace(low_n, latest["list_size"].max() * 1.1, 60)))
    target = float(f["target"].iloc[0])

    limit_rows = [
        {"list_size": n, "limit": target * 100, "line": "target", "level": "Community"}
        for n in grid
    ]
    for level, tail in LEVELS.items():
        low, high = proportion_limits(target, grid, tail)
        label = "95%" if level == "95" else "99.8%"
        for name, values in (("lower", low), ("upper", high)):
            limit_rows += [
                {
                    "list_size": float(n),
                    "limit": float(v) * 100,
                    "line": f"{name}{level}",
                    "level": label,
                }
                for n, v in zip(grid, values, strict=True)
            ]
    limits = pd.DataFrame(limit_rows)
    outside = int((f["flag"] != "within").sum())
    description = (
        f"Funnel plot of recorded {condition.name} prevalence for {len(f)} practices "
        f"against list size. The community's prevalence is {fmt(target * 100, PERCENT_2DP)}; "
        f"{outside} practice{'s' if outside != 1 else ''} lie outside the 95% limits."
    )
    hidden_points = len(f) - len(points)
    if hidden_points:
        description += (
            f" {hidden_points} practice{'s are' if hidden_points != 1 else ' is'} left out of "
            "the chart because its register is too small to show."
        )
    spec = funnel_chart(
        pd.DataFrame(points, columns=["practice", "list_size", "prevalence", "flag"]),
        limits,
        f"{condition.name}: practice prevalence against list size",
    )
    return {
        "table": table,
        "spec": spec,
        "description": description,
        "target": fmt(target * 100, PERCENT_2DP),
        "outside": outside,
        "method": METHODS["proportion_funnel_normal"],
    }


def _fmt(value) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None or pd.isna(value):
        return "Not known"
    return f"{int(value):,}"


# ---------------------------------------------------------------------------------- trend


def _trend_section(df: pd.DataFrame, condition) -> dict:
    """Register and recorded prevalence by year, with what each year's list counts; where the
    list type changes the line is broken and the year of the change carries a note."""
    df = df.assign(year=df["period_end"].dt.year)
    per_year = crude_proportion(df, "register", "list_size", by="year", per=100, name="prevalence")
    per_year = per_year.sort_values("year").reset_index(drop=True)
    types = df.groupby("year")["list_type"].agg(lambda s: tuple(sorted({t for t in s if t})))
    shown = suppress(per_year, ["register", "list_size"], policy=configured_policy())
    # a prevalence resting on a hidden count is hidden with it (with the list, it gives it back)
    hidden = (shown["register"].astype(object) == SUPPRESSED) | (
        shown["list_size"].astype(object) == SUPPRESSED
    )
    rows, changes = [], []
    segment, last_known = 0, None
    for i, year in enumerate(per_year["year"]):
        kinds = types.get(year, ())
        denominator = denominator_of(kinds)
        note = ""
        if kinds and last_known is not None and kinds != last_known:
            segment += 1
            note = (
                f"Definition changed: from {year_label(dt.date(year, 3, 31))} the prevalence "
                f"divides by {denominator}, before by {denominator_of(last_known)}. Years before "
                "and after the change are not comparable."
            )
            changes.append(
                {
                    "year": year_label(dt.date(year, 3, 31)),
                    "label": f"List changed: {denominator}",
                    "note": note,
                }
            )
        if kinds:
            last_known = kinds
        value = SUPPRESSED if hidden[i] else float(per_year.at[i, "prevalence"])
        lower = SUPPRESSED if hidden[i] else float(per_year.at[i, "prevalence_lower"])
        upper = SUPPRESSED if hidden[i] else float(per_year.at[i, "prevalence_upper"])
        rows.append(
            {
                "year": year_label(dt.date(year, 3, 31)),
                "period_end": dt.date(year, 3, 31),
                "register": _fmt(shown.at[i, "register"]),
                "list_size": _fmt(shown.at[i, "list_size"]),
                "register_value": _number(shown.at[i, "register"]),
                "list_size_value": _number(shown.at[i, "list_size"]),
                "list_types": list(kinds),
                "denominator": denominator,
                "prevalence": SUPPRESSED if hidden[i] else fmt(value, PERCENT_2DP),
                "ci": SUPPRESSED
                if hidden[i]
                else f"{fmt(lower, PERCENT_2DP)} to {fmt(upper, PERCENT_2DP)}",
                "prevalence_value": value,
                "lower": lower,
                "upper": upper,
                "segment": segment,
                "change": note,
            }
        )
    unknown = [r["year"] for r in rows if not r["list_types"]]
    points = pd.DataFrame(
        {
            "year": [r["year"] for r in rows],
            "prevalence": [
                None if r["prevalence_value"] == SUPPRESSED else round(r["prevalence_value"], 3)
                for r in rows
            ],
            "segment": [r["segment"] for r in rows],
            "denominator": [r["denominator"] for r in rows],
        }
    )
    first, last = rows[0], rows[-1]
    description = (
        f"Recorded {condition.name} prevalence in the community's practices went from "
        f"{first['prevalence']} in {first['year']} to {last['prevalence']} in {last['year']}."
    )
    if changes:
        description += (
            " " + " ".join(c["note"] for c in changes) + (" The line is broken at the change.")
        )
    spec = trend_chart(
        points,
        pd.DataFrame(changes, columns=["year", "label", "note"]),
        f"{condition.name}: recorded prevalence by year",
    )
    return {
        "rows": rows,
        "spec": spec,
        "description": description,
        "changes": changes,
        "unknown_years": unknown if len(unknown) < len(rows) else [],
        "types_known": len(unknown) < len(rows),
    }


# ---------------------------------------------------------------------------------- standardised


def _dsr_row(label: str, row, kind: str) -> dict:
    shown = not pd.isna(row["dsr"])
    return {
        "label": label,
        "kind": kind,
        "cases": shown_count(row["cases"]),
        "population": shown_count(row["population"]),
        "dsr": fmt(float(row["dsr"]), RATE) if shown else "Not shown",
        "ci": f"{fmt(float(row['dsr_lower']), RATE)} to {fmt(float(row['dsr_upper']), RATE)}"
        if shown
        else "",
        "dsr_value": float(row["dsr"]) if shown else None,
        "dsr_lower": float(row["dsr_lower"]) if shown else None,
        "dsr_upper": float(row["dsr_upper"]) if shown else None,
        "note": "" if shown else "fewer than 10 people on the register",
    }


def _complete(units: set[int], with_registers: set[int], with_age_sex: set[int]) -> bool:
    """An area has a standardised rate when every organisation of it with a register for the
    period also has that register by age band and sex."""
    registered = units & with_registers
    return bool(registered) and registered <= with_age_sex


def _standardised_section(
    latest: pd.DataFrame,
    condition,
    period_end: dt.date,
    areas: dict[int, Area],
    all_registers: pd.DataFrame,
    peer_ids: list[int],
) -> dict:
    """Directly standardised rates (ESP2013, Dobson limits) when the registers are held by age
    band and sex; otherwise the indirectly standardised ratio against the other areas' rates.
    ``headline`` is the community's figure (kind, name, value, lower, upper), or None."""
    own_units = set(latest["organisation_id"])
    own = records.age_sex_table(own_units, condition, period_end)
    every = set().union(*(set(a.units) for a in areas.values())) if areas else set()
    table = records.age_sex_table(every, condition, period_end)
    registered = set(all_registers["organisation_id"]) if len(all_registers) else set()
    with_age_sex = set(table["organisation_id"])
    out: dict = {
        "available": False,
        "per": f"{DSR_PER:,}",
        "age_sex_held": len(own) > 0,
        "headline": None,
    }
    try:
        if _complete(own_units, own_units, set(own["organisation_id"])):
            out["available"] = True
            rows = [
                _dsr_row(
                    "This community", dsr(own.assign(unit="c"), by="unit").iloc[0], "community"
                )
            ]
            pairs = area_pairs({i: areas[i] for i in peer_ids if i in areas})
            ok = [
                i
                for i in peer_ids
                if i in areas and _complete(set(areas[i].units), registered, with_age_sex)
            ]
            if ok:
                part = pairs[pairs["area"].isin(ok)].merge(table, on="organisation_id")
                rates = dsr(part, by="area").set_index("area")
                rows += [
                    _dsr_row(f"Peer: {areas[i].name}", rates.loc[i], "peer")
                    for i in ok
                    if i in rates.index
                ]
            standin_areas = [
                a for a in areas.values() if _complete(set(a.units), registered, with_age_sex)
            ]
            if standin_areas:
                ids = set().union(*(set(a.units) for a in standin_areas))
                part = table[table["organisation_id"].isin(ids)].assign(unit="all")
                label = (
                    f"Stand-in for England: {_all_areas(len(standin_areas))} in this database "
                    "with registers by age and sex (not England)"
                )
                rows.append(_dsr_row(label, dsr(part, by="unit").iloc[0], "england"))
            out["rows"] = rows
            out["value"] = rows[0]["dsr_value"]
            mine = rows[0]
            out["headline"] = {
                "kind": "dsr",
                "name": DSR_NAME,
                "value": mine["dsr_value"],
                "lower": mine["dsr_lower"],
                "upper": mine["dsr_upper"],
                "text": mine["dsr"],
                "ci": mine["ci"],
                "format": RATE,
            }
            return out
        # the age-sex rates of the other areas whose registers are all held by age and sex
        complete = [
            a
            for a in areas.values()
            if _complete(set(a.units), registered, with_age_sex) and not set(a.units) & own_units
        ]
        ref_ids = set().union(*(set(a.units) for a in complete)) if complete else set()
        reference = (
            table[table["organisation_id"].isin(ref_ids)]
            .groupby(["age_band", "sex"], as_index=False)[["cases", "population"]]
            .sum()
        )
        out["reference_areas"] = len(complete)
        if reference.empty:
            return out
        pop = populations_at(own_units, period_end)
        if pop.empty:
            out["problem"] = (
                "no registered patients by age band and sex are held for the community's practices"
            )
            return out
        pop = pop.groupby(["age_band", "sex"], as_index=False)["population"].sum().assign(unit="c")
        observed = pd.DataFrame({"unit": ["c"], "observed": [latest["register"].sum()]})
        ratio = isr(
            pop,
            reference,
            by="unit",
            cases=None,
            observed=observed,
            ref_rate=None,
            ref_cases="cases",
            ref_population="population",
        ).iloc[0]
        observed_shown = shown_count(ratio["observed"])
        hidden = observed_shown == SUPPRESSED  # the ratio and the expected give it back
        out["isr"] = {
            "observed": observed_shown,
            "expected": shown_count(ratio["expected"]),
            "ratio": SUPPRESSED if hidden else f"{ratio['ratio']:.2f}",
            "ci": SUPPRESSED
            if hidden
            else f"{ratio['ratio_lower']:.2f} to {ratio['ratio_upper']:.2f}",
            "value": None if hidden else float(ratio["ratio"]),
        }
        out["headline"] = {
            "kind": "isr",
            "name": ISR_NAME,
            "value": SUPPRESSED if hidden else round(float(ratio["ratio"]), 2),
            "lower": SUPPRESSED if hidden else round(float(ratio["ratio_lower"]), 2),
            "upper": SUPPRESSED if hidden else round(float(ratio["ratio_upper"]), 2),
            "text": out["isr"]["ratio"],
            "ci": out["isr"]["ci"],
            "format": "number",
        }
    except DataProblem as exc:
        out["available"] = False
        out["headline"] = None
        out["problem"] = str(exc)
    return out


# ---------------------------------------------------------------------------------- diagnosis


def _older_bands(pop: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Population rows within the reference's age range (e.g. 65 and over)."""
    start = min(age_from(b) for b in reference["age_band"])
    keep = pop["age_band"].map(age_from) >= start
    return pop[keep].copy()


def _modelled_diagnosis(
    latest: pd.DataFrame, pop: pd.DataFrame, reference, period_end: dt.date
) -> dict | None:
    """The modelled diagnosis rate: the register of the latest year against the number expected
    from the reference rates applied to the practices' older patients (full counts; the counts
    shown are suppressed, and the rate is hidden with a hidden count)."""
    if reference is None or pop.empty:
        return None
    older = _older_bands(pop, reference)
    if older.empty or older["population"].sum() <= 0:
        return None
    try:
        expected = expected_prevalence(older, reference, by="unit")
        recorded = pd.DataFrame({"unit": ["community"], "recorded": [latest["register"].sum()]})
        dx = diagnosis_rate(expected, recorded, by="unit").iloc[0]
    except DataProblem:
        return None
    if not dx["expected"] > 0:
        return None
    gap = shown_gap(dx["recorded"], dx["expected"], configured_policy())
    hidden = SUPPRESSED in (gap["recorded"], gap["expected"])  # the rate would give it back
    extract = pop["date"].iloc[0]
    value = SUPPRESSED if hidden else float(dx["diagnosis_rate"])
    lower = SUPPRESSED if hidden else float(dx["diagnosis_rate_lower"])
    upper = SUPPRESSED if hidden else float(dx["diagnosis_rate_upper"])
    when = (
        f"registers of the year ending {period_end:%-d %B %Y}, list extract of {extract:%-d %B %Y}"
    )
    return {
        "key": "modelled",
        "name": MODELLED,
        "what": MODELLED_WHAT,
        "label": f"{MODELLED} ({when})",
        "indicator": "",
        "indicator_name": f"{MODELLED}: illustrative reference rates (not the official CFAS II)",
        "subject": "The community's practices",
        "kind": "community",
        "date": period_end,
        "date_label": f"year ending {period_end:%-d %B %Y}",
        "extract": extract,
        "recorded": _shown_number(gap["recorded"]),
        "expected": _shown_number(gap["expected"]),
        "gap": _shown_number(gap["gap"]),
        "rate": value,
        "lower": lower,
        "upper": upper,
        # the page's words, from the same numbers
        "register": _fmt(gap["recorded"]),
        "estimate": _fmt(gap["expected"]),
        "gap_text": _fmt(gap["gap"]),
        "rate_text": _text(value, PERCENT_1DP),
        "ci": SUPPRESSED if hidden else f"{fmt(lower, PERCENT_1DP)} to {fmt(upper, PERCENT_1DP)}",
        "rate_value": float(dx["diagnosis_rate"]),
        "older_population": shown_count(expected["population"].iloc[0]),
        "source": "illustrative reference rates by age band and sex",
    }


def _shown_number(value):
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None or pd.isna(value):
        return None
    return int(value)


def _recorded_rates(observations: pd.DataFrame) -> list[dict]:
    """Recorded diagnosis rates, one per observation (its latest month): the register and the
    published estimate as shown (the register and the gap suppressed as parts of the estimate),
    the rate as every surface shows the observation (worked out from the counts as shown), and
    Byar 95% limits from those counts (chance in the register count only)."""
    if observations.empty:
        return []
    obs = observations.reset_index(drop=True)
    counts = pd.DataFrame(
        {
            "unit": obs["key"],
            "recorded": obs["numerator"].astype(float),
            "expected": obs["denominator"].astype(float),
        }
    )
    counts["gap"] = (counts["expected"] - counts["recorded"]).clip(lower=0)
    policy = configured_policy()
    shown = suppress_parts(counts, ["recorded", "gap"], "expected", policy=policy)
    # the value as every surface shows the observation: the monitoring pages' own reading
    # (recomputed from the counts as shown; NaN where it rests on a hidden count). England's
    # published figure is read as stored, so it is disclosed here by the same rule.
    values = pd.to_numeric(obs["value"], errors="coerce").astype(float)
    stored = obs["kind"] == "england"
    if stored.any():
        disclosed = disclose_observations(
            pd.DataFrame(
                {
                    "numerator": obs["numerator"].astype(float),
                    "denominator": obs["denominator"].astype(float),
                    "value": values,
                }
            )[stored],
            obs["patient_counts"][stored].astype(bool),
            policy,
        )
        values[stored] = pd.to_numeric(disclosed["value"], errors="coerce").astype(float)
    rows = []
    for i in obs.index:
        hidden = SUPPRESSED in (shown.at[i, "recorded"], shown.at[i, "expected"])
        hidden = hidden or np.isnan(values.at[i])
        value = lower = upper = SUPPRESSED
        if not hidden:
            n, d = float(shown.at[i, "recorded"]), float(shown.at[i, "expected"])
            byar = diagnosis_rate(
                pd.DataFrame({"unit": ["u"], "expected": [d]}),
                pd.DataFrame({"unit": ["u"], "recorded": [n]}),
                by="unit",
            ).iloc[0]
            value = float(values.at[i])
            lower, upper = float(byar["diagnosis_rate_lower"]), float(byar["diagnosis_rate_upper"])
        date = pd.Timestamp(obs.at[i, "date"]).date()
        code = obs.at[i, "indicator"]
        rows.append(
            {
                "key": "recorded",
                "name": RECORDED,
                "what": RECORDED_WHAT,
                "label": f"{RECORDED} ({code}, {date:%B %Y})",
                "indicator": code,
                "indicator_name": obs.at[i, "indicator_name"],
                "subject": obs.at[i, "subject"],
                "kind": obs.at[i, "kind"],
                "date": date,
                "date_label": f"{date:%B %Y}",
                "month": date,
                "recorded": _shown_number(shown.at[i, "recorded"]),
                "expected": _shown_number(shown.at[i, "expected"]),
                "gap": _shown_number(shown.at[i, "gap"]),
                "rate": value,
                "lower": lower,
                "upper": upper,
                "register": _fmt(shown.at[i, "recorded"]),
                "estimate": _fmt(shown.at[i, "expected"]),
                "gap_text": _fmt(shown.at[i, "gap"]),
                "rate_text": _text(value, PERCENT_1DP),
                "ci": "" if hidden else f"{fmt(lower, PERCENT_1DP)} to {fmt(upper, PERCENT_1DP)}",
                "source": obs.at[i, "source"] or obs.at[i, "indicator_name"],
            }
        )
    return rows


def _recorded_for_condition(user, community, condition) -> list[dict]:
    """The recorded diagnosis rate of the condition's published indicator (e.g. DEM_DX) for the
    community's commissioner: the row of the board report's diagnosis table for it."""
    codes = records.PUBLISHED_DIAGNOSIS.get(condition.slug)
    if not codes:
        return []
    found = records.diagnosis_observations(user, community)
    mine = found[
        found["indicator"].isin(codes) & (found["subject"] == community.commissioner.name)
    ].copy()
    mine["kind"] = "commissioner"
    return _recorded_rates(mine)


# ---------------------------------------------------------------------------------- projection


def _band_bounds(band: str) -> tuple[int, int | None]:
    """(first, last) ages of a band label such as 65-69; (90, None) for 90+."""
    numbers = [int(n) for n in re.findall(r"\d+", str(band))]
    first = numbers[0] if numbers else 0
    return first, (numbers[1] if len(numbers) > 1 else None)


def age_forward(pop: pd.DataFrame, years: int) -> pd.DataFrame:
    """The population aged forward a year at a time: each year people die at England and Wales
    rates for their age and sex (:mod:`commissioning.analytics.needs.mortality`), then a fifth
    of every five-year band moves up to the next band (the top band keeps its people). No births
    or migration. ``pop`` has unit, age_band, sex, population; returns the same with ``year``
    offsets 0 (the base) to ``years``.
    """
    order = sorted(set(pop["age_band"]), key=age_from)
    bounds = [_band_bounds(b) for b in order]
    frames = []
    for sex, part in pop.groupby("sex"):
        if sex in mortality.GOMPERTZ:
            alive = mortality.survival_by_band(bounds, sex)
        else:  # persons: the average of the two
            alive = (
                mortality.survival_by_band(bounds, "male")
                + mortality.survival_by_band(bounds, "female")
            ) / 2
        counts = part.set_index("age_band")["population"].reindex(order).fillna(0).to_numpy(float)
        for y in range(years + 1):
            frames.append(
                pd.DataFrame({"age_band": order, "sex": sex, "population": counts, "offset": y})
            )
            counts = counts * alive
            moving = counts / 5
            moving[-1] = 0.0
            counts = counts - moving
            counts[1:] += moving[:-1]
    out = pd.concat(frames, ignore_index=True)
    out["unit"] = "community"
    return out


def _projection_section(pop: pd.DataFrame, reference, diagnosis: dict | None, condition):
    if reference is None or pop.empty or diagnosis is None:
        return None
    base_year = pop["date"].iloc[0].year
    aged = age_forward(pop[["unit", "age_band", "sex", "population"]], PROJECTION_YEARS)
    aged["year"] = base_year + aged.pop("offset")
    aged = _older_bands(aged, reference)
    projected = project_prevalence(None, aged, by="unit", reference=reference)
    share = diagnosis["rate_value"] / 100
    projected = projected.sort_values("year")
    rows = [
        {
            "year": int(r.year),
            "population": shown_count(r.population),
            "expected": shown_count(r.cases),
            "register": shown_count(r.cases * share),
        }
        for r in projected.itertuples()
    ]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": projected["year"],
                    "people": projected["cases"].round(),
                    "series": "Expected to have the condition",
                }
            ),
            pd.DataFrame(
                {
                    "year": projected["year"],
                    "people": (projected["cases"] * share).round(),
                    "series": "On the register if today's modelled diagnosis rate holds",
                }
            ),
        ]
    )
    first, last = projected.iloc[0], projected.iloc[-1]
    description = (
        f"Projected number of people with {condition.name}: {shown_count(first.cases)} in "
        f"{int(first.year)} and {shown_count(last.cases)} in {int(last.year)}, holding the "
        "reference age-sex rates constant and letting people die at England and Wales rates "
        "for their age and sex (ONS life tables, 2010-2012)."
    )
    return {
        "rows": rows,
        "spec": projection_chart(long, f"{condition.name}: projection"),
        "description": description,
        "base_year": base_year,
    }
