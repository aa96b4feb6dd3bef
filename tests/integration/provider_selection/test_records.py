"""Finalising, amending and verifying decision records; who may read what."""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.provider_selection import records
from commissioning.provider_selection.models import (
    Assessment,
    DecisionRecord,
    RecordFinalised,
)
from commissioning.store.models import AuditRecord


def test_demo_records_are_finalised_sealed_and_in_the_contract_register(awards):
    dac = awards["records"]["psr-dac-1"]
    assert dac.is_final and len(dac.chain_hash) == 64
    assert dac.awarded_contract.provider == awards["alpha"]
    assert dac.awarded_contract.procurement_route == "direct_award"
    assert records.verify(dac).ok
    assert not awards["records"]["psr-msp-1"].is_final


@pytest.mark.django_db
def test_the_procurement_work_behind_demo_records_falls_on_working_days():
    """On a Sunday the direct award's notice of intention is published on a Friday, and the
    work 20 days before it fell on a Saturday (issue 24: no activity on a weekend or bank
    holiday)."""
    from commissioning.provider_selection.standstill import is_working_day
    from commissioning.store.models import Activity

    from .world import build

    build(today=dt.date(2025, 6, 8))
    dates = list(Activity.objects.values_list("date", flat=True))
    assert len(dates) == 2
    assert all(is_working_day(d) for d in dates), dates


def test_a_finalised_record_is_never_changed_in_place(awards):
    dac = DecisionRecord.objects.get(pk=awards["records"]["psr-dac-1"].pk)
    dac.reasons = "Changed afterwards"
    with pytest.raises(RecordFinalised):
        dac.save()
    with pytest.raises(RecordFinalised):
        dac.weights.first().delete()
    with pytest.raises(RecordFinalised):
        dac.decision_makers.create(name="Someone added later")
    with pytest.raises(RecordFinalised):
        dac.services.clear()


def test_a_draft_with_something_missing_is_refused(awards):
    msp = awards["records"]["psr-msp-1"]
    with pytest.raises(records.NotReady) as refused:
        records.finalise(msp, awards["commissioner"])
    found = {p.field for p in refused.value.problems}
    assert {"process_notice", "chosen_provider", "decision_makers", "reasons"} <= found


@pytest.mark.parametrize("where", ["record", "assessment", "sealed", "previous"])
def test_a_changed_byte_in_a_finalised_record_or_its_history_is_detected(awards, where):
    dac = awards["records"]["psr-dac-1"]
    second = records.amend(dac, "The award notice was published later", awards["commissioner"])
    DecisionRecord.objects.filter(pk=second.pk).update(award_notice=dt.date(2025, 6, 1))
    second = records.finalise(DecisionRecord.objects.get(pk=second.pk), awards["commissioner"])
    assert records.verify(second).ok
    if where == "record":  # one letter of the reasons, changed behind the app's back
        DecisionRecord.objects.filter(pk=second.pk).update(
            reasons=second.reasons.replace("care", "cars", 1)
        )
    elif where == "assessment":
        Assessment.objects.filter(considered__record=second).filter(criterion="value").update(
            score=73
        )
    elif where == "sealed":
        DecisionRecord.objects.filter(pk=second.pk).update(
            sealed_content=second.sealed_content.replace("72.00", "72.01", 1)
        )
    else:  # the first version, which the second one chains to
        DecisionRecord.objects.filter(pk=dac.pk).update(forum="Another forum")
    result = records.verify(DecisionRecord.objects.get(pk=second.pk))
    assert not result.ok and result.problems


def test_an_amendment_keeps_the_old_version_readable(awards):
    dac = awards["records"]["psr-dac-1"]
    new = records.amend(dac, "Correcting the forum's name", awards["commissioner"])
    new.forum = "Contracts committee"
    new.save()
    records.finalise(new, awards["commissioner"])
    user = awards["viewer"]
    latest = records.record_or_404(user, awards["community"], "psr-dac-1")
    old = records.record_or_404(user, awards["community"], "psr-dac-1", version=1)
    assert (latest.version, latest.forum, latest.amendment_reason) == (
        2,
        "Contracts committee",
        "Correcting the forum's name",
    )
    assert old.forum == "Contracts and procurement committee" and records.verify(old).ok
    with pytest.raises(records.NotReady):
        records.amend(old, "Amending an old version", awards["commissioner"])


def test_providers_see_only_their_own_assessment_and_viewers_no_drafts(awards):
    comp = awards["records"]["psr-comp-1"]
    town = awards["community"]
    seen = {
        name: [c.provider.name for c in records.considered_for(awards[name], comp)]
        for name in ("commissioner", "alpha_user", "beta_user", "viewer")
    }
    assert seen["commissioner"] == ["Alpha Trust", "Beta Care"]
    assert seen["alpha_user"] == ["Alpha Trust"]
    assert seen["beta_user"] == ["Beta Care"]
    refs = {u: [r.reference for r in records.visible_records(awards[u], town)] for u in seen}
    assert "psr-msp-1" in refs["commissioner"]
    assert "psr-msp-1" not in refs["viewer"] and "psr-msp-1" not in refs["beta_user"]
    assert not records.can_change(awards["viewer"], town)
    assert records.can_change(awards["commissioner"], town)


def test_opening_a_finalised_record_is_in_the_audit_trail(awards):
    dac = awards["records"]["psr-dac-1"]
    records.opened(awards["viewer"], dac)
    opened = AuditRecord.objects.filter(action="open", object_id=str(dac.pk)).get()
    assert opened.username == "town-viewer" and opened.model == "provider_selection.decisionrecord"
    changes = AuditRecord.objects.filter(model="provider_selection.decisionrecord")
    assert changes.filter(action="create", object_id=str(dac.pk)).exists()
    assert changes.filter(action="update", object_id=str(dac.pk)).exists()  # finalising
