"""Needs for one condition in a community: register, prevalence, peers, standardised rates,
practices, trend, projection.

The figures come from :mod:`commissioning.analytics.needs` (crude prevalence with Wilson limits,
directly standardised rates with Dobson limits, indirectly standardised ratios, funnel limits,
expected prevalence and diagnosis rate, peer groups, projection); this module only reads the
records into dataframes, calls those functions and suppresses small numbers for display
(:mod:`commissioning.analytics.disclosure`).

Areas: each community (its practices, under its commissioner) and each commissioner
organisation holding registers of its own. Peers are the areas nearest to the community's
commissioner on age structure, deprivation (``AREA_IMD``) and rurality (``AREA_RURAL``), chosen
and stored as a peer group by :func:`commissioning.needs.peers.choose_and_store_peers` and read
back.

Access: the community's own practices, registers and lists are read through the access policy.
The England stand-in and peers are totals over other areas: they are shown only as rounded
aggregates, never practice by practice. Providers are refused ("page not found"): the page is
about the whole community's practices, which they do not see.
"""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from commissioning.access.communities import community_or_404, refuse_providers
from commissioning.access.policy import ADD, editable, is_admin, scope_of, visible
from commissioning.analytics.disclosure import (
    SUPPRESSED,
    configured_policy,
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
from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, NHS_WARM_YELLOW, chart_spec
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
from commissioning.needs.presenter import shown_count
from commissioning.store.communities import community_practices as store_community_practices
from commissioning.store.communities import practices_in_area
from commissioning.store.computed import remembered
from commissioning.store.models import (
    AgeSexRegister,
    Condition,
    ConditionRegister,
    Grouping,
    GroupingKind,
    Observation,
    PracticePopulation,
)

#: England's ONS code, under which the Fingertips importer stores England's values.
ENGLAND_CODE = "E92000001"
#: OHID Fingertips indicators of QOF recorded prevalence, by condition slug.
FINGERTIPS_PREVALENCE = {
    "diabetes": "FINGERTIPS-241",
    "dementia": "FINGERTIPS-247",
    "stroke-tia": "FINGERTIPS-212",
}
#: Published diagnosis rates (monthly, by organisation), by condition slug: Primary Care
#: Dementia Data / Recorded Dementia Diagnoses, as the dementia-diagnosis importer stores them.
PUBLISHED_DIAGNOSIS = {"dementia": "DEM_DX"}
DSR_PER = 100_000
PROJECTION_YEARS = 10
REFERENCE_RATES = {"dementia": "dementia"}  # condition slug -> set in reference_rates.csv
FLAG_LABELS = {
    "high_998": "Higher than expected (99.8%)",
    "high_95": "Higher than expected (95%)",
    "within": "Within expected range",
    "low_95": "Lower than expected (95%)",
    "low_998": "Lower than expected (99.8%)",
}


def _pct(value, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return "Not known"
    return f"{value:.{digits}f}%"


def community_practices(user, community):
    """The community's GP practices (its members that are practices: the one definition the
    report, the peers and every page use) that the user may see."""
    return visible(user, store_community_practices(community))


def _list_sizes(populations) -> pd.DataFrame:
    rows = populations.values("organisation_id", "date").annotate(patients=Sum("count"))
    return pd.DataFrame(list(rows), columns=["organisation_id", "date", "patients"])


def register_frame(registers, populations, units: dict[int, str]) -> pd.DataFrame:
    """One row per practice and period: unit, practice, register, list_size.

    A register without a list size takes the practice's latest list extract on or before the
    period end; rows with neither are left out.
    """
    rows = list(
        registers.filter(organisation_id__in=list(units)).values(
            "organisation_id",
            "organisation__name",
            "organisation__ods_code",
            "period_end",
            "register_size",
            "list_size",
        )
    )
    df = pd.DataFrame(
        rows,
        columns=[
            "organisation_id",
            "organisation__name",
            "organisation__ods_code",
            "period_end",
            "register_size",
            "list_size",
        ],
    )
    if df.empty:
        return df.assign(unit=[], practice=[], register=[])
    missing = df["list_size"].isna()
    if missing.any():
        sizes = _list_sizes(populations.filter(organisation_id__in=list(units)))
        for i in df.index[missing]:
            s = sizes[
                (sizes["organisation_id"] == df.at[i, "organisation_id"])
                & (sizes["date"] <= df.at[i, "period_end"])
            ]
            if len(s):
                df.at[i, "list_size"] = s.sort_values("date")["patients"].iloc[-1]
    df = df[df["list_size"].notna() & (df["list_size"] > 0)].copy()
    df["unit"] = df["organisation_id"].map(units)
    df["practice"] = df["organisation__name"]
    df["register"] = df["register_size"].astype(float)
    df["list_size"] = df["list_size"].astype(float)
    df["period_end"] = pd.to_datetime(df["period_end"])
    return df


# ---------------------------------------------------------------------------------- areas


def area_registers(areas: dict[int, Area], condition, period_end) -> tuple[pd.DataFrame, pd.Series]:
    """Register and list size per area, and over every organisation in any area (counted once)."""
    pairs = area_pairs(areas)
    ids = set(pairs["organisation_id"])
    df = register_frame(
        ConditionRegister.objects.filter(condition=condition, period_end=period_end),
        PracticePopulation.objects.all(),
        {i: i for i in ids},
    )
    if df.empty:
        return pd.DataFrame(columns=["area", "register", "list_size"]), df
    per_area = pairs.merge(df[["organisation_id", "register", "list_size"]], on="organisation_id")
    per_area = per_area.groupby("area", as_index=False)[["register", "list_size"]].sum()
    return per_area, df


def age_sex_table(org_ids, condition, period_end) -> pd.DataFrame:
    """Registers by age band and sex with the patients in each band, for the organisations that
    have registers by age and sex for the period: organisation_id, age_band, sex, population,
    cases. Bands without anyone on the register have 0 cases."""
    rows = AgeSexRegister.objects.filter(
        organisation_id__in=list(org_ids), condition=condition, period_end=period_end
    ).values_list("organisation_id", "age_band", "sex", "register_size")
    keys = ["organisation_id", "age_band", "sex"]
    cases = pd.DataFrame(list(rows), columns=[*keys, "cases"])
    if cases.empty:
        return pd.DataFrame(columns=[*keys, "population", "cases"])
    pop = populations_at(cases["organisation_id"].unique(), period_end)
    table = pop[[*keys, "population"]].merge(cases, on=keys, how="outer")
    table["population"] = table["population"].fillna(0)
    table["cases"] = table["cases"].fillna(0)
    return table


# ---------------------------------------------------------------------------------- peers


def stored_peer_group(user, community):
    """The peer group stored for the community's commissioner that the user may read (the
    community's own before a shared one), or None."""
    return (
        visible(user, Grouping)
        .filter(kind=GroupingKind.PEER_GROUP, anchor_id=community.commissioner_id)
        .order_by(F("community_id").asc(nulls_last=True), "-pk")
        .first()
    )


# ---------------------------------------------------------------------------------- England


def published_england(condition, period_end: dt.date):
    """England's published recorded prevalence (OHID Fingertips QOF prevalence, imported for the
    area E92000001) for the year ending ``period_end``, or None."""
    code = FINGERTIPS_PREVALENCE.get(condition.slug)
    if code is None:
        return None
    return (
        Observation.objects.filter(
            indicator__code=code,
            organisation__ods_code=ENGLAND_CODE,
            period=dt.date(period_end.year - 1, 4, 1),
            value__isnull=False,
        )
        .select_related("indicator")
        .first()
    )


def published_diagnosis(condition, commissioner, period_end: dt.date) -> list[dict]:
    """The published diagnosis rate (e.g. DEM_DX from Primary Care Dementia Data) of the
    community's commissioner and of England for the latest month up to the end of the
    registers' year: one row each that has one.

    Worked out exactly as the board report's diagnosis table works it out (register / estimate
    with Byar limits, :func:`commissioning.analytics.needs.diagnosis_rate`; register and gap
    suppressed as parts of the estimate), so the page and the report agree."""
    code = PUBLISHED_DIAGNOSIS.get(condition.slug)
    if code is None:
        return []
    found = []
    for label, kind, lookup in (
        (commissioner.name, "commissioner", {"organisation_id": commissioner.pk}),
        ("England", "england", {"organisation__ods_code": ENGLAND_CODE}),
    ):
        obs = (
            Observation.objects.filter(
                indicator__code=code,
                period__lte=period_end,
                numerator__isnull=False,
                denominator__gt=0,
                **lookup,
            )
            .select_related("indicator")
            .order_by("-period")
            .first()
        )
        if obs is not None:
            found.append((label, kind, obs))
    if not found:
        return []
    frame = pd.DataFrame(
        {
            "unit": [kind for _, kind, _ in found],
            "recorded": [float(o.numerator) for _, _, o in found],
            "expected": [float(o.denominator) for _, _, o in found],
        }
    )
    rates = diagnosis_rate(frame, frame, by="unit")
    rates["gap"] = (rates["expected"] - rates["recorded"]).clip(lower=0)
    shown = suppress_parts(rates, ["recorded", "gap"], "expected", policy=configured_policy())
    rows = []
    for (label, kind, obs), (_, r), (_, s) in zip(
        found, rates.iterrows(), shown.iterrows(), strict=True
    ):
        hidden = s["recorded"] == SUPPRESSED or s["expected"] == SUPPRESSED
        rows.append(
            {
                "label": label,
                "kind": kind,
                "month": obs.period,
                "register": _fmt(s["recorded"]),
                "estimate": _fmt(s["expected"]),
                "gap": _fmt(s["gap"]),
                "rate": SUPPRESSED if hidden else _pct(r["diagnosis_rate"], 1),
                "ci": ""
                if hidden
                else f"{_pct(r['diagnosis_rate_lower'], 1)} to "
                f"{_pct(r['diagnosis_rate_upper'], 1)}",
                "source": obs.indicator.source or obs.indicator.name,
            }
        )
    return rows


def reference_rates(condition) -> pd.DataFrame | None:
    """Illustrative age-sex reference rates for the condition (age_band, sex, rate), if stored."""
    name = REFERENCE_RATES.get(condition.slug)
    if name is None:
        return None
    from commissioning.analytics.measures.library import reference_rates as library_rates

    ref = library_rates()
    ref = ref[ref["rates"] == name].copy()
    ref["age_band"] = [
        f"{int(a)}+" if pd.isna(b) else f"{int(a)}-{int(b) - 1}"
        for a, b in zip(ref["age_from"], ref["age_to"], strict=True)
    ]
    return ref[["age_band", "sex", "rate"]].reset_index(drop=True)


def latest_population(populations, practice_ids, on_or_before) -> pd.DataFrame:
    """The community's list by age band and sex at the latest extract on or before a date."""
    qs = populations.filter(organisation_id__in=practice_ids, date__lte=on_or_before)
    latest = qs.order_by("-date").values_list("date", flat=True).first()
    if latest is None:
        return pd.DataFrame(columns=["unit", "age_band", "sex", "population", "date"])
    rows = qs.filter(date=latest).values("age_band", "sex").annotate(population=Sum("count"))
    df = pd.DataFrame(list(rows))
    df["unit"] = "community"
    df["date"] = latest
    return df


def _older_bands(pop: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Population rows within the reference's age range (e.g. 65 and over)."""
    start = min(age_from(b) for b in reference["age_band"])
    keep = pop["age_band"].map(age_from) >= start
    return pop[keep].copy()


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


# ---------------------------------------------------------------------------------- charts


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, title: str) -> alt.LayerChart:
    x = alt.X("list_size:Q", title="Patients on the practice list")
    lines = (
        alt.Chart(limits[limits["line"] != "target"])
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("limit:Q", title="Recorded prevalence (%)"),
            detail="line:N",
            strokeDash=alt.StrokeDash("level:N", title="Control limits", sort=["95%", "99.8%"]),
            color=alt.value(NHS_DARK_GREY),
        )
    )
    target = (
        alt.Chart(limits[limits["line"] == "target"])
        .mark_line(color=NHS_BLUE, strokeWidth=1)
        .encode(x=x, y="limit:Q")
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=60, color=NHS_BLUE)
        .encode(
            x=x,
            y=alt.Y("prevalence:Q"),
            shape=alt.Shape("flag:N", title="Compared with the community"),
            tooltip=["practice:N", "list_size:Q", "prevalence:Q", "flag:N"],
        )
    )
    return (lines + target + dots).properties(width="container", height=360, title=title)


