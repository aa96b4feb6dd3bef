"""The small community of the provider selection tests (see conftest.py), buildable both in a
test database and, for the browser test, in a served SQLite file (``python world.py DB``)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

TODAY = dt.date(2025, 6, 2)


def build(*, password: str | None = None, today: dt.date = TODAY, spare: bool = False) -> dict:
    """Minitown and its award records. ``spare`` adds MT-4 (Falls service, Alpha Trust, ending
    243 days after ``today``), a contract no record replaces yet."""
    from django.contrib.auth import get_user_model

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
    # Ends counted from ``today``: on 2 June 2025, 30 September 2025, 31 December 2025,
    # 31 March 2026 and 31 January 2026.
    days = dt.timedelta
    plan = [
        ("MT-1", alpha, today + days(120), "Diabetes education"),
        ("MT-2", beta, today + days(212), "Memory clinic"),
        ("MT-3", alpha, today + days(302), "Stroke rehabilitation"),
    ]
    if spare:
        plan.append(("MT-4", alpha, today + days(243), "Falls service"))
    contracts = {}
    for ref, provider, end, name in plan:
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
        u = get_user_model().objects.create_user(name, password=password)
        Profile.objects.create(user=u, role=role, community=town, organisation=organisation)
        return u

    commissioner = user("town-commissioner", "commissioner")
    records = add_award_records(town, today=today, user=commissioner)
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


if __name__ == "__main__":  # python world.py sqlite:///path PASSWORD: prints the ids as JSON
    from commissioning.store.runtime import setup

    setup(sys.argv[1])
    world = build(password=sys.argv[2], today=dt.date.today(), spare=True)
    comp = world["records"]["psr-comp-1"]
    print(
        json.dumps(
            {name: comp.considered.get(provider=world[name]).pk for name in ("alpha", "beta")}
        )
    )
