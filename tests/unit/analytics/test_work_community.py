"""A small hand-built community ("Northfield") for the practice-of-commissioning tests.

Every figure the tests check is worked out by hand from the records below. The same records
are built through the ORM in tests/integration/store/test_frames.py.

People: P1 commissioning manager, P2 GP, P3 finance, P4 contracts, P5 provider manager (acute
trust), P6 patient representative, P7 specialist nurse (flagged a clinician).

Activities (hours; stages):
  A1 2011-05-10 D1 meeting  relational  scoping+needs_assessment   P1 3, P2 2      = 5
  A2 2011-09-01 D1 analysis technical   needs_assessment           P1 4, P3 2      = 6
  A3 2012-02-01 D1 procure. technical   procurement                P4 6, P1 2      = 8
  A4 2012-03-01 D2 meeting  relational  planning+monitoring+review P1 3, P5 3, P6 3 = 9
  A5 2012-06-01 D2 monitor. technical   monitoring                 P1 1.5          = 1.5
  A6 2012-09-01 -- negot.   relational  (none)                     P4 4, P5 2      = 6
  A7 2012-10-01 D2 decision relational  review                     P1 1, P7 1      = 2
                                                                          total   = 37.5
"""

from __future__ import annotations

import pandas as pd

from commissioning.store.frames import CommunityFrames, frame

HOURLY = {
    "commissioning_manager": 40.0,
    "gp": 80.0,
    "finance": 30.0,
    "contracts": 30.0,
    "provider_manager": 40.0,
    "patient_representative": 0.0,
    "specialist_nurse": 35.0,
}
HOURS_PER_FTE = 1687.5
AS_OF = pd.Timestamp("2013-03-31")

PEOPLE = {
    1: ("Pat Manager", "commissioning_manager", False, "pct"),
    2: ("Dr Green", "gp", True, "gp_practice"),
    3: ("Fin Lee", "finance", False, "pct"),
    4: ("Con Tracts", "contracts", False, "pct"),
    5: ("Prov Ider", "provider_manager", False, "acute_trust"),
    6: ("Pam Patient", "patient_representative", False, ""),
    7: ("Nurse Nell", "specialist_nurse", True, "community_trust"),
}

ACTIVITIES = [
    # id, date, development, title, kind, nature, stages, {person: hours}
    (1, "2011-05-10", 1, "Scoping meeting", "meeting", "relational",
     ["scoping", "needs_assessment"], {1: 3, 2: 2}),
    (2, "2011-09-01", 1, "Needs analysis", "analysis", "technical",
     ["needs_assessment"], {1: 4, 3: 2}),
    (3, "2012-02-01", 1, "Tender evaluation", "procurement", "technical",
     ["procurement"], {4: 6, 1: 2}),
    (4, "2012-03-01", 2, "Podiatry workshop", "meeting", "relational",
     ["planning", "monitoring", "review"], {1: 3, 5: 3, 6: 3}),
    (5, "2012-06-01", 2, "Quarterly monitoring", "monitoring_review", "technical",
     ["monitoring"], {1: 1.5}),
    (6, "2012-09-01", None, "Annual contract round", "negotiation", "relational",
     [], {4: 4, 5: 2}),
    (7, "2012-10-01", 2, "Decision to re-commission", "decision", "relational",
     ["review"], {1: 1, 7: 1}),
]  # fmt: skip

STAGE_ORDER = {
    "scoping": 1,
    "needs_assessment": 2,
    "planning": 3,
    "procurement": 4,
    "implementation": 5,
    "monitoring": 6,
    "review": 7,
    "decommissioning": 8,
}

ORGS = {
    101: ("Mersey Mental Health", "mental_health_trust"),
    102: ("Community Health", "community_trust"),
    103: ("General Hospital", "acute_trust"),
    104: ("Memory Charity", "voluntary"),
}

SERVICES = [
    # id, name, provider, setting, conditions, end_date, last_reviewed
    (1, "Memory assessment", 101, "mental_health", ["dementia"], None, "2012-03-01"),
    (2, "Diabetic podiatry", 102, "community", ["diabetes"], None, "2008-06-01"),
    (3, "Diabetes outpatients", 103, "acute", ["diabetes"], None, None),
    (4, "Carers' support", 104, "community", ["dementia", "stroke"], "2012-12-31", "2011-01-01"),
]