def line_chart(df: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, title: str):
    return (
        alt.Chart(df)
        .mark_line(point=True, color=NHS_BLUE)
        .encode(
            x=alt.X(f"{x}:O", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
            tooltip=[f"{x}:O", f"{y}:Q"],
        )
        .properties(width="container", height=280, title=title)
    )


def projection_chart(df: pd.DataFrame, title: str):
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("people:Q", title="People"),
            strokeDash=alt.StrokeDash("series:N", title=None),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(range=[NHS_BLUE, NHS_WARM_YELLOW]),
                title=None,
            ),
        )
        .properties(width="container", height=280, title=title)
    )


# ---------------------------------------------------------------------------------- sections


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
                "prevalence": SUPPRESSED if hidden else _pct(prev),
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
        f"against list size. The community's prevalence is {_pct(target * 100)}; "
        f"{outside} practice{'s' if outside != 1 else ''} lie outside the 95% limits."
    )
    hidden_points = len(f) - len(points)
    if hidden_points:
        description += (
            f" {hidden_points} practice{'s are' if hidden_points != 1 else ' is'} left out of "
            "the chart because its register is too small to show."
        )
    chart = funnel_chart(
        pd.DataFrame(points, columns=["practice", "list_size", "prevalence", "flag"]),
        limits,
        f"{condition.name}: practice prevalence against list size",
    )
    return {
        "table": table,
        "spec": chart_spec(chart),
        "description": description,
        "target": _pct(target * 100),
        "outside": outside,
        "method": METHODS["proportion_funnel_normal"],
    }


