"""Who commissions: stakeholders by stage, clinical involvement, stakeholders as doers."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

_spec = importlib.util.spec_from_file_location(
    "work_community", Path(__file__).with_name("test_work_community.py")
)
community = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(community)
AS_OF = community.AS_OF
northfield, empty_community = community.northfield, community.empty_community

from commissioning.analytics.work import labour, participation  # noqa: E402


@pytest.fixture
def f():
    return northfield()


@pytest.fixture
def split(f):
    return labour.stage_hours(f.activities, f.activity_stages, f.participations)


def test_hours_matrix_of_role_by_stage(split):
    m = participation.matrix(split)
    assert list(m.columns) == [
        "scoping", "needs_assessment", "planning", "procurement", "monitoring", "review",
        labour.NO_STAGE,
    ]  # fmt: skip
    cm = m.loc["commissioning_manager"].to_dict()
    # P1: A1 1.5+1.5, A2 4, A3 2, A4 1+1+1, A5 1.5, A7 1.
    assert cm == {
        "scoping": 1.5, "needs_assessment": 5.5, "planning": 1.0, "procurement": 2.0,
        "monitoring": 2.5, "review": 2.0, labour.NO_STAGE: 0.0,
    }  # fmt: skip
    assert m.loc["patient_representative", "planning"] == 1.0
    assert m.to_numpy().sum() == pytest.approx(37.5)


def test_activity_matrix_counts_each_activity_once_per_stage(split):
    m = participation.matrix(split, value="activities")
    assert m.loc["commissioning_manager", "monitoring"] == 2  # A4 and A5
    assert m.loc["commissioning_manager", "needs_assessment"] == 2  # A1 and A2
    assert m.loc["contracts", labour.NO_STAGE] == 1  # A6


def test_matrix_by_stakeholder_group(split):
    m = participation.matrix(split, by="group")
    assert set(m.index) == {"commissioner", "clinician", "provider", "patient_or_carer"}
    assert m.loc["clinician"].sum() == 3.0  # GP 2 h + specialist nurse 1 h
    assert m.loc["provider"].sum() == 5.0  # provider manager 3 + 2


def test_share_of_hours_and_activities_involving_clinicians(f):
    share = participation.clinical_share(f.participations)
    assert share["clinical_hours"] == 3.0 and share["hours"] == 37.5
    assert share["share_of_hours"] == pytest.approx(3 / 37.5)
    assert share["clinical_activities"] == 2 and share["activities"] == 7  # A1 and A7
    assert share["share_of_activities"] == pytest.approx(2 / 7)


def test_stakeholder_groups_as_doers(f):
    doers = participation.doers(f.participations, f.activities).set_index("group")
    assert doers.loc["provider"].to_dict() == {
        "people": 1, "activities": 2, "developments": 1, "hours": 5.0,
        "share_of_hours": pytest.approx(5 / 37.5),
    }  # fmt: skip
    assert doers.loc["patient_or_carer", "hours"] == 3.0
    assert doers.loc["clinician", "developments"] == 2
    assert doers.loc["third_sector", "hours"] == 0.0  # listed, with zeros
    assert doers["hours"].sum() == pytest.approx(37.5)


def test_roles_as_doers_list_gps_on_their_own(f):
    doers = participation.doers(f.participations, f.activities, by="role_type")
    doers = doers.set_index("role_type")
    assert len(doers) == 11  # every role, including those that took no part
    assert doers.loc["gp"].to_dict() == {
        "people": 1, "activities": 1, "developments": 1, "hours": 2.0,
        "share_of_hours": pytest.approx(2 / 37.5),
    }  # fmt: skip
    assert doers.loc["third_sector", "activities"] == 0


@pytest.mark.parametrize(
    ("role", "clinician", "kind", "group"),
    [
        ("gp", False, "gp_practice", "clinician"),
        ("commissioning_manager", True, "pct", "clinician"),  # flagged clinician
        ("commissioning_manager", False, "acute_trust", "provider"),
        ("third_sector", False, "", "third_sector"),
        ("commissioning_manager", False, "voluntary", "third_sector"),
        ("public_health", False, "local_authority", "local_authority"),
        ("finance", False, "ccg", "commissioner"),
        ("patient_representative", False, "", "patient_or_carer"),
    ],
)
def test_stakeholder_group_of_a_person(role, clinician, kind, group):
    assert participation.stakeholder_group(role, clinician, kind) == group


def test_groups_taking_part_in_each_development(f):
    g = participation.groups_by_development(f.participations, f.activities)
    g = g.set_index("development_id")
    assert g.loc[1, "groups"] == ["commissioner", "clinician"]
    assert g.loc[2, "groups"] == ["commissioner", "clinician", "provider", "patient_or_carer"]
    assert bool(g.loc[2, "clinical"])


def test_no_activities_means_no_data_not_zero():
    e = empty_community()
    share = participation.clinical_share(e.participations)
    assert share["share_of_hours"] is None and share["share_of_activities"] is None
    doers = participation.doers(e.participations, e.activities)
    assert doers["share_of_hours"].isna().all() and (doers["hours"] == 0).all()
    assert pd.DataFrame(
        participation.matrix(labour.stage_hours(e.activities, e.activity_stages, e.participations))
    ).empty
