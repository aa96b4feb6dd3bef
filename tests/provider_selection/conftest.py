"""A small community with award records made by provider_selection.demo.add_award_records.

Minitown CCG commissions from Alpha Trust (contracts MT-1, ending 30 September 2025, and MT-3,
ending 31 March 2026) and Beta Care (MT-2, ending 31 December 2025). ``add_award_records`` on
2 June 2025 makes: a finalised direct award C record replacing MT-1, a finalised competitive
record replacing MT-2 that Alpha Trust wins against Beta Care, and a draft most suitable
provider record for MT-3.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def awards(db, django_user_model):
    from commissioning.provider_selection.demo import add_award_records
    from commissioning.store.models import (
        CommissioningCommunity,
        Contract,
        Organisation,
        Person,
        Profile,
        Service,
    )

    ccg = Organisation.objects.create(ods_code="ZM1", name="Minitown CCG", kind="ccg")
    alpha = Organisation.objects.create(ods_code="ZMA", name="Alpha Trust", kind="acute_trust")
    beta = Organisation.objects.create(ods_code="ZMB", name="Beta Care", kind="independent")
    town = CommissioningCommunity.objects.create(
        code="minitown", name="Minitown", commissioner=ccg, synthetic=True
    )
    town.members.add(alpha, beta)
    contracts = {}
    for ref, provider, end, name in (
        ("MT-1", alpha, dt.date(2025, 9, 30), "Diabetes education"),
        ("MT-2", beta, dt.date(2025, 12, 31), "Memory clinic"),
        ("MT-3", alpha, dt.date(2026, 3, 31), "Stroke rehabilitation"),
    ):
        service = Service.objects.create(
            name=name, community=town, provider=provider, setting="community"
        )
        contract = Contract.objects.create(
            reference=ref,
            title=name,
            community=town,
            commissioner=ccg,
            provider=provider,
            payment_form="block",
            start_date=dt.date(2023, 4, 1),
            end_date=end,
            annual_value=Decimal("400000"),
        )
        contract.services.add(service)
        contracts[ref] = contract
    for name in ("Ann Example", "Bob Example"):
        Person.objects.create(name=name, role_type="commissioning_manager").communities.add(town)

    def user(name, role, organisation=None):
        u = django_user_model.objects.create_user(name)  # signed in with force_login
        Profile.objects.create(user=u, role=role, community=town, organisation=organisation)
        return u

    commissioner = user("town-commissioner", "commissioner")
    records = add_award_records(town, today=TODAY, user=commissioner)
    return {
        "community": town,
        "alpha": alpha,
        "beta": beta,
        "contracts": contracts,
        "records": {r.reference: r for r in records},
        "commissioner": commissioner,
        "viewer": user("town-viewer", "viewer"),
        "alpha_user": user("alpha-provider", "provider", alpha),
        "beta_user": user("beta-provider", "provider", beta),
    }