def _fmt(value) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None or pd.isna(value):
        return "Not known"
    return f"{int(value):,}"


def _trend_section(df: pd.DataFrame, condition) -> dict:
    df = df.assign(year=df["period_end"].dt.year)
    per_year = crude_proportion(df, "register", "list_size", by="year", per=100, name="prevalence")
    per_year = per_year.sort_values("year")
    shown = suppress(per_year, ["register", "list_size"], policy=configured_policy())
    # a prevalence resting on a hidden count is hidden with it (with the list, it gives it back)
    hidden = (shown["register"].astype(object) == SUPPRESSED) | (
        shown["list_size"].astype(object) == SUPPRESSED
    )
    rows = [
        {
            "year": f"{y - 1}/{str(y)[-2:]}",
            "register": _fmt(shown.at[i, "register"]),
            "list_size": _fmt(shown.at[i, "list_size"]),
            "prevalence": SUPPRESSED if hidden[i] else _pct(per_year.at[i, "prevalence"]),
            "ci": SUPPRESSED
            if hidden[i]
            else f"{_pct(per_year.at[i, 'prevalence_lower'])} to "
            f"{_pct(per_year.at[i, 'prevalence_upper'])}",
        }
        for i, y in zip(per_year.index, per_year["year"], strict=True)
    ]
    per_year = per_year.assign(prevalence=per_year["prevalence"].where(~hidden))
    chart_df = pd.DataFrame(
        {"year": [r["year"] for r in rows], "prevalence": per_year["prevalence"].round(3)}
    )
    first, last = per_year.iloc[0], per_year.iloc[-1]
    description = (
        f"Recorded {condition.name} prevalence in the community's practices went from "
        f"{_pct(first['prevalence'])} in {rows[0]['year']} to {_pct(last['prevalence'])} in "
        f"{rows[-1]['year']}."
    )
    chart = line_chart(
        chart_df,
        "year",
        "prevalence",
        "Year ending March",
        "Recorded prevalence (%)",
        f"{condition.name}: recorded prevalence by year",
    )
    return {"rows": rows, "spec": chart_spec(chart), "description": description}


