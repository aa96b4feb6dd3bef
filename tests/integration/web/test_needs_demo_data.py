"""What the demo gives the needs pages: registers by age and sex, comparator areas, peers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from commissioning.demo.areas import split_register

pytestmark = pytest.mark.django_db


def test_registers_by_age_and_sex_add_up_to_every_all_age_register(demo):
    from commissioning.store.models import AgeSexRegister, ConditionRegister

    keys = ["organisation_id", "condition_id", "period_end"]
    whole = pd.DataFrame(list(ConditionRegister.objects.values(*keys, "register_size")))
    parts = pd.DataFrame(list(AgeSexRegister.objects.values(*keys, "register_size")))
    added = parts.groupby(keys, as_index=False)["register_size"].sum()
    both = whole.merge(added, on=keys, how="left", suffixes=("", "_bands")).fillna(0)
    # every register of every practice and comparator area, every year and condition: the
    # study's 159 practices (one closes, with 3 years) and today's 72 (one closes, with 2), and
    # the comparator areas in both eras
    assert len(whole) == 3 * 5 * (159 + 12) + 3 * 3 + 3 * 5 * (71 + 12) + 3 * 2
    assert (both["register_size"] == both["register_size_bands"]).all()


def test_no_band_has_more_people_on_the_register_than_patients(demo):
    from commissioning.store.models import AgeSexRegister, PracticePopulation

    # one query, so each register stays beside its own band (two unordered queries need not
    # return rows in the same order: PostgreSQL does not)
    cases = pd.DataFrame(
        list(
            AgeSexRegister.objects.values(
                "organisation_id", "period_end", "age_band", "sex", "register_size"
            )
        )
    ).rename(columns={"register_size": "register"})
    cases["year"] = pd.to_datetime(cases["period_end"]).dt.year
    pop = pd.DataFrame(
        list(
            PracticePopulation.objects.values("organisation_id", "date", "age_band", "sex", "count")
        )
    ).assign(year=lambda d: pd.to_datetime(d["date"]).dt.year)
    both = cases.merge(pop, on=["organisation_id", "year", "age_band", "sex"], how="left")
    assert both["count"].notna().all()
    assert (both["register"] <= both["count"]).all()
    # diabetes (a register of people aged 17 and over) has nobody under 15
    from commissioning.store.models import Condition

    diabetes = Condition.objects.get(slug="diabetes")
    young = AgeSexRegister.objects.filter(condition=diabetes, age_band__in=["0-4", "5-9", "10-14"])
    assert not young.exists()


def test_twelve_synthetic_comparator_areas_with_deprivation_and_rurality(demo):
    from commissioning.store.models import Indicator, Observation, Organisation

    areas = Organisation.objects.filter(name__startswith="Synthetic comparator area")
    assert areas.count() == 12
    assert set(areas.values_list("kind", flat=True)) == {"sub_icb"}
    assert all(areas.values_list("synthetic", flat=True))
    for code in ("AREA_IMD", "AREA_RURAL"):
        indicator = Indicator.objects.get(code=code)
        assert indicator.patient_counts is False
        values = Observation.objects.filter(indicator=indicator).values_list("value", flat=True)
        # 12 comparators and the 3 study communities' PCTs (IMD 2010, 2011 rurality), and
        # for today the ICB (IMD 2019 and rurality) and the comparators again (IMD 2019)
        assert len(values) == {"AREA_IMD": 28, "AREA_RURAL": 16}[code]
        assert min(values) >= 0 and max(values) <= 100
        assert len(set(values)) > 10  # the areas differ


def test_each_community_has_a_stored_peer_group_of_five(demo):
    from commissioning.store.models import CommissioningCommunity, Grouping

    for community in CommissioningCommunity.objects.all():
        group = Grouping.objects.get(kind="peer_group", anchor=community.commissioner)
        assert group.members.count() == 5
        assert community.commissioner not in group.members.all()
        assert group.synthetic


def test_split_register_adds_up_respects_band_sizes_and_repeats_from_a_seed():
    population = np.array([[10, 3, 0], [5, 2, 1]])
    weights = np.array([[0.0, 1.0, 1.0], [0.1, 1.0, 5.0]])
    first = split_register(12, population, weights, np.random.default_rng(7))
    again = split_register(12, population, weights, np.random.default_rng(7))
    assert (first == again).all()
    assert first.sum() == 12
    assert (first <= population).all()
    # the 0-weight band gets someone only because the others are full: 3 + 2 + 1 = 6 < 12
    assert first[0, 0] + first[1, 0] == 6
    assert split_register(0, population, weights, np.random.default_rng(1)).sum() == 0
    with pytest.raises(ValueError, match="more than the 21 patients"):
        split_register(22, population, weights, np.random.default_rng(1))