SPEND = {  # service: {financial year: £}
    1: {2011: 100_000, 2012: 200_000},
    2: {2011: 50_000, 2012: 60_000},
    3: {2011: 300_000, 2012: 300_000},
    4: {2011: 20_000, 2012: 40_000},
}

CONTRACTS = [
    # id, reference, provider, services, payment, route, start, end, value, risk share
    (1, "MH-1", 101, [1], "block", "rolled_over", "2011-04-01", "2014-03-31", 200_000,
     "Gain and loss shared with the trust"),
    (2, "COM-1", 102, [2], "block", "rolled_over", "2012-04-01", "2013-03-31", 60_000, ""),
    (3, "ACU-1", 103, [3], "activity", "tendered", "2010-04-01", "2015-03-31", 300_000, ""),
    (4, "VOL-1", 104, [4], "block", "tendered", "2011-04-01", "2012-12-31", 40_000, ""),
    (5, "ACU-2", 103, [1], "cost_and_volume", "direct_award", "2012-04-01", "2013-03-31",
     100_000, ""),
]  # fmt: skip

DEVELOPMENTS = [
    # id, slug, title, status, size, start, end, go live, parent, conditions, services
    (1, "memory", "Memory assessment service", "implemented", "radical", "2011-04-01", None,
     "2012-04-01", None, ["dementia"], [1]),
    (2, "podiatry", "Diabetic podiatry review", "implemented", "incremental", "2012-01-01",
     "2012-12-31", "2012-11-01", 3, ["diabetes"], [2]),
    (3, "diabetes-plan", "Diabetes strategy", "active", "", "2011-01-01", None, None, None,
     ["diabetes"], []),
]  # fmt: skip