def _diagnosis_section(latest: pd.DataFrame, pop: pd.DataFrame, reference) -> dict | None:
    if reference is None or pop.empty:
        return None
    older = _older_bands(pop, reference)
    expected = expected_prevalence(older, reference, by="unit")
    recorded = pd.DataFrame({"unit": ["community"], "recorded": [latest["register"].sum()]})
    dx = diagnosis_rate(expected, recorded, by="unit").iloc[0]
    gap = shown_gap(dx["recorded"], dx["expected"], configured_policy())
    hidden = SUPPRESSED in (gap["recorded"], gap["expected"])  # the rate would give it back
    return {
        **{k: _fmt(v) for k, v in gap.items()},
        "rate": SUPPRESSED if hidden else _pct(dx["diagnosis_rate"], 1),
        "ci": SUPPRESSED
        if hidden
        else f"{_pct(dx['diagnosis_rate_lower'], 1)} to {_pct(dx['diagnosis_rate_upper'], 1)}",
        "rate_value": float(dx["diagnosis_rate"]),
        "older_population": shown_count(expected["population"].iloc[0]),
        "extract": pop["date"].iloc[0],
    }


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
                    "series": "On the register if today's diagnosis rate holds",
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
        "spec": chart_spec(projection_chart(long, f"{condition.name}: projection")),
        "description": description,
        "base_year": base_year,
    }


