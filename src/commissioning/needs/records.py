"""The records the needs pages, the board report's needs section and the needs API read.

- **The community's own records** are read through the access policy
  (:func:`commissioning.access.policy.visible`): its GP practices (the one definition,
  :func:`commissioning.store.communities.community_practices`), their condition registers (with
  the list type each list size counts), registers by age band and sex, registered patients, the
  stored peer group, the indicator observations of the community (for the recorded diagnosis
  rates: :func:`commissioning.monitoring.records.observation_table`, the monitoring pages' own
  reading) and the objectives of its developments.
- **Other areas** (peers, the England stand-in: :mod:`commissioning.needs.peers`) and
  **England's published figures** (OHID Fingertips prevalence, the published diagnosis rate) are
  read without the user's scope: they are totals over other areas, shown only as rounded
  aggregates, never practice by practice.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Count, F, Max, Sum

from commissioning.access.policy import visible
from commissioning.monitoring.records import observation_table
from commissioning.needs.peers import Area, area_pairs, populations_at
from commissioning.store.communities import community_practices as store_community_practices
from commissioning.store.models import (
    AgeSexRegister,
    Condition,
    ConditionRegister,
    Grouping,
    GroupingKind,
    Indicator,
    Objective,
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
#: Recorded diagnosis rates (monthly, by organisation), by condition slug, newest definition
#: first: Primary Care Dementia Data / Recorded Dementia Diagnoses (people aged 65 and over
#: against CFAS II, from 2017), as the dementia-diagnosis importer stores them, and the PCT era's
#: rate (all ages, against the Dementia UK estimate) where a community's data are of that time.
PUBLISHED_DIAGNOSIS = {"dementia": ("DEM_DX", "PCT_DEM_DX")}
#: Indicators whose name says this are diagnosis rates (recorded against an expected number).
DIAGNOSIS_RATE_WORDS = "diagnosis rate"
REFERENCE_RATES = {"dementia": "dementia"}  # condition slug -> set in reference_rates.csv

REGISTER_COLUMNS = [
    "organisation_id",
    "organisation__name",
    "organisation__ods_code",
    "period_end",
    "register_size",
    "list_size",
    "list_type",
]


def community_practices(user, community):
    """The community's GP practices (its members that are practices: the one definition the
    report, the peers and every page use) that the user may see."""
    return visible(user, store_community_practices(community))


def registers(user, condition=None):
    """The condition registers ``user`` may read (of one condition, when given)."""
    qs = visible(user, ConditionRegister)
    return qs if condition is None else qs.filter(condition=condition)


def populations(user):
    return visible(user, PracticePopulation)


def _list_sizes(populations) -> pd.DataFrame:
    rows = populations.values("organisation_id", "date").annotate(patients=Sum("count"))
    return pd.DataFrame(list(rows), columns=["organisation_id", "date", "patients"])


def register_frame(registers, populations, units: dict[int, str]) -> pd.DataFrame:
    """One row per practice and period: unit, practice, register, list_size, list_type.

    A register without a list size takes the practice's latest list extract on or before the
    period end (the whole list: its list type is then TOTAL); rows with neither are left out.
    ``list_type`` is QOF's PATIENT_LIST_TYPE of the list size ("" when not known).
    """
    rows = list(registers.filter(organisation_id__in=list(units)).values(*REGISTER_COLUMNS))
    df = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
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
                df.at[i, "list_type"] = "TOTAL"
    df = df[df["list_size"].notna() & (df["list_size"] > 0)].copy()
    df["unit"] = df["organisation_id"].map(units)
    df["practice"] = df["organisation__name"]
    df["register"] = df["register_size"].astype(float)
    df["list_size"] = df["list_size"].astype(float)
    df["list_type"] = df["list_type"].fillna("").astype(str)
    df["period_end"] = pd.to_datetime(df["period_end"])
    return df


def community_registers(user, community, condition) -> pd.DataFrame:
    """The registers of the community's practices that ``user`` may read, every year
    (:func:`register_frame`, unit = the community's code)."""
    units = {
        pk: community.code
        for pk in community_practices(user, community).values_list("pk", flat=True)
    }
    return register_frame(registers(user, condition), populations(user), units)


def held_conditions(user, community) -> list[dict]:
    """Each condition with registers for the community's practices: slug, name, the latest
    year's end and how many practices have a register in any year."""
    practice_ids = list(community_practices(user, community).values_list("pk", flat=True))
    rows = (
        registers(user)
        .filter(organisation_id__in=practice_ids)
        .values("condition__slug", "condition__name")
        .annotate(latest=Max("period_end"), practices=Count("organisation", distinct=True))
        .order_by("condition__name")
    )
    return [
        {
            "slug": r["condition__slug"],
            "name": r["condition__name"],
            "latest": r["latest"],
            "practices": r["practices"],
        }
        for r in rows
    ]


def other_conditions(slugs) -> list:
    return list(Condition.objects.exclude(slug__in=list(slugs)).order_by("name"))


# ---------------------------------------------------------------------------------- areas


def area_registers(areas: dict[int, Area], condition, period_end) -> tuple[pd.DataFrame, pd.Series]:
    """Register and list size per area, and over every organisation in any area (counted once).

    Read without a user's scope: other areas are only ever shown as rounded totals."""
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


# ------------------------------------------------------------------- recorded diagnosis rates

DIAGNOSIS_COLUMNS = [
    "key",
    "indicator",
    "indicator_name",
    "source",
    "subject",
    "kind",
    "date",
    "value",
    "numerator",
    "denominator",
    "patient_counts",
]


def diagnosis_observations(user, community) -> pd.DataFrame:
    """The latest observation (with its counts) of each diagnosis-rate series of the community
    that ``user`` may read: a published diagnosis rate such as DEM_DX, an indicator whose name
    says "diagnosis rate", recorded with a numerator and an expected number (denominator).

    Read by the monitoring pages' own reading (:func:`observation_table`), so the value is the
    one every surface shows."""
    found = observation_table(community, user=user)
    named = found["indicator_name"].str.contains(DIAGNOSIS_RATE_WORDS, case=False, regex=False)
    dx = found[named & found["numerator"].notna() & (found["denominator"] > 0)]
    if dx.empty:
        return pd.DataFrame(columns=DIAGNOSIS_COLUMNS)
    latest = dx.sort_values("date").groupby("series").tail(1).sort_values(["indicator", "subject"])
    sources = dict(  # indicators are shared reference data
        Indicator.objects.filter(pk__in=list(latest["indicator_id"])).values_list("pk", "source")
    )
    return pd.DataFrame(
        {
            "key": latest["series"],
            "indicator": latest["indicator"],
            "indicator_name": latest["indicator_name"],
            "source": latest["indicator_id"].map(sources).fillna(""),
            "subject": latest["subject"],
            "kind": "community",
            "date": latest["date"],
            "value": latest["value"],
            "numerator": latest["numerator"],
            "denominator": latest["denominator"],
            "patient_counts": latest["patient_counts"],
        }
    ).reset_index(drop=True)


def england_diagnosis(condition, codes=None) -> pd.DataFrame:
    """England's latest published diagnosis rate for the condition (e.g. DEM_DX), with its
    counts: national reference data, read without a user's scope. ``codes``: the indicators to
    look for, in order (the commissioner's own, so both rows follow one definition); by default
    the condition's, newest definition first."""
    obs = None
    for code in codes or PUBLISHED_DIAGNOSIS.get(condition.slug, ()):
        obs = (
            Observation.objects.filter(
                indicator__code=code,
                organisation__ods_code=ENGLAND_CODE,
                numerator__isnull=False,
                denominator__gt=0,
            )
            .select_related("indicator")
            .order_by("-period")
            .first()
        )
        if obs is not None:
            break
    if obs is None:
        return pd.DataFrame(columns=DIAGNOSIS_COLUMNS)
    return pd.DataFrame(
        [
            {
                "key": f"{code} | England",
                "indicator": code,
                "indicator_name": obs.indicator.name,
                "source": obs.indicator.source,
                "subject": "England",
                "kind": "england",
                "date": pd.Timestamp(obs.period),
                "value": obs.value,
                "numerator": float(obs.numerator),
                "denominator": float(obs.denominator),
                "patient_counts": bool(obs.indicator.patient_counts),
            }
        ],
        columns=DIAGNOSIS_COLUMNS,
    )


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


def registered_patients(user, community) -> tuple[int | None, dt.date | None, int]:
    """Registered patients of the community's practices that ``user`` may see on their latest
    extract date, that date, and how many practices the community has."""
    practices = community_practices(user, community)
    ids = list(practices.values_list("pk", flat=True))
    pops = populations(user).filter(organisation_id__in=ids)
    latest = pops.aggregate(d=Max("date"))["d"]
    if latest is None:
        return None, None, len(ids)
    total = pops.filter(date=latest).aggregate(n=Sum("count"))["n"]
    return total, latest, len(ids)


def objectives_on(user, community, indicator_codes) -> list:
    """The objectives of the community's developments measured by these indicators."""
    if not indicator_codes:
        return []
    return list(
        visible(user, Objective)
        .filter(development__community=community, indicator__code__in=list(indicator_codes))
        .select_related("development", "indicator")
        .order_by("development__start_date", "development__title", "pk")
    )