def northfield() -> CommunityFrames:
    """The Northfield community as dataframes."""
    activities, stages, participations = [], [], []
    for aid, date, dev, title, kind, nature, st, people in ACTIVITIES:
        activities.append(
            {
                "activity_id": aid,
                "community": "northfield",
                "development_id": dev,
                "date": date,
                "title": title,
                "kind": kind,
                "nature": nature,
            }
        )
        stages += [{"activity_id": aid, "stage": s, "stage_order": STAGE_ORDER[s]} for s in st]
        for pid, hours in people.items():
            name, role, clinician, org_kind = PEOPLE[pid]
            participations.append(
                {
                    "activity_id": aid,
                    "person_id": pid,
                    "person": name,
                    "role_type": role,
                    "is_clinician": clinician,
                    "organisation_kind": org_kind,
                    "hours": hours,
                }
            )
    services = [
        {
            "service_id": sid,
            "community": "northfield",
            "name": name,
            "provider_id": prov,
            "provider": ORGS[prov][0],
            "provider_kind": ORGS[prov][1],
            "setting": setting,
            "end_date": end,
            "last_reviewed": reviewed,
        }
        for sid, name, prov, setting, _, end, reviewed in SERVICES
    ]
    service_conditions = [{"service_id": s[0], "condition": c} for s in SERVICES for c in s[4]]
    spend = [
        {"service_id": sid, "financial_year": fy, "amount": amount}
        for sid, years in SPEND.items()
        for fy, amount in years.items()
    ]
    contracts = [
        {
            "contract_id": cid,
            "community": "northfield",
            "reference": ref,
            "title": ref,
            "provider_id": prov,
            "provider": ORGS[prov][0],
            "provider_kind": ORGS[prov][1],
            "payment_form": payment,
            "procurement_route": route,
            "start_date": start,
            "end_date": end,
            "annual_value": value,
            "risk_share": risk,
        }
        for cid, ref, prov, _, payment, route, start, end, value, risk in CONTRACTS
    ]
    contract_services = [{"contract_id": c[0], "service_id": s} for c in CONTRACTS for s in c[3]]
    developments = [
        {
            "development_id": did,
            "community": "northfield",
            "slug": slug,
            "title": title,
            "status": status,
            "size_of_change": size,
            "start_date": start,
            "end_date": end,
            "go_live_date": live,
            "parent_id": parent,
        }
        for did, slug, title, status, size, start, end, live, parent, _, _ in DEVELOPMENTS
    ]
    development_conditions = [
        {"development_id": d[0], "condition": c} for d in DEVELOPMENTS for c in d[9]
    ]
    development_services = [
        {"development_id": d[0], "service_id": s} for d in DEVELOPMENTS for s in d[10]
    ]
    objectives = [
        {
            "objective_id": 1,
            "development_id": 1,
            "description": "Raise the dementia diagnosis rate to 60% by March 2013",
            "indicator_id": 11,
            "indicator_code": "DEM-DX",
            "polarity": "higher_better",
            "baseline_value": 40.0,
            "target_value": 60.0,
            "target_date": "2013-03-31",
            "latest_value": 50.0,
            "latest_period": "2012-10-01",
        }
    ]
    drivers = [
        {"driver_id": 1, "title": "National Dementia Strategy", "kind": "strategy",
         "issuer": "Department of Health", "year": 2009},
        {"driver_id": 2, "title": "NICE quality standard for diabetes", "kind": "quality_standard",
         "issuer": "NICE", "year": 2011},
    ]  # fmt: skip
    development_drivers = [
        {"development_id": 1, "driver_id": 1},
        {"development_id": 3, "driver_id": 2},
    ]
    incentives = [
        {"contract_id": 3, "scheme": "CQUIN", "financial_year": 2012, "percent": 2.5},
        {"contract_id": 1, "scheme": "CQUIN", "financial_year": 2012, "value": 5_000},
    ]
    observations = [
        {"indicator_id": 11, "indicator_code": "DEM-DX", "frequency": "quarterly",
         "service_id": 1, "n_observations": 7, "n_with_value": 6,
         "first_period": "2011-04-01", "last_period": "2012-10-01",
         "last_period_with_value": "2012-10-01"},
        {"indicator_id": 12, "indicator_code": "POD-WAIT", "frequency": "monthly",
         "service_id": 2, "n_observations": 9, "n_with_value": 9,
         "first_period": "2011-04-01", "last_period": "2011-12-01",
         "last_period_with_value": "2011-12-01"},
        {"indicator_id": 13, "indicator_code": "DM-CARE", "frequency": "annual",
         "organisation_id": 105, "n_observations": 3, "n_with_value": 2,
         "first_period": "2010-04-01", "last_period": "2012-04-01",
         "last_period_with_value": "2011-04-01"},
    ]  # fmt: skip
    indicator_conditions = [
        {"indicator_id": 11, "condition": "dementia"},
        {"indicator_id": 13, "condition": "diabetes"},
    ]
    changes = [
        {"date": "2012-06-30", "kind": "restructure", "organisation": "Northfield PCT",
         "description": "PCT cluster formed"},
        {"date": "2013-04-01", "kind": "merger", "organisation": "Northfield PCT",
         "description": "PCT abolished; CCG takes over"},
    ]  # fmt: skip
    return CommunityFrames(
        code="northfield",
        name="Northfield",
        activities=frame("activities", activities),
        activity_stages=frame("activity_stages", stages),
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
        observations=frame("observations", observations),
        indicator_conditions=frame("indicator_conditions", indicator_conditions),
        changes=frame("changes", changes),
    )


def empty_community() -> CommunityFrames:
    """A community with no records at all."""
    tables = {name: frame(name) for name in CommunityFrames.table_names()}
    return CommunityFrames(code="empty", name="Empty", **tables)


def test_every_table_has_the_documented_columns():
    from commissioning.store.frames import COLUMNS

    f = northfield()
    for name in CommunityFrames.table_names():
        assert list(getattr(f, name).columns) == COLUMNS[name], name
    assert f.participations["hours"].sum() == 37.5
    assert f.activities["development_id"].isna().sum() == 1  # the annual contract round
    assert pd.api.types.is_datetime64_any_dtype(f.activities["date"])


def test_an_empty_community_has_empty_tables_with_their_columns():
    f = empty_community()
    assert f.activities.empty and list(f.spend.columns) == [
        "service_id",
        "financial_year",
        "amount",
    ]


__all__ = ["AS_OF", "HOURLY", "HOURS_PER_FTE", "empty_community", "northfield"]
