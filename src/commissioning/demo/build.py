"""Building the synthetic demo into the configured database, replacing any earlier demo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError, Q

from commissioning.contracts.demo import STUDY as STUDY_PERFORMANCE
from commissioning.contracts.demo import TODAY as TODAY_PERFORMANCE
from commissioning.contracts.demo import add_contract_performance, remove_contract_performance
from commissioning.demo import logins as login_module
from commissioning.demo.activities import build_activities
from commissioning.demo.areas import build_areas, build_areas_today
from commissioning.demo.communities import (
    AREAS,
    COMMISSIONER_CODES,
    PRESENT,
    PRESENT_CODES,
    build_communities,
    pcn_code,
)
from commissioning.demo.conditions import build_conditions
from commissioning.demo.context import DEMO_TODAY, Build
from commissioning.demo.developments import build_developments
from commissioning.demo.evidence import build_evidence
from commissioning.demo.groupings import build_groupings
from commissioning.demo.indicators import build_indicators, build_observations
from commissioning.demo.logins import Login, build_logins
from commissioning.demo.people import build_people
from commissioning.demo.practices import build_practices, practice_code
from commissioning.demo.providers_contracts import (
    PROVIDERS,
    build_providers,
    build_services_and_contracts,
)
from commissioning.demo.reviews import build_review_decisions
from commissioning.demo.surveys import build_surveys
from commissioning.errors import UserError
from commissioning.monitoring.demo import confirm_go_live_recalculations
from commissioning.provider_selection.demo import add_award_records
from commissioning.store import models as m
from commissioning.store.audit import acting_as
from commissioning.store.models import CommissioningCommunity, Organisation, Stage
from commissioning.store.models.audit import Channel

SYNTHETIC_NOTICE = (
    "All demo data is synthetic: made up for demonstration, modelled on published figures for "
    "Calderdale, Somerset and Wirral around 2010-2012 and, for Mereshire, on today's NHS. No "
    "real patient or person is in it."
)


@dataclass
class DemoResult:
    logins: list[Login]
    seed: int
    counts: dict[str, int] = field(default_factory=dict)


def demo_codes() -> list[str]:
    """Every ODS code the demo gives an organisation."""
    codes = list(COMMISSIONER_CODES) + list(PRESENT_CODES)
    codes += [practice_code(a.number, i) for a in AREAS for i in range(1, a.practices + 1)]
    codes += [practice_code(PRESENT.number, i) for i in range(1, PRESENT.practices + 1)]
    codes += [pcn_code(i) for i in range(1, sum(len(p.pcns) for p in PRESENT.places) + 1)]
    codes += [code for providers in PROVIDERS.values() for code, _, _ in providers.values()]
    return codes


def check_can_build() -> None:
    """Refuse to touch a database that holds real (non-synthetic) work."""
    real = CommissioningCommunity.objects.filter(synthetic=False)
    if real.exists():
        names = ", ".join(real.order_by("name").values_list("name", flat=True)[:3])
        raise UserError(
            f"this database holds real commissioning communities ({names}); the demo is only "
            "built into an empty database or one holding the demo: choose another with --db"
        )
    clash = Organisation.objects.filter(ods_code__in=demo_codes(), synthetic=False)
    if clash.exists():
        codes = ", ".join(clash.order_by("ods_code").values_list("ods_code", flat=True)[:5])
        raise UserError(
            f"this database holds real organisations with codes the demo uses ({codes}); "
            "choose another database with --db"
        )
    if not Stage.objects.exists():
        raise UserError("the database has no commissioning stages: run the migrations first")


def remove_demo() -> None:
    """Delete every record an earlier demo build made (shared definitions are kept).

    The large tables are emptied with plain DELETE statements (no per-row signals, so no
    per-row audit records for throw-away demo data); what is left (a few hundred organisations,
    communities and people) goes through the ORM, which also clears anything that refers to
    them from tables this module does not know about.
    """
    from commissioning.evidence import models as ev
    from commissioning.provider_selection import models as ps
    from commissioning.work import models as wk

    User = get_user_model()
    User.objects.filter(
        Q(username__in=login_module.usernames())
        | Q(profile__community__synthetic=True)
        | Q(profile__organisation__synthetic=True)
    ).delete()
    communities = CommissioningCommunity.objects.filter(synthetic=True)
    orgs = Organisation.objects.filter(synthetic=True)
    in_demo = {"community__in": communities}
    _forget_search_index(ev.Evidence.objects.filter(**in_demo))
    remove_contract_performance(communities)  # before the contracts they belong to
    for qs in (
        ps.DecisionRecord.services.through.objects.filter(
            decisionrecord__community__in=communities
        ),
        ps.DecisionRecord.activities.through.objects.filter(
            decisionrecord__community__in=communities
        ),
        ps.Assessment.objects.filter(considered__record__community__in=communities),
        ps.ProviderConsidered.objects.filter(record__community__in=communities),
        ps.CriterionWeight.objects.filter(record__community__in=communities),
        ps.DecisionMaker.objects.filter(record__community__in=communities),
        ps.ConflictOfInterest.objects.filter(record__community__in=communities),
        ps.DecisionRecord.objects.filter(**in_demo),
        ev.Passage.codes.through.objects.filter(passage__evidence__community__in=communities),
        ev.Passage.objects.filter(evidence__community__in=communities),
        ev.Evidence.objects.filter(**in_demo),
        wk.EvidenceLink.objects.filter(decision__development__community__in=communities),
        wk.DecisionOption.objects.filter(decision__development__community__in=communities),
        wk.Decision.objects.filter(development__community__in=communities),
        m.Participation.objects.filter(activity__community__in=communities),
        m.Activity.stages.through.objects.filter(activity__community__in=communities),
        m.Activity.objects.filter(**in_demo),
        m.Objective.objects.filter(development__community__in=communities),
        m.ServiceDevelopment.conditions.through.objects.filter(
            servicedevelopment__community__in=communities
        ),
        m.ServiceDevelopment.services.through.objects.filter(
            servicedevelopment__community__in=communities
        ),
        m.ServiceDevelopment.drivers.through.objects.filter(
            servicedevelopment__community__in=communities
        ),
        m.Observation.objects.filter(
            Q(organisation__in=orgs) | Q(service__community__in=communities)
        ),
        m.Spend.objects.filter(service__community__in=communities),
        m.IncentiveScheme.objects.filter(contract__community__in=communities),
        m.Contract.services.through.objects.filter(contract__community__in=communities),
        m.Service.conditions.through.objects.filter(service__community__in=communities),
        m.PracticePopulation.objects.filter(organisation__in=orgs),
        m.ConditionRegister.objects.filter(organisation__in=orgs),
        m.AgeSexRegister.objects.filter(organisation__in=orgs),
        m.OrganisationLink.objects.filter(Q(child__in=orgs) | Q(parent__in=orgs)),
        m.Person.communities.through.objects.filter(
            Q(person__synthetic=True) | Q(commissioningcommunity__in=communities)
        ),
        m.CommissioningCommunity.members.through.objects.filter(
            Q(commissioningcommunity__in=communities) | Q(organisation__in=orgs)
        ),
        m.OrganisationalChange.objects.filter(**in_demo),
    ):
        qs._raw_delete(qs.db)
    m.ServiceDevelopment.objects.filter(**in_demo).update(parent=None)
    for qs in (
        m.ServiceDevelopment.objects.filter(**in_demo),
        m.Contract.objects.filter(**in_demo),
        m.Service.objects.filter(**in_demo),
        m.Person.objects.filter(synthetic=True),
    ):
        qs._raw_delete(qs.db)
    orgs.update(successor=None)
    try:
        communities.delete()
        orgs.delete()
    except ProtectedError as exc:
        raise UserError(
            "the earlier demo cannot be removed: other records still refer to it "
            f"({len(exc.protected_objects)} of them); choose another database with --db"
        ) from None


def _forget_search_index(evidence) -> None:
    """Take evidence about to be deleted in bulk out of SQLite's full-text index (a bulk delete
    sends no signals; PostgreSQL's index is on the table itself)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    ids = list(evidence.values_list("pk", flat=True))
    with connection.cursor() as cur:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cur.execute(
                f"DELETE FROM evidence_fts WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk
            )


