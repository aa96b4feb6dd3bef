"""The effective-commissioning scorecard: one measure for each of nine commissioning activities.

Every measure is a share: a numerator and a denominator counted from stored records, a value
(numerator / denominator; None when the denominator is zero), a status read from configurable
thresholds (``scorecard.toml``: met, partly met, not met, or no data) and a drill-down listing
the records that make it up. docs/guide/scorecard.md gives each definition in full.

``frames`` is any object with the dataframes of :mod:`commissioning.store.frames` as attributes
(a ``CommunityFrames``), so this module never touches the database.

The scorecard period runs from ``start`` (default: the beginning of the records) to ``as_of``
(default: the date of the latest dated record, see :func:`default_as_of`). Work counts when its
activity is dated in the period.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from commissioning.analytics.work.labour import stage_hours
from commissioning.analytics.work.participation import (
    OUTSIDE_COMMISSIONER,
    with_groups,
)
from commissioning.analytics.work.spend import financial_year, latest_year, pareto
from commissioning.errors import located

DEFAULT_FILE = Path(__file__).with_name("scorecard.toml")
MET, PARTLY, NOT_MET, NO_DATA = "met", "partly met", "not met", "no data"
SUPPORT_ROLES = {"finance", "contracts", "public_health"}
BAND = {"met_low", "met_high", "partly_low", "partly_high"}

MEASURES = [
    {
        "id": "convening",
        "name": "Convening stakeholders",
        "definition": "Share of the meetings and engagement events on developments in the "
        "period that brought in people from at least {convening_groups} stakeholder groups "
        "besides the commissioner (clinicians, providers, third sector, patients or carers, "
        "local authority).",
        "numerator_definition": "Meetings and engagement events with people from at least "
        "{convening_groups} stakeholder groups besides the commissioner",
        "denominator_definition": "Meetings and engagement events on developments in the period",
    },
    {
        "id": "whole_budget",
        "name": "Whole-budget priority setting",
        "definition": "Share of the community's whole commissioned spend in the latest financial "
        "year (every contract running in the year at its annual value, and the spend on "
        "services no contract covers) that went on services covered by a development with "
        "needs-assessment or planning work in the period: how much of the budget, not just "
        "the margin, was looked at when setting priorities.",
        "numerator_definition": "Spend (latest financial year) on services linked to a "
        "development with needs-assessment or planning work in the period",
        "denominator_definition": "The whole commissioned spend of the latest financial year",
    },
    {
        "id": "relational_balance",
        "name": "Balance of relational and contractual work",
        "definition": "Share of the hours of commissioning work in the period that were "
        "relational (convening, negotiating, building agreement) rather than technical "
        "(analysis, specifications, contracts, finance). Met inside a band: both kinds of work "
        "are needed.",
        "numerator_definition": "Hours of relational work in the period",
        "denominator_definition": "All hours of work recorded in the period",
    },
    {
        "id": "monitoring_feeds_review",
        "name": "Monitoring that feeds review",
        "definition": "Share of the review decisions recorded in the period (decisions on a "
        "development on or after its go-live: to continue, change, re-commission or "
        "decommission a service) that cite a monitoring chart of one of its indicators.",
        "numerator_definition": "Review decisions citing a monitoring chart",
        "denominator_definition": "Decisions recorded in the period on developments on or "
        "after their go-live date",
    },
    {
        "id": "shared_risk",
        "name": "Shared risk and long horizons",
        "definition": "Share of the contracts running at the end of the period that share "
        "financial risk between commissioner and provider "
        "(a cost-and-volume or aligned payment and incentive contract, or a recorded "
        "arrangement that shares or pools risk, gains or losses) and run for at least "
        "{long_horizon_years} years.",
        "numerator_definition": "Running contracts that share risk and run for "
        "{long_horizon_years} years or more",
        "denominator_definition": "Contracts running at the end of the period",
    },
    {
        "id": "manager_support",
        "name": "Support for commissioning managers",
        "definition": "Share of the activities on developments in the period in which a "
        "commissioning manager took part where a finance, contracts or public health "
        "specialist took part too.",
        "numerator_definition": "Those activities with a finance, contracts or public health "
        "specialist taking part",
        "denominator_definition": "Activities on developments in the period in which a "
        "commissioning manager took part",
    },
    {
        "id": "clinical_involvement",
        "name": "Clinical involvement",
        "definition": "Share of the activities on developments in the period in which a "
        "clinician (GP, hospital consultant, specialist nurse or anyone flagged a clinician) "
        "took part.",
        "numerator_definition": "Activities on developments with a clinician taking part",
        "denominator_definition": "Activities on developments in the period",
    },
    {
        "id": "measurable_objectives",
        "name": "Specific, measurable objectives",
        "definition": "Share of new or re-commissioned services (developments that went live or "
        "had procurement and contracting work in the period) with at least one specific, "
        "measurable objective: an indicator, a target value and a target date.",
        "numerator_definition": "Those developments with at least one objective naming an "
        "indicator, a target value and a target date",
        "denominator_definition": "Developments with a go-live date or procurement and "
        "contracting work in the period",
    },
    {
        "id": "costliest_reviewed",
        "name": "Review of the services that cost most",
        "definition": "Share of the services that together make up {pareto_share:.0%} of the "
        "latest financial year's spend that were reviewed in the {review_years} years up to the "
        "end of the period.",
        "numerator_definition": "Of those services, the ones reviewed within {review_years} years",
        "denominator_definition": "The fewest services, largest first, making up "
        "{pareto_share:.0%} of the latest financial year's spend",
    },
]


@dataclass
class Measure:
    id: str
    name: str
    definition: str
    numerator_definition: str
    denominator_definition: str
    numerator: float
    denominator: float
    value: float | None
    status: str
    drilldown: pd.DataFrame = field(repr=False)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "definition": self.definition,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
            "status": self.status,
        }


@dataclass
class Scorecard:
    community: str
    start: pd.Timestamp | None
    as_of: pd.Timestamp
    measures: list[Measure]
    changes: pd.DataFrame  # organisational changes in the period (context)

    def table(self) -> pd.DataFrame:
        rows = [{"community": self.community, **m.as_dict()} for m in self.measures]
        return pd.DataFrame(rows)

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_thresholds(path: str | Path | None = None) -> dict:
    """The default thresholds and settings, overridden by those in ``path`` when given."""

    def read(p: Path) -> dict:
        if not p.exists():
            raise located(str(p), None, None, "no such file")
        try:
            return tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise located(str(p), None, None, f"is not a readable TOML file ({exc})") from None

    config = read(DEFAULT_FILE)
    if path is not None:
        config = _merge(config, read(Path(path)))
        known = {m["id"] for m in MEASURES}
        for key in config.get("measures", {}):
            if key not in known:
                raise located(
                    str(path),
                    None,
                    f"measures.{key}",
                    f"is not a scorecard measure (measures: {', '.join(sorted(known))})",
                )
        for key in ("review_years", "pareto_share", "long_horizon_years", "convening_groups"):
            value = config["settings"].get(key)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise located(
                    str(path),
                    None,
                    f"settings.{key}",
                    f"expected a number above 0, found {value!r}",
                )
        for key, entry in config["measures"].items():
            for name, value in entry.items():
                if not isinstance(value, int | float) or not 0 <= value <= 1:
                    raise located(
                        str(path),
                        None,
                        f"measures.{key}.{name}",
                        f"expected a share between 0 and 1, found {value!r}",
                    )
    for key, entry in config["measures"].items():
        if not ({"met", "partly"} <= set(entry) or set(entry) >= BAND):
            raise located(
                str(path or DEFAULT_FILE),
                None,
                f"measures.{key}",
                "needs 'met' and 'partly' (or, for a band, met_low, met_high, partly_low and "
                "partly_high)",
            )
    return config


def status(value: float | None, limits: dict) -> str:
    """Met / partly met / not met from ``limits``; no data when there is no value."""
    if value is None:
        return NO_DATA
    if set(limits) >= BAND:
        if limits["met_low"] <= value <= limits["met_high"]:
            return MET
        if limits["partly_low"] <= value <= limits["partly_high"]:
            return PARTLY
        return NOT_MET
    if value >= limits["met"]:
        return MET
    if value >= limits["partly"]:
        return PARTLY
    return NOT_MET


def default_as_of(frames) -> pd.Timestamp:
    """The date of the latest dated record: activities, development dates, reviews, changes,
    contract starts and the end of the latest financial year with spend; never after today."""
    dates = [
        frames.activities["date"].max(),
        frames.developments[["start_date", "go_live_date", "end_date"]].max().max(),
        frames.services["last_reviewed"].max(),
        frames.changes["date"].max(),
        frames.contracts["start_date"].max(),
    ]
    year = latest_year(frames.spend)
    if year is not None:
        dates.append(pd.Timestamp(year + 1, 3, 31))
    dates = [d for d in dates if pd.notna(d)]
    today = pd.Timestamp.today().normalize()
    return min(max(dates), today) if dates else today


def _value(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def _titles(frames) -> pd.DataFrame:
    return frames.developments[["development_id", "title"]]


def _period_work(frames, start, as_of) -> pd.DataFrame:
    """Stage-split hours of activities dated in the period, with stakeholder groups."""
    acts = frames.activities
    in_period = acts["date"] <= as_of
    if start is not None:
        in_period &= acts["date"] >= start
    split = stage_hours(acts[in_period], frames.activity_stages, frames.participations)
    return with_groups(split) if not split.empty else split.assign(group=None, clinical=None)


def _period_activities(frames, start, as_of) -> pd.DataFrame:
    acts = frames.activities
    keep = acts["date"] <= as_of
    if start is not None:
        keep &= acts["date"] >= start
    return acts[keep].merge(frames.activity_stages, on="activity_id", how="left")


def _devs_with_work(work: pd.DataFrame) -> pd.DataFrame:
    return work[work["development_id"].notna()]


CONVENING_KINDS = ("meeting", "engagement")


def _per_activity(frames, acts) -> pd.DataFrame:
    """The activities on developments dated in the period, one row each, with the title of
    their development."""
    a = _devs_with_work(acts).drop_duplicates("activity_id")
    a = a[["activity_id", "development_id", "date", "title", "kind"]]
    d = frames.developments[["development_id", "title"]].rename(columns={"title": "development"})
    a = a.merge(d, on="development_id", how="left")
    return a.sort_values(["date", "activity_id"], ignore_index=True)


def _who(work: pd.DataFrame, column: str, keep=None) -> dict:
    """For each activity, the set of ``column`` values of those taking part (``keep`` filters
    the participations)."""
    w = _devs_with_work(work)
    if keep is not None and len(w):
        w = w[keep(w)]
    found: dict = {}
    for activity, value in zip(w["activity_id"], w[column], strict=True):
        found.setdefault(activity, set()).add(value)
    return found


def _listed(values) -> str:
    return ", ".join(sorted(values))


def m_convening(frames, work, acts, config, **_):
    need = int(config["settings"]["convening_groups"])
    dd = _per_activity(frames, acts)
    dd = dd[dd["kind"].isin(CONVENING_KINDS)].reset_index(drop=True)
    groups = _who(work, "group")
    outside = [groups.get(a, set()) & set(OUTSIDE_COMMISSIONER) for a in dd["activity_id"]]
    dd["groups"] = pd.Series([_listed(g) for g in outside], index=dd.index, dtype=object)
    dd["counted"] = pd.Series([len(g) >= need for g in outside], index=dd.index, dtype=bool)
    return float(dd["counted"].sum()), float(len(dd)), dd


def _year_upto(spend: pd.DataFrame, as_of) -> int | None:
    """The latest financial year with spend that has begun by ``as_of``."""
    return latest_year(spend[spend["financial_year"] <= financial_year(as_of)])


def whole_spend(frames, year: int | None) -> pd.DataFrame:
    """The community's whole commissioned spend in financial ``year``: every contract running
    at some time in the year at its annual value, and the recorded spend on each service that
    no contract running in the year covers. One row per contract or uncovered service."""
    cols = ["contract_id", "reference", "service_id", "service", "provider", "amount"]
    if year is None:
        return pd.DataFrame(columns=cols)
    begin, end = pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 3, 31)
    c = frames.contracts
    running = c[(c["start_date"] <= end) & (c["end_date"] >= begin)]
    rows = running.assign(service_id=pd.NA, service=None, amount=running["annual_value"])
    under = set(
        frames.contract_services.loc[
            frames.contract_services["contract_id"].isin(running["contract_id"]), "service_id"
        ]
    )
    spend = frames.spend[frames.spend["financial_year"] == year]
    alone = spend[~spend["service_id"].isin(under)].groupby("service_id")["amount"].sum()
    alone = alone.reset_index().merge(
        frames.services[["service_id", "name", "provider"]], on="service_id", how="left"
    )
    alone = alone.rename(columns={"name": "service"}).assign(contract_id=pd.NA, reference=None)
    parts = [p[cols] for p in (rows, alone) if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def m_whole_budget(frames, work, acts, config, as_of, **_):
    year = _year_upto(frames.spend, as_of)
    spend = frames.spend[frames.spend["financial_year"] == year]
    by_service = spend.groupby("service_id")["amount"].sum().reset_index()
    planned = acts[acts["stage"].isin(["needs_assessment", "planning"])]["development_id"]
    devs = set(planned.dropna())
    links = frames.development_services[frames.development_services["development_id"].isin(devs)]
    covered = set(links["service_id"])
    dd = by_service.merge(
        frames.services[["service_id", "name", "provider"]], on="service_id", how="left"
    ).rename(columns={"name": "service"})
    dd["financial_year"] = year
    dd["counted"] = dd["service_id"].isin(covered)
    dd = dd.sort_values(["amount", "service"], ascending=[False, True], ignore_index=True)
    num = float(dd.loc[dd["counted"], "amount"].sum())
    recorded = float(dd["amount"].sum())
    if recorded == 0:  # no spend recorded in the year: nothing to measure
        return num, 0.0, dd
    # The whole is never less than the spend recorded on services (records can disagree).
    return num, max(float(whole_spend(frames, year)["amount"].sum()), recorded), dd


def m_relational_balance(frames, work, acts, config, **_):
    if work.empty:
        return 0.0, 0.0, pd.DataFrame(columns=["activity_id", "date", "nature", "hours"])
    dd = work.groupby(["activity_id", "date", "nature"], as_index=False)["hours"].sum()
    dd["counted"] = dd["nature"] == "relational"
    dd = frames.activities[["activity_id", "title"]].merge(dd, on="activity_id")
    dd = dd.sort_values(["date", "title"], ignore_index=True)
    return float(dd.loc[dd["counted"], "hours"].sum()), float(dd["hours"].sum()), dd


def m_monitoring_feeds_review(frames, work, acts, config, start, as_of, **_):
    d = frames.developments[["development_id", "title", "go_live_date"]]
    d = d.rename(columns={"title": "development"})
    dec = frames.decisions.merge(d, on="development_id", how="inner")
    keep = dec["go_live_date"].notna() & (dec["date"] >= dec["go_live_date"])
    keep &= dec["date"] <= as_of
    if start is not None:
        keep &= dec["date"] >= start
    dd = dec[keep].copy()
    links = frames.decision_links
    cites = set(links.loc[links["kind"] == "monitoring", "decision_id"])
    dd["cites_monitoring"] = dd["decision_id"].isin(cites)
    dd["counted"] = dd["cites_monitoring"]
    dd = dd[["decision_id", "development", "date", "title", "cites_monitoring", "counted"]]
    dd = dd.sort_values(["date", "decision_id"], ignore_index=True)
    return float(dd["counted"].sum()), float(len(dd)), dd


def m_shared_risk(frames, work, acts, config, as_of, **_):
    years = float(config["settings"]["long_horizon_years"])
    c = frames.contracts
    running = c[(c["start_date"] <= as_of) & (c["end_date"] >= as_of)].copy()
    term = (running["end_date"] - running["start_date"]).dt.days / 365.25
    running["term_years"] = term.round(1)
    words = "|".join(re.escape(w) for w in config["settings"]["risk_sharing_words"])
    text = running["risk_share"].fillna("")
    mentions = text.str.contains(rf"\b(?:{words})", case=False, regex=True) if words else False
    forms = running["payment_form"].isin(config["settings"]["risk_sharing_forms"])
    running["risk_shared"] = forms | mentions
    # A term of N years runs to the day before the N-year anniversary of its start.
    months = round(years * 12)
    long = [
        e >= st + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        for st, e in zip(running["start_date"], running["end_date"], strict=True)
    ]
    running["long_horizon"] = pd.Series(long, index=running.index, dtype=bool)
    running["counted"] = running["risk_shared"] & running["long_horizon"]
    dd = running[
        [
            "contract_id",
            "reference",
            "provider",
            "annual_value",
            "term_years",
            "long_horizon",
            "risk_shared",
            "counted",
        ]
    ].sort_values(["annual_value", "reference"], ascending=[False, True], ignore_index=True)
    return float(dd["counted"].sum()), float(len(dd)), dd


def m_manager_support(frames, work, acts, config, **_):
    dd = _per_activity(frames, acts)
    roles = _who(work, "role_type")
    led = [("commissioning_manager" in roles.get(a, set())) for a in dd["activity_id"]]
    dd = dd[pd.Series(led, index=dd.index, dtype=bool)].reset_index(drop=True)
    support = [roles[a] & SUPPORT_ROLES for a in dd["activity_id"]]
    dd["support"] = pd.Series([_listed(s) for s in support], index=dd.index, dtype=object)
    dd["counted"] = pd.Series([bool(s) for s in support], index=dd.index, dtype=bool)
    return float(dd["counted"].sum()), float(len(dd)), dd


def m_clinical_involvement(frames, work, acts, config, **_):
    dd = _per_activity(frames, acts)
    clin = _who(work, "role_type", keep=lambda w: w["clinical"].astype(bool))
    found = [clin.get(a, set()) for a in dd["activity_id"]]
    dd["clinicians"] = pd.Series([_listed(c) for c in found], index=dd.index, dtype=object)
    dd["counted"] = pd.Series([bool(c) for c in found], index=dd.index, dtype=bool)
    return float(dd["counted"].sum()), float(len(dd)), dd


def m_measurable_objectives(frames, work, acts, config, start, as_of, **_):
    d = frames.developments
    live = d["go_live_date"].notna() & (d["go_live_date"] <= as_of)
    if start is not None:
        live &= d["go_live_date"] >= start
    procured = set(acts.loc[acts["stage"] == "procurement", "development_id"].dropna())
    chosen = d[live | d["development_id"].isin(procured)]
    ob = frames.objectives
    measurable = ob[
        ob["indicator_id"].notna() & ob["target_value"].notna() & ob["target_date"].notna()
    ]
    counts = measurable.groupby("development_id").size()
    all_counts = ob.groupby("development_id").size()
    dd = chosen[["development_id", "title", "go_live_date"]].copy()
    dd["objectives"] = dd["development_id"].map(all_counts).fillna(0).astype(int)
    dd["measurable_objectives"] = dd["development_id"].map(counts).fillna(0).astype(int)
    dd["counted"] = dd["measurable_objectives"] > 0
    dd = dd.sort_values("title", ignore_index=True)
    return float(dd["counted"].sum()), float(len(dd)), dd


def m_costliest_reviewed(frames, work, acts, config, as_of, **_):
    s = config["settings"]
    table = pareto(
        frames.spend,
        frames.services,
        as_of=as_of,
        year=_year_upto(frames.spend, as_of),
        share=float(s["pareto_share"]),
        review_years=float(s["review_years"]),
    )
    dd = table[table["in_pareto"].astype(bool)].rename(columns={"reviewed": "counted"})
    dd = dd.reset_index(drop=True)
    return float(dd["counted"].sum()), float(len(dd)), dd


CALCULATORS = {
    "convening": m_convening,
    "whole_budget": m_whole_budget,
    "relational_balance": m_relational_balance,
    "monitoring_feeds_review": m_monitoring_feeds_review,
    "shared_risk": m_shared_risk,
    "manager_support": m_manager_support,
    "clinical_involvement": m_clinical_involvement,
    "measurable_objectives": m_measurable_objectives,
    "costliest_reviewed": m_costliest_reviewed,
}


def scorecard(frames, *, config: dict | None = None, start=None, as_of=None) -> Scorecard:
    """The nine measures for one community's ``frames`` over the period ``start`` to ``as_of``."""
    config = config or load_thresholds()
    as_of = default_as_of(frames) if as_of is None else pd.Timestamp(as_of)
    start = None if start is None else pd.Timestamp(start)
    work = _period_work(frames, start, as_of)
    acts = _period_activities(frames, start, as_of)
    settings = config["settings"]
    measures = []
    for spec in MEASURES:
        num, den, drill = CALCULATORS[spec["id"]](
            frames, work, acts, config, start=start, as_of=as_of
        )
        value = _value(num, den)
        measures.append(
            Measure(
                id=spec["id"],
                name=spec["name"],
                definition=spec["definition"].format(**settings),
                numerator_definition=spec["numerator_definition"].format(**settings),
                denominator_definition=spec["denominator_definition"].format(**settings),
                numerator=num,
                denominator=den,
                value=value,
                status=status(value, config["measures"][spec["id"]]),
                drilldown=drill,
            )
        )
    changes = frames.changes[frames.changes["date"] <= as_of]
    if start is not None:
        changes = changes[changes["date"] >= start]
    return Scorecard(
        community=frames.code,
        start=start,
        as_of=as_of,
        measures=measures,
        changes=changes.reset_index(drop=True),
    )


def by_year(frames, *, config: dict | None = None, as_of=None) -> pd.DataFrame:
    """The scorecard of each financial year (April to March) from the year of the first activity
    to the year of ``as_of`` (default: :func:`default_as_of`): one row per year and measure,
    each year's card over that year alone (its last year ends at ``as_of``)."""
    config = config or load_thresholds()
    as_of = default_as_of(frames) if as_of is None else pd.Timestamp(as_of)
    columns = ["financial_year", "id", "name", "numerator", "denominator", "value", "status"]
    dates = frames.activities["date"].dropna()
    if dates.empty:
        return pd.DataFrame(columns=columns)
    first, last = financial_year(dates.min()), financial_year(as_of)
    rows = []
    for year in range(first, last + 1):
        end = min(pd.Timestamp(year + 1, 3, 31), as_of)
        card = scorecard(frames, config=config, start=pd.Timestamp(year, 4, 1), as_of=end)
        rows += [{"financial_year": year, **m.as_dict()} for m in card.measures]
    return pd.DataFrame(rows, columns=columns)
