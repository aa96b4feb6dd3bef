"""Needs for one condition in a community: register, prevalence, practices, trend, projection.

The figures come from :mod:`commissioning.analytics.needs` (crude prevalence with Wilson limits,
funnel limits, expected prevalence and diagnosis rate, peer groups, projection); this module only
reads the records into dataframes, calls those functions and suppresses small numbers for
display (:mod:`commissioning.analytics.disclosure`).

Access: the community's own practices, registers and lists are read through the access policy.
The England stand-in (and peers) are totals over every community in the database: they are
shown only as rounded aggregates, never practice by practice. Providers are refused ("page not
found"): the page is about the whole community's practices, which they do not see.
"""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from commissioning.access.policy import scope_of, visible
from commissioning.analytics.disclosure import DEFAULT_POLICY, SUPPRESSED, suppress
from commissioning.analytics.needs import (
    crude_proportion,
    diagnosis_rate,
    expected_prevalence,
    funnel,
    peer_groups,
    project_prevalence,
)
from commissioning.analytics.needs.funnel import LEVELS, proportion_limits
from commissioning.store.models import (
    Condition,
    ConditionRegister,
    Organisation,
    OrganisationKind,
    PracticePopulation,
    Relationship,
    Role,
)
from commissioning.web.access import community_or_404
from commissioning.web.charts import NHS_BLUE, NHS_DARK_GREY, NHS_WARM_YELLOW, chart_spec

#: Communities needed before peers are chosen (each gets PEERS of the others).
PEERS = 5
MIN_COMMUNITIES_FOR_PEERS = PEERS + 1
PROJECTION_YEARS = 10
REFERENCE_RATES = {"dementia": "dementia"}  # condition slug -> set in reference_rates.csv
FLAG_LABELS = {
    "high_998": "Higher than expected (99.8%)",
    "high_95": "Higher than expected (95%)",
    "within": "Within expected range",
    "low_95": "Lower than expected (95%)",
    "low_998": "Lower than expected (99.8%)",
}


def age_from(band: str) -> int:
    """The first age of a band label such as 65-69 or 90+ (-1 when unreadable)."""
    found = re.match(r"\s*(\d+)", str(band))
    return int(found.group(1)) if found else -1


def refuse_providers(user) -> None:
    scope = scope_of(user)
    if scope is not None and scope.role == Role.PROVIDER:
        raise Http404("Not found")


def shown_count(value) -> str:
    """One count of patients as it may be shown: 1-7 as *, others rounded to 5."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "Not known"
    out = suppress(pd.DataFrame({"n": [int(round(value))]}), ["n"])["n"].iloc[0]
    return out if out == SUPPRESSED else f"{int(out):,}"


def _pct(value, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return "Not known"
    return f"{value:.{digits}f}%"


def community_practices(user, community):
    """The community's GP practices the user may see: members, or in its commissioner's area."""
    in_area = Q(
        parent_links__parent_id=community.commissioner_id,
        parent_links__relationship=Relationship.COMMISSIONED_BY,
    )
    return (
        visible(user, Organisation)
        .filter(kind=OrganisationKind.GP_PRACTICE)
        .filter(Q(communities=community) | in_area)
        .distinct()
    )


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


def _all_units() -> dict[int, str]:
    """Every community's practices (for the England stand-in and peers): practice -> code."""
    rows = Organisation.objects.filter(
        kind=OrganisationKind.GP_PRACTICE, communities__isnull=False
    ).values_list("pk", "communities__code")
    return dict(rows)


def _comparators(condition, period_end, own_code: str) -> dict:
    """England stand-in and peers, from every community's registers for the same period."""
    units = _all_units()
    df = register_frame(
        ConditionRegister.objects.filter(condition=condition, period_end=period_end),
        PracticePopulation.objects.all(),
        units,
    )
    out = {"communities": int(df["unit"].nunique()) if len(df) else 0, "peers": None}
    if df.empty:
        out["england"] = None
        return out
    df = df.assign(england="All communities")
    out["england"] = crude_proportion(
        df, "register", "list_size", by="england", per=100, name="prevalence"
    ).iloc[0]
    if out["communities"] >= MIN_COMMUNITIES_FOR_PEERS and own_code in set(df["unit"]):
        older = _share_older(units)
        per_unit = crude_proportion(
            df, "register", "list_size", by="unit", per=100, name="prevalence"
        )
        per_unit = per_unit.merge(older, on="unit", how="left").fillna({"share_65": 0.0})
        peers = peer_groups(per_unit, ["share_65"], unit="unit", k=PEERS)
        mine = peers[peers["unit"] == own_code]["peer"]
        out["peers"] = per_unit[per_unit["unit"].isin(mine)].to_dict("records")
    return out


