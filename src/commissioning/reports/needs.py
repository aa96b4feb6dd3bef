"""The needs section: condition registers, prevalence with confidence intervals, diagnosis gap."""

from __future__ import annotations

import pandas as pd
from django.db.models import Max, Sum

from commissioning.analytics.disclosure import (
    SUPPRESSED,
    configured_policy,
    disclosed_count,
    suppress,
    suppress_parts,
)
from commissioning.analytics.needs import crude_proportion, diagnosis_rate
from commissioning.document import COUNT, MONTH, PERCENT, Section, Table
from commissioning.store import models as m
from commissioning.store.communities import community_practices


def practices_of(community):
    """The community's GP practices: the one definition every page uses."""
    return community_practices(community)


def registered_patients(community) -> tuple[int | None, object]:
    """Registered patients of the community's practices on the latest extract date."""
    practices = practices_of(community)
    latest = m.PracticePopulation.objects.filter(organisation__in=practices).aggregate(
        d=Max("date")
    )["d"]
    if latest is None:
        return None, None
    total = m.PracticePopulation.objects.filter(organisation__in=practices, date=latest).aggregate(
        n=Sum("count")
    )["n"]
    return total, latest


def register_table(community) -> tuple[Table, list]:
    """Register size and crude prevalence (Wilson 95% limits) for each condition, latest year."""
    rows = list(
        m.ConditionRegister.objects.filter(organisation__in=practices_of(community)).values(
            "condition__name", "period_end", "register_size", "list_size"
        )
    )
    columns = [
        "Condition",
        "Year ending",
        "Practices",
        "On the register",
        "Patients in age range",
        "Prevalence",
        "Lower 95%",
        "Upper 95%",
    ]
    formats = {
        "On the register": COUNT,
        "Patients in age range": COUNT,
        "Practices": COUNT,
        "Prevalence": PERCENT,
        "Lower 95%": PERCENT,
        "Upper 95%": PERCENT,
    }
    table = Table("registers", "Condition registers and recorded prevalence", columns, [], formats)
    if not rows:
        table.note = "No condition registers are recorded for this community's practices."
        return table, []
    df = pd.DataFrame(rows).rename(columns={"condition__name": "condition"})
    latest = df.groupby("condition")["period_end"].transform("max")
    df = df[(df["period_end"] == latest) & df["list_size"].notna()]
    totals = (
        df.groupby(["condition", "period_end"])
        .agg(
            practices=("register_size", "size"),
            cases=("register_size", "sum"),
            population=("list_size", "sum"),
        )
        .reset_index()
    )
    crude = crude_proportion(totals, by="condition", per=100, name="prevalence")
    totals = totals.merge(
        crude[["condition", "prevalence", "prevalence_lower", "prevalence_upper"]], on="condition"
    )
    shown = suppress(totals, ["cases", "population"], policy=configured_policy())
    hidden = (shown["cases"] == SUPPRESSED) | (shown["population"] == SUPPRESSED)
    for c in ("prevalence", "prevalence_lower", "prevalence_upper"):
        shown[c] = shown[c].astype(object).where(~hidden, SUPPRESSED)
    table.rows = [
        [
            r.condition,
            r.period_end,
            r.practices,
            r.cases,
            r.population,
            r.prevalence,
            r.prevalence_lower,
            r.prevalence_upper,
        ]
        for r in shown.itertuples()
    ]
    table.note = (
        "Recorded prevalence is the register as a share of the patients in the register's age "
        "range, with Wilson score 95% confidence intervals."
    )
    return table, totals.to_dict("records")