def _rate(value) -> str:
    if value is None or pd.isna(value):
        return "Not known"
    return f"{value:,.1f}"


def _dsr_row(label: str, row, kind: str) -> dict:
    shown = not pd.isna(row["dsr"])
    return {
        "label": label,
        "kind": kind,
        "cases": shown_count(row["cases"]),
        "population": shown_count(row["population"]),
        "dsr": _rate(row["dsr"]) if shown else "Not shown",
        "ci": f"{_rate(row['dsr_lower'])} to {_rate(row['dsr_upper'])}" if shown else "",
        "dsr_value": float(row["dsr"]) if shown else None,
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
    band and sex; otherwise the indirectly standardised ratio against the other areas' rates."""
    own_units = set(latest["organisation_id"])
    own = age_sex_table(own_units, condition, period_end)
    every = set().union(*(set(a.units) for a in areas.values())) if areas else set()
    table = age_sex_table(every, condition, period_end)
    registered = set(all_registers["organisation_id"]) if len(all_registers) else set()
    with_age_sex = set(table["organisation_id"])
    out: dict = {"available": False, "per": f"{DSR_PER:,}", "age_sex_held": len(own) > 0}
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
    except DataProblem as exc:
        out["available"] = False
        out["problem"] = str(exc)
    return out


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
        "can_choose": editable(user, Grouping, ADD),
        "variables": list(PEER_VARIABLES.values()),
        "k": PEERS,
    }


def needs_index(request, code: str):
    """Needs assessment for a community: each condition with registers for its practices, and
    plain advice on what to import (or set up) when there are none yet."""
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    user = request.user
    practice_ids = list(community_practices(user, community).values_list("pk", flat=True))
    held = (
        visible(user, ConditionRegister)
        .filter(organisation_id__in=practice_ids)
        .values("condition__slug", "condition__name")
        .annotate(latest=Max("period_end"), practices=Count("organisation", distinct=True))
        .order_by("condition__name")
    )
    conditions = [
        {
            "slug": r["condition__slug"],
            "name": r["condition__name"],
            "year": f"{r['latest'].year - 1}/{str(r['latest'].year)[-2:]}",
            "practices": r["practices"],
        }
        for r in held
    ]
    others = Condition.objects.exclude(slug__in=[c["slug"] for c in conditions]).order_by("name")
    not_members = None
    if is_admin(user):  # which practices the ODS files put in the area is for administrators
        in_area = practices_in_area(community.commissioner, dt.date.today())
        not_members = in_area.exclude(pk__in=practice_ids).count()
    context = {
        "community": community,
        "conditions": conditions,
        "others": others,
        "practice_count": len(practice_ids),
        "not_members": not_members,
        "user_may_set_up": is_admin(user),
    }
    return render(request, "web/needs_index.html", context)