def build_demo(
    seed: int = 2010,
    password: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Build the synthetic demo into the configured database, in one transaction.

    Replaces an earlier demo; refuses (UserError) when the database holds real communities.
    The same ``seed`` always gives the same data; passwords come from :mod:`secrets` unless
    ``password`` is given, in which case every login uses it.
    """

    def say(message: str) -> None:
        if progress:
            progress(message)

    b = Build(seed=seed)
    with transaction.atomic(), acting_as(channel=Channel.SYSTEM, username="demo builder"):
        check_can_build()
        say("Removing any earlier demo")
        remove_demo()
        b.stages = {s.code: s for s in Stage.objects.all()}
        say("Conditions, commissioners and communities")
        build_conditions(b)
        build_communities(b)
        say("GP practices, registered populations and condition registers")
        build_practices(b)
        build_areas(b)
        say("Providers, services, contracts and spend")
        build_providers(b)
        build_services_and_contracts(b)
        build_people(b)
        say("Indicators and five years of observations in each era")
        build_indicators(b)
        build_developments(b)
        build_observations(b)
        build_areas_today(b)
        say("Contract lines, plans, monthly activity, variations, incentives and challenges")
        # commissioning.contracts.demo: the study's era (April 2010 to December 2012), and
        # today's (April 2021 to March 2026, the NHS Payment Scheme) for the present day
        for area in AREAS:
            community, rng = b.communities[area.code], b.rng(f"contracts:{area.code}")
            add_contract_performance(community, rng, era=STUDY_PERFORMANCE)
        community, rng = b.communities[PRESENT.code], b.rng(f"contracts:{PRESENT.code}")
        add_contract_performance(community, rng, era=TODAY_PERFORMANCE)
        say("Service developments, activities and who took part")
        build_activities(b)
        build_review_decisions(b)  # the live services' reviews (commissioning.demo.reviews)
        build_groupings(b)  # localities and a clinical network (commissioning.demo.groupings)
        for community in b.communities.values():  # limits recalculated where developments went live
            confirm_go_live_recalculations(community)
        say("Interviews, meeting notes and documents, coded to the seven themes")
        build_evidence(b)
        say("Provider selection decision records")
        add_award_records(b.communities[PRESENT.code], today=DEMO_TODAY)
        say("Logins")
        logins = build_logins(b, password)
        build_surveys(b)  # influence-network surveys (commissioning.demo.surveys)
    return DemoResult(logins=logins, seed=seed, counts=_counts())


def _counts() -> dict[str, int]:
    from commissioning.store import models as m

    return {
        "communities": m.CommissioningCommunity.objects.filter(synthetic=True).count(),
        "practices": m.Organisation.objects.filter(kind="gp_practice", synthetic=True).count(),
        "developments": m.ServiceDevelopment.objects.count(),
        "activities": m.Activity.objects.count(),
        "observations": m.Observation.objects.count(),
    }
