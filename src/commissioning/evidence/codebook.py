"""The default codebook: seven themes of commissioning practice, and processes, resources and
outcomes. Communities may add their own codebooks (e.g. imported from a REFI-QDA project).

The themes come from the field study of commissioning for long-term conditions in three English
sites (Porter et al. 2013; see shared/domain/facts.md), said in plain English.
"""

from __future__ import annotations

from django.db import transaction

DEFAULT_NAME = "Commissioning practice"
THEME = "Theme"
FRAMEWORK = "Processes, resources, outcomes"

THEMES = [
    (
        "labour",
        "The work commissioning takes",
        "Time and effort spent by everyone involved: meetings, analysis, papers, negotiation.",
    ),
    (
        "who-commissions",
        "Who does the commissioning",
        "Providers, GPs, clinicians and charities doing commissioning tasks, not only the "
        "commissioner's staff.",
    ),
    (
        "money",
        "Money is often on the sidelines",
        "Decisions made with little or no new money; block contracts mean payment does not "
        "follow the change.",
    ),
    (
        "scale-pace",
        "Small steps, slow pace",
        "Change is mostly incremental and takes longer than planned.",
    ),
    (
        "national-drivers",
        "National drivers",
        "National strategies, guidance, targets and incentive schemes that start or shape local "
        "work.",
    ),
    (
        "relationships",
        "Relationships more than contracts",
        "Working through trust with incumbent providers rather than competition; how far "
        "quasi-market conditions (choice, information, transaction costs, motivation) hold.",
    ),
    (
        "measuring-impact",
        "Hard to measure impact",
        "Effects show late and are hard to put down to one development; poor data.",
    ),
]
PRO = [
    ("processes", "Processes", "How the commissioning was done: steps, meetings, decisions."),
    ("resources", "Resources", "People, time, money, data and skills put in."),
    ("outcomes", "Outcomes", "What changed for services and patients, and what did not."),
]


@transaction.atomic
def default_codebook():
    """The shared default codebook, made on first use."""
    from commissioning.evidence.models import Code, Codebook

    book, _ = Codebook.objects.get_or_create(
        community=None,
        name=DEFAULT_NAME,
        defaults={
            "description": "Seven themes of commissioning practice, and processes, "
            "resources and outcomes."
        },
    )
    for order, (key, name, description) in enumerate(THEMES):
        Code.objects.get_or_create(
            codebook=book,
            key=key,
            defaults={"name": name, "description": description, "group": THEME, "order": order},
        )
    for order, (key, name, description) in enumerate(PRO, start=len(THEMES)):
        Code.objects.get_or_create(
            codebook=book,
            key=key,
            defaults={"name": name, "description": description, "group": FRAMEWORK, "order": order},
        )
    return book


def codes_for(community):
    """Every code a community may use: the default codebook's and its own codebooks'."""
    from django.db.models import Q

    from commissioning.evidence.models import Code

    default_codebook()
    return Code.objects.filter(
        Q(codebook__community=None) | Q(codebook__community=community)
    ).select_related("codebook")


def find_code(community, key_or_name: str):
    """A code by its key or name (any case), or None."""
    text = key_or_name.strip()
    codes = codes_for(community)
    return codes.filter(key__iexact=text).first() or codes.filter(name__iexact=text).first()
