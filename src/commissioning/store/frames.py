"""Read one commissioning community's records into plain pandas dataframes.

This is the only place the practice-of-commissioning analytics touch Django: everything in
:mod:`commissioning.analytics.work` takes the dataframes below and nothing else, so it can
be tested on hand-built tables.

Schema (one dataframe per attribute of :class:`CommunityFrames`; dates are pandas timestamps,
money and hours are floats, identifiers are integers):

``activities``
    activity_id, community, development_id (nullable), date, title, kind, nature
``activity_stages``
    activity_id, stage (code, e.g. ``procurement``), stage_order (1-8)
``participations``
    activity_id, person_id, person, role_type, is_clinician, organisation_kind (may be empty),
    hours
``developments``
    development_id, community, slug, title, status, size_of_change, start_date, end_date,
    go_live_date, parent_id (nullable)
``development_services``
    development_id, service_id
``development_conditions``
    development_id, condition
``objectives``
    objective_id, development_id, description, indicator_id (nullable), indicator_code,
    polarity, baseline_value, target_value, target_date, latest_value, latest_period
    (the latest observation with a value for the indicator on the development's services,
    falling back to any observation of the indicator in the community; the value as every
    surface shows it, empty where it rests on a small count of patients)
``drivers``
    driver_id, title, kind, issuer, year
``development_drivers``
    development_id, driver_id
``services``
    service_id, community, name, provider_id, provider, provider_kind, setting, start_date,
    end_date, last_reviewed
``service_conditions``
    service_id, condition
``contracts``
    contract_id, community, reference, title, provider_id, provider, provider_kind,
    payment_form, procurement_route, start_date, end_date, annual_value, risk_share
``contract_services``
    contract_id, service_id
``spend``
    service_id, financial_year (the year it starts: 2011 means 2011/12), amount
``incentives``
    contract_id, scheme, financial_year, percent, value (as recorded; may be empty)
``observations``
    one row per indicator and subject (a service of the community, or an organisation
    taking part in it): indicator_id, indicator_code, frequency, service_id (nullable),
    organisation_id (nullable), n_observations, n_with_value, first_period, last_period,
    last_period_with_value
``indicator_conditions``
    indicator_id, condition (the conditions each indicator observed in the community is for)
``changes``
    date, kind, organisation, description
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from commissioning.errors import UserError

COLUMNS: dict[str, list[str]] = {
    "activities": ["activity_id", "community", "development_id", "date", "title", "kind", "nature"],
    "activity_stages": ["activity_id", "stage", "stage_order"],
    "participations": [
        "activity_id",
        "person_id",
        "person",
        "role_type",
        "is_clinician",
        "organisation_kind",
        "hours",
    ],
    "developments": [
        "development_id",
        "community",
        "slug",
        "title",
        "status",
        "size_of_change",
        "start_date",
        "end_date",
        "go_live_date",
        "parent_id",
    ],
    "development_services": ["development_id", "service_id"],
    "development_conditions": ["development_id", "condition"],
    "objectives": [
        "objective_id",
        "development_id",
        "description",
        "indicator_id",
        "indicator_code",
        "polarity",
        "baseline_value",
        "target_value",
        "target_date",
        "latest_value",
        "latest_period",
    ],
    "drivers": ["driver_id", "title", "kind", "issuer", "year"],
    "development_drivers": ["development_id", "driver_id"],
    "services": [
        "service_id",
        "community",
        "name",
        "provider_id",
        "provider",
        "provider_kind",
        "setting",
        "start_date",
        "end_date",
        "last_reviewed",
    ],
    "service_conditions": ["service_id", "condition"],
    "contracts": [
        "contract_id",
        "community",
        "reference",
        "title",
        "provider_id",
        "provider",
        "provider_kind",
        "payment_form",
        "procurement_route",
        "start_date",
        "end_date",
        "annual_value",
        "risk_share",
    ],
    "contract_services": ["contract_id", "service_id"],
    "spend": ["service_id", "financial_year", "amount"],
    # The decisions of the work of commissioning and what each cites (filled in by
    # ``work.presenter.with_decisions``: the store does not read the work app).
    "decisions": ["decision_id", "development_id", "date", "title"],
    "decision_links": ["decision_id", "kind", "indicator_id"],
    "incentives": ["contract_id", "scheme", "financial_year", "percent", "value"],
    "observations": [
        "indicator_id",
        "indicator_code",
        "frequency",
        "service_id",
        "organisation_id",
        "n_observations",
        "n_with_value",
        "first_period",
        "last_period",
        "last_period_with_value",
    ],
    "indicator_conditions": ["indicator_id", "condition"],
    "changes": ["date", "kind", "organisation", "description"],
}

DATE_COLUMNS = {
    "date",
    "start_date",
    "end_date",
    "go_live_date",
    "target_date",
    "latest_period",
    "last_reviewed",
    "first_period",
    "last_period",
    "last_period_with_value",
}
FLOAT_COLUMNS = {
    "hours",
    "annual_value",
    "amount",
    "percent",
    "value",
    "baseline_value",
    "target_value",
    "latest_value",
}
NULLABLE_ID_COLUMNS = {
    "development_id",
    "parent_id",
    "indicator_id",
    "service_id",
    "organisation_id",
}


@dataclass
class CommunityFrames:
    """Every record of one community the practice analytics need, as dataframes."""

    code: str
    name: str
    activities: pd.DataFrame
    activity_stages: pd.DataFrame
    participations: pd.DataFrame
    developments: pd.DataFrame
    development_services: pd.DataFrame
    development_conditions: pd.DataFrame
    objectives: pd.DataFrame
    drivers: pd.DataFrame
    development_drivers: pd.DataFrame
    services: pd.DataFrame
    service_conditions: pd.DataFrame
    contracts: pd.DataFrame
    contract_services: pd.DataFrame
    spend: pd.DataFrame
    incentives: pd.DataFrame
    observations: pd.DataFrame
    indicator_conditions: pd.DataFrame
    changes: pd.DataFrame
    decisions: pd.DataFrame = field(default_factory=lambda: frame("decisions"))
    decision_links: pd.DataFrame = field(default_factory=lambda: frame("decision_links"))

    @classmethod
    def table_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("code", "name")]


def frame(name: str, rows: list[dict] | None = None) -> pd.DataFrame:
    """A dataframe with the documented columns and types of table ``name``.

    Also used by tests and other callers to build tables by hand: missing columns are added
    empty, dates are parsed and money and hours become floats.
    """
    columns = COLUMNS[name]
    df = pd.DataFrame(rows or [], columns=None if rows else columns)
    for c in columns:
        if c not in df.columns:
            df[c] = None
    df = df[columns].copy()
    for c in columns:
        if c in DATE_COLUMNS:
            df[c] = pd.to_datetime(df[c])
        elif c in FLOAT_COLUMNS:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        elif c in NULLABLE_ID_COLUMNS:
            df[c] = pd.array([None if pd.isna(v) else int(v) for v in df[c]], dtype="Int64")
    return df.reset_index(drop=True)


class UnknownCommunity(UserError):
    exit_status = 2


def known_codes() -> list[str]:
    from commissioning.store.models import CommissioningCommunity

    return list(CommissioningCommunity.objects.order_by("code").values_list("code", flat=True))


def get_community(code: str):
    """The community with ``code``, or a plain error listing the codes there are."""
    from commissioning.store.models import CommissioningCommunity

    try:
        return CommissioningCommunity.objects.get(code=code)
    except CommissioningCommunity.DoesNotExist:
        codes = known_codes()
        listing = ", ".join(codes) if codes else "none: the database has no communities yet"
        raise UnknownCommunity(
            f"no community with the code '{code}' (known codes: {listing})"
        ) from None


def load_community(code: str) -> CommunityFrames:
    """Every record of community ``code`` as :class:`CommunityFrames`: read from the database,
    or kept from an earlier read while no record has changed (:mod:`.computed`)."""
    from commissioning.store.computed import remembered

    get_community(code)
    return remembered("community frames", (code,), lambda: read_community(code))


def read_community(code: str) -> CommunityFrames:
    """Read every record of community ``code`` into :class:`CommunityFrames`."""
    from commissioning.store.models import (
        Activity,
        Contract,
        ExternalDriver,
        IncentiveScheme,
        Indicator,
        Objective,
        Observation,
        OrganisationalChange,
        Participation,
        Service,
        ServiceDevelopment,
        Spend,
    )

    community = get_community(code)
    cid = community.pk

    activities = [
        {
            "activity_id": a["id"],
            "community": code,
            "development_id": a["development_id"],
            "date": a["date"],
            "title": a["title"],
            "kind": a["kind"],
            "nature": a["nature"],
        }
        for a in Activity.objects.filter(community_id=cid).values(
            "id", "development_id", "date", "title", "kind", "nature"
        )
    ]
    activity_stages = [
        {"activity_id": r["id"], "stage": r["stages__code"], "stage_order": r["stages__order"]}
        for r in Activity.objects.filter(community_id=cid, stages__isnull=False).values(
            "id", "stages__code", "stages__order"
        )
    ]
    participations = [
        {
            "activity_id": p["activity_id"],
            "person_id": p["person_id"],
            "person": p["person__name"],
            "role_type": p["person__role_type"],
            "is_clinician": bool(p["person__is_clinician"]),
            "organisation_kind": p["person__organisation__kind"] or "",
            "hours": p["hours"],
        }
        for p in Participation.objects.filter(activity__community_id=cid).values(
            "activity_id",
            "person_id",
            "person__name",
            "person__role_type",
            "person__is_clinician",
            "person__organisation__kind",
            "hours",
        )
    ]
    dev_qs = ServiceDevelopment.objects.filter(community_id=cid)
    developments = [
        {
            "development_id": d["id"],
            "community": code,
            "slug": d["slug"],
            "title": d["title"],
            "status": d["status"],
            "size_of_change": d["size_of_change"],
            "start_date": d["start_date"],
            "end_date": d["end_date"],
            "go_live_date": d["go_live_date"],
            "parent_id": d["parent_id"],
        }
        for d in dev_qs.values(
            "id",
            "slug",
            "title",
            "status",
            "size_of_change",
            "start_date",
            "end_date",
            "go_live_date",
            "parent_id",
        )
    ]
    development_services = [
        {"development_id": r["id"], "service_id": r["services__id"]}
        for r in dev_qs.filter(services__isnull=False).values("id", "services__id")
    ]
    development_conditions = [
        {"development_id": r["id"], "condition": r["conditions__slug"]}
        for r in dev_qs.filter(conditions__isnull=False).values("id", "conditions__slug")
    ]
    development_drivers = [
        {"development_id": r["id"], "driver_id": r["drivers__id"]}
        for r in dev_qs.filter(drivers__isnull=False).values("id", "drivers__id")
    ]
    driver_ids = {r["driver_id"] for r in development_drivers}
    drivers = [
        {
            "driver_id": d["id"],
            "title": d["title"],
            "kind": d["kind"],
            "issuer": d["issuer"],
            "year": d["year"],
        }
        for d in ExternalDriver.objects.filter(id__in=driver_ids).values(
            "id", "title", "kind", "issuer", "year"
        )
    ]

    svc_qs = Service.objects.filter(community_id=cid)
    services = [
        {
            "service_id": s["id"],
            "community": code,
            "name": s["name"],
            "provider_id": s["provider_id"],
            "provider": s["provider__name"],
            "provider_kind": s["provider__kind"],
            "setting": s["setting"],
            "start_date": s["start_date"],
            "end_date": s["end_date"],
            "last_reviewed": s["last_reviewed"],
        }
        for s in svc_qs.values(
            "id",
            "name",
            "provider_id",
            "provider__name",
            "provider__kind",
            "setting",
            "start_date",
            "end_date",
            "last_reviewed",
        )
    ]
    service_ids = [s["service_id"] for s in services]
    service_conditions = [
        {"service_id": r["id"], "condition": r["conditions__slug"]}
        for r in svc_qs.filter(conditions__isnull=False).values("id", "conditions__slug")
    ]

    con_qs = Contract.objects.filter(community_id=cid)
    contracts = [
        {
            "contract_id": c["id"],
            "community": code,
            "reference": c["reference"],
            "title": c["title"],
            "provider_id": c["provider_id"],
            "provider": c["provider__name"],
            "provider_kind": c["provider__kind"],
            "payment_form": c["payment_form"],
            "procurement_route": c["procurement_route"],
            "start_date": c["start_date"],
            "end_date": c["end_date"],
            "annual_value": c["annual_value"],
            "risk_share": c["risk_share"],
        }
        for c in con_qs.values(
            "id",
            "reference",
            "title",
            "provider_id",
            "provider__name",
            "provider__kind",
            "payment_form",
            "procurement_route",
            "start_date",
            "end_date",
            "annual_value",
            "risk_share",
        )
    ]
    contract_services = [
        {"contract_id": r["id"], "service_id": r["services__id"]}
        for r in con_qs.filter(services__isnull=False).values("id", "services__id")
    ]
    spend = list(
        Spend.objects.filter(service__community_id=cid).values(
            "service_id", "financial_year", "amount"
        )
    )
    incentives = [
        {
            "contract_id": i["contract_id"],
            "scheme": i["scheme"],
            "financial_year": i["financial_year"],
            "percent": i["percent"],
            "value": i["value"],
        }
        for i in IncentiveScheme.objects.filter(contract__community_id=cid).values(
            "contract_id", "scheme", "financial_year", "percent", "value"
        )
    ]

    organisation_ids = {community.commissioner_id}
    organisation_ids |= set(community.members.values_list("id", flat=True))
    organisation_ids |= {s["provider_id"] for s in services}
    from commissioning.analytics.disclosure import configured_policy

    policy = configured_policy()
    obs_rows: dict[tuple, dict] = {}
    obs_qs = Observation.objects.filter(service_id__in=service_ids) | Observation.objects.filter(
        organisation_id__in=organisation_ids
    )
    for o in obs_qs.values(
        "indicator_id",
        "indicator__code",
        "indicator__frequency",
        "indicator__polarity",
        "service_id",
        "organisation_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "indicator__patient_counts",
    ).order_by("indicator_id", "period"):
        key = (o["indicator_id"], o["service_id"], o["organisation_id"])
        row = obs_rows.setdefault(
            key,
            {
                "indicator_id": o["indicator_id"],
                "indicator_code": o["indicator__code"],
                "frequency": o["indicator__frequency"],
                "service_id": o["service_id"],
                "organisation_id": o["organisation_id"],
                "n_observations": 0,
                "n_with_value": 0,
                "first_period": o["period"],
                "last_period": o["period"],
                "last_period_with_value": None,
                "_latest_value": None,
            },
        )
        row["n_observations"] += 1
        row["last_period"] = max(row["last_period"], o["period"])
        row["first_period"] = min(row["first_period"], o["period"])
        if o["value"] is not None:
            row["n_with_value"] += 1
            if (
                row["last_period_with_value"] is None
                or o["period"] >= row["last_period_with_value"]
            ):
                row["last_period_with_value"] = o["period"]
                row["_latest_value"] = _shown_value(o, policy)

    dev_service_map: dict[int, set[int]] = {}
    for r in development_services:
        dev_service_map.setdefault(r["development_id"], set()).add(r["service_id"])
    objectives = []
    for ob in Objective.objects.filter(development__community_id=cid).values(
        "id",
        "development_id",
        "description",
        "indicator_id",
        "indicator__code",
        "indicator__polarity",
        "baseline_value",
        "target_value",
        "target_date",
    ):
        latest_value, latest_period = _latest(
            obs_rows, ob["indicator_id"], dev_service_map.get(ob["development_id"], set())
        )
        objectives.append(
            {
                "objective_id": ob["id"],
                "development_id": ob["development_id"],
                "description": ob["description"],
                "indicator_id": ob["indicator_id"],
                "indicator_code": ob["indicator__code"] or "",
                "polarity": ob["indicator__polarity"] or "",
                "baseline_value": ob["baseline_value"],
                "target_value": ob["target_value"],
                "target_date": ob["target_date"],
                "latest_value": latest_value,
                "latest_period": latest_period,
            }
        )

    indicator_ids = {key[0] for key in obs_rows} | {
        ob["indicator_id"] for ob in objectives if ob["indicator_id"] is not None
    }
    indicator_conditions = [
        {"indicator_id": r["id"], "condition": r["conditions__slug"]}
        for r in Indicator.objects.filter(id__in=indicator_ids, conditions__isnull=False).values(
            "id", "conditions__slug"
        )
    ]

    changes = [
        {
            "date": c["date"],
            "kind": c["kind"],
            "organisation": c["organisation__name"] or "",
            "description": c["description"],
        }
        for c in OrganisationalChange.objects.filter(community_id=cid).values(
            "date", "kind", "organisation__name", "description"
        )
    ]

    return CommunityFrames(
        code=code,
        name=community.name,
        activities=frame("activities", activities),
        activity_stages=frame("activity_stages", activity_stages),
        participations=frame("participations", participations),
        developments=frame("developments", developments),
        development_services=frame("development_services", development_services),
        development_conditions=frame("development_conditions", development_conditions),
        objectives=frame("objectives", objectives),
        drivers=frame("drivers", drivers),
        development_drivers=frame("development_drivers", development_drivers),
        services=frame("services", services),
        service_conditions=frame("service_conditions", service_conditions),
        contracts=frame("contracts", contracts),
        contract_services=frame("contract_services", contract_services),
        spend=frame("spend", spend),
        incentives=frame("incentives", incentives),
        observations=frame("observations", list(obs_rows.values())),
        indicator_conditions=frame("indicator_conditions", indicator_conditions),
        changes=frame("changes", changes),
    )


def _shown_value(o: dict, policy) -> float | None:
    """An observation's value as every surface shows it (None where it is hidden)."""
    if not o["indicator__patient_counts"]:
        return o["value"]
    from commissioning.analytics.disclosure import SUPPRESSED, disclose_observation

    value = disclose_observation(o["numerator"], o["denominator"], o["value"], policy)[2]
    return None if value == SUPPRESSED else value


def _latest(obs_rows: dict, indicator_id, service_ids: set[int]):
    """The latest value of an indicator: on the development's services first, else anywhere."""
    if indicator_id is None:
        return None, None
    rows = [r for (ind, *_), r in obs_rows.items() if ind == indicator_id]
    preferred = [r for r in rows if r["service_id"] in service_ids] or rows
    preferred = [r for r in preferred if r["last_period_with_value"] is not None]
    if not preferred:
        return None, None
    best = max(preferred, key=lambda r: r["last_period_with_value"])
    return best["_latest_value"], best["last_period_with_value"]


def load_communities(codes: list[str], db: str | None = None) -> list[CommunityFrames]:
    """Connect to ``db`` (see runtime.setup) and read each community; unknown codes fail first."""
    from commissioning.store.runtime import setup

    setup(db)
    for code in codes:
        get_community(code)
    return [load_community(code) for code in codes]