def _share_older(units: dict[int, str]) -> pd.DataFrame:
    rows = PracticePopulation.objects.filter(organisation_id__in=list(units)).values(
        "organisation_id", "date", "age_band", "count"
    )
    pop = pd.DataFrame(list(rows), columns=["organisation_id", "date", "age_band", "count"])
    if pop.empty:
        return pd.DataFrame(columns=["unit", "share_65"])
    pop = pop[pop["date"] == pop["date"].max()]
    pop["unit"] = pop["organisation_id"].map(units)
    pop["older"] = pop["age_band"].map(age_from) >= 65
    total = pop.groupby("unit")["count"].sum()
    older = pop[pop["older"]].groupby("unit")["count"].sum()
    return pd.DataFrame({"unit": total.index, "share_65": (older / total).fillna(0).to_numpy()})


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


def age_forward(pop: pd.DataFrame, years: int) -> pd.DataFrame:
    """The population aged forward a year at a time, with no births, deaths or migration.

    Each year a fifth of every five-year band moves up to the next band (the top band keeps its
    people). ``pop`` has unit, age_band, sex, population; returns the same with ``year`` offsets
    0 (the base) to ``years``.
    """
    order = sorted(set(pop["age_band"]), key=age_from)
    frames = []
    for sex, part in pop.groupby("sex"):
        counts = part.set_index("age_band")["population"].reindex(order).fillna(0).to_numpy(float)
        for y in range(years + 1):
            frames.append(
                pd.DataFrame({"age_band": order, "sex": sex, "population": counts, "offset": y})
            )
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
    shown = suppress(
        f, ["register", "list_size"], derived={"prevalence": ("register", "list_size")}
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
    shown = suppress(per_year, ["register", "list_size"])
    rows = [
        {
            "year": f"{y - 1}/{str(y)[-2:]}",
            "register": _fmt(shown.at[i, "register"]),
            "list_size": _fmt(shown.at[i, "list_size"]),
            "prevalence": _pct(per_year.at[i, "prevalence"]),
            "ci": f"{_pct(per_year.at[i, 'prevalence_lower'])} to "
            f"{_pct(per_year.at[i, 'prevalence_upper'])}",
        }
        for i, y in zip(per_year.index, per_year["year"], strict=True)
    ]
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
    return {
        "recorded": shown_count(dx["recorded"]),
        "expected": shown_count(dx["expected"]),
        "gap": shown_count(max(0.0, dx["expected"] - dx["recorded"])),
        "rate": _pct(dx["diagnosis_rate"], 1),
        "ci": f"{_pct(dx['diagnosis_rate_lower'], 1)} to {_pct(dx['diagnosis_rate_upper'], 1)}",
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
        "reference age-sex rates constant."
    )
    return {
        "rows": rows,
        "spec": chart_spec(projection_chart(long, f"{condition.name}: projection")),
        "description": description,
        "base_year": base_year,
    }


def needs(request, code: str, condition: str):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    condition_ = get_object_or_404(Condition, slug=condition)
    user = request.user
    practices = community_practices(user, community)
    units = {pk: community.code for pk in practices.values_list("pk", flat=True)}
    registers = visible(user, ConditionRegister).filter(condition=condition_)
    populations = visible(user, PracticePopulation)
    df = register_frame(registers, populations, units)
    context = {
        "community": community,
        "condition": condition_,
        "has_data": not df.empty,
        "suppression": DEFAULT_POLICY.describe(),
    }
    if df.empty:
        return render(request, "web/needs.html", context)
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
    comparators = _comparators(condition_, period_end.date(), community.code)
    reference = reference_rates(condition_)
    pop = latest_population(populations, list(units), period_end.date())
    diagnosis = _diagnosis_section(latest, pop, reference)
    england = comparators["england"]
    context.update(
        {
            "period": f"{period_end.year - 1}/{str(period_end.year)[-2:]}",
            "period_end": period_end.date(),
            "practice_count": len(latest),
            "summary": _summary_row("This community", crude),
            "england": _summary_row(
                f"All {comparators['communities']} communities in the database", england
            )
            if england is not None
            else None,
            "community_count": comparators["communities"],
            "peers": [_summary_row(p["unit"], p) for p in comparators["peers"] or []],
            "peers_possible": comparators["peers"] is not None,
            "min_communities_for_peers": MIN_COMMUNITIES_FOR_PEERS,
            "funnel": _funnel_section(latest, condition_),
            "trend": _trend_section(df, condition_),
            "diagnosis": diagnosis,
            "projection": _projection_section(pop, reference, diagnosis, condition_),
            "projection_years": PROJECTION_YEARS,
        }
    )
    return render(request, "web/needs.html", context)


def _summary_row(label: str, row) -> dict:
    return {
        "label": label,
        "register": shown_count(row["register"]),
        "list_size": shown_count(row["list_size"]),
        "prevalence": _pct(row["prevalence"]),
        "ci": f"{_pct(row['prevalence_lower'])} to {_pct(row['prevalence_upper'])}",
        "prevalence_value": float(row["prevalence"]),
    }