def diagnosis_gap_table(observations: pd.DataFrame) -> Table:
    """Diagnosis rate (recorded / expected) and the gap, from each diagnosis-rate indicator."""
    columns = [
        "Indicator",
        "Subject",
        "Month",
        "Recorded",
        "Expected",
        "Rate",
        "Lower 95%",
        "Upper 95%",
        "Gap",
    ]
    formats = {
        "Month": MONTH,
        "Recorded": COUNT,
        "Expected": COUNT,
        "Gap": COUNT,
        "Rate": PERCENT,
        "Lower 95%": PERCENT,
        "Upper 95%": PERCENT,
    }
    table = Table("diagnosis_gap", "Diagnosis rate and diagnosis gap", columns, [], formats)
    if observations.empty:
        table.note = "No diagnosis-rate indicator is observed in this community."
        return table
    dx = observations[
        observations["indicator_name"].str.contains("diagnosis rate", case=False)
        & observations["numerator"].notna()
        & (observations["denominator"] > 0)
    ]
    if dx.empty:
        table.note = "No diagnosis-rate indicator is observed in this community."
        return table
    latest = dx.sort_values("date").groupby("series").tail(1)
    latest = latest.assign(unit=latest["series"], recorded=latest["numerator"])
    rates = diagnosis_rate(latest.rename(columns={"denominator": "expected"}), latest, by="unit")
    rates = rates.merge(latest[["unit", "indicator_name", "subject", "date"]], on="unit")
    rates["gap"] = (rates["expected"] - rates["recorded"]).clip(lower=0)
    policy = configured_policy()  # recorded + gap = expected
    shown = suppress_parts(rates, ["recorded", "gap"], "expected", policy=policy)
    hidden = (shown["recorded"] == SUPPRESSED) | (shown["expected"] == SUPPRESSED)
    # The rate and its limits are worked out from the counts as shown, as every surface works
    # out an observation's value (an exact 45.52% beside rounded counts gives them back, and
    # the monitoring table of the same report shows the value from the rounded counts).
    visible = ~hidden
    if visible.any():
        counts = shown.loc[visible, ["unit", "recorded", "expected"]].astype(
            {"recorded": float, "expected": float}
        )
        again = diagnosis_rate(counts, counts, by="unit").set_index("unit")
        for c in ("diagnosis_rate", "diagnosis_rate_lower", "diagnosis_rate_upper"):
            shown.loc[visible, c] = shown.loc[visible, "unit"].map(again[c]).to_numpy()
    for c in ("diagnosis_rate", "diagnosis_rate_lower", "diagnosis_rate_upper"):
        shown[c] = shown[c].astype(object).where(~hidden, SUPPRESSED)
    table.rows = [
        [
            r.indicator_name,
            r.subject,
            r.date,
            r.recorded,
            r.expected,
            r.diagnosis_rate,
            r.diagnosis_rate_lower,
            r.diagnosis_rate_upper,
            r.gap,
        ]
        for r in shown.itertuples()
    ]
    table.note = (
        "Diagnosis rate = people recorded / people expected from the age and sex of registered "
        "patients, with Byar 95% limits reflecting chance in the recorded count only. The "
        "diagnosis gap is the expected number not (yet) recorded."
    )
    return table


def needs_section(community, observations: pd.DataFrame) -> tuple[Section, list]:
    registers, totals = register_table(community)
    patients, when = registered_patients(community)
    paragraphs = []
    if community.population:
        paragraphs.append(f"Resident population: {community.population:,}.")
    if patients:
        shown = disclosed_count(patients, configured_policy())
        paragraphs.append(
            f"Registered patients in the community's {practices_of(community).count()} GP "
            f"practices: {shown if shown == SUPPRESSED else f'{shown:,}'} "
            f"(extract of {when:%-d %B %Y})."
        )
    paragraphs.append(
        "Age-standardised prevalence needs the register broken down by age band and sex; "
        "registers are recorded here as practice totals, so the comparison across communities "
        "with different age structures is made through the diagnosis rate, which is "
        "indirectly standardised (it compares the register with the number expected from the "
        "age and sex of registered patients)."
    )
    section = Section(
        "needs",
        "Needs: who has the conditions",
        paragraphs=paragraphs,
        tables=[registers, diagnosis_gap_table(observations)],
    )
    return section, totals