def needs(request, code: str, condition: str):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    condition_ = get_object_or_404(Condition, slug=condition)
    user = request.user
    peers_problem = None
    if request.method == "POST":
        if request.POST.get("action") != "choose-peers" or not editable(user, Grouping, ADD):
            raise PermissionDenied("Only commissioners may choose peer groups.")
        grouping, peers_problem = choose_and_store_peers(community)
        if grouping is not None:
            url = reverse("community-needs", args=[community.code, condition_.slug])
            return redirect(f"{url}?peers=saved#peers")
    # Everything worked out depends on the records this login may see (its scope), the
    # community and the condition: kept until a record changes (store.computed).
    sections = remembered(
        "needs page",
        (repr(scope_of(user)), community.code, condition_.slug),
        lambda: needs_sections(user, community, condition_),
    )
    context = {
        "community": community,
        "condition": condition_,
        "has_data": sections is not None,
        "suppression": configured_policy().describe(),
    }
    if sections is None:
        return render(request, "web/needs.html", context)
    context.update(sections)
    grouping = sections["peers"]["grouping"]
    context["peers"] = {
        **sections["peers"],
        "problem": peers_problem,
        "saved": request.GET.get("peers") == "saved" and grouping is not None,
    }
    return render(request, "web/needs.html", context, status=400 if peers_problem else 200)


def needs_sections(user, community, condition_) -> dict | None:
    """The needs page's figures, tables and charts for ``community`` and one condition, from
    the records ``user`` may see; None when there are no registers to work from."""
    practices = community_practices(user, community)
    units = {pk: community.code for pk in practices.values_list("pk", flat=True)}
    registers = visible(user, ConditionRegister).filter(condition=condition_)
    populations = visible(user, PracticePopulation)
    df = register_frame(registers, populations, units)
    if df.empty:
        return None
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
    per_area, all_registers = area_registers(areas, condition_, period_end.date())
    grouping = stored_peer_group(user, community)
    peers = _peer_section(user, grouping, areas, per_area)
    standin = None
    if len(all_registers):
        total = all_registers.assign(u="all")
        standin = crude_proportion(
            total, "register", "list_size", by="u", per=100, name="prevalence"
        ).iloc[0]
    published = published_england(condition_, period_end.date())
    reference = reference_rates(condition_)
    pop = latest_population(populations, list(units), period_end.date())
    diagnosis = _diagnosis_section(latest, pop, reference)
    return {
        "period": f"{period_end.year - 1}/{str(period_end.year)[-2:]}",
        "period_end": period_end.date(),
        "practice_count": len(latest),
        "summary": _summary_row("This community", crude),
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
        "standardised": _standardised_section(
            latest, condition_, period_end.date(), areas, all_registers, peers["ids"]
        ),
        "funnel": _funnel_section(latest, condition_),
        "trend": _trend_section(df, condition_),
        "diagnosis": diagnosis,
        "published_diagnosis": published_diagnosis(
            condition_, community.commissioner, period_end.date()
        ),
        "projection": _projection_section(pop, reference, diagnosis, condition_),
        "projection_years": PROJECTION_YEARS,
    }


def _published_row(observation) -> dict:
    lower, upper = observation.lower, observation.upper
    return {
        "label": "England (published, OHID Fingertips)",
        "register": shown_count(observation.numerator),
        "list_size": shown_count(observation.denominator),
        "prevalence": _pct(observation.value),
        "ci": f"{_pct(lower)} to {_pct(upper)}" if lower is not None and upper is not None else "",
        "prevalence_value": float(observation.value),
        "period": observation.period,
    }


def _all_areas(n: int) -> str:
    return "the only area" if n == 1 else f"all {n} areas"


def _summary_row(label: str, row) -> dict:
    register, list_size = shown_count(row["register"]), shown_count(row["list_size"])
    if SUPPRESSED in (register, list_size):  # the prevalence would give the hidden count back
        return {
            "label": label,
            "register": register,
            "list_size": list_size,
            "prevalence": SUPPRESSED,
            "ci": SUPPRESSED,
            "prevalence_value": None,
        }
    return {
        "label": label,
        "register": register,
        "list_size": list_size,
        "prevalence": _pct(row["prevalence"]),
        "ci": f"{_pct(row['prevalence_lower'])} to {_pct(row['prevalence_upper'])}",
        "prevalence_value": float(row["prevalence"]),
    }
