"""The records of the work of commissioning that live beside a development.

Developments, their objectives, activities and participants are the store's
(:mod:`commissioning.store.models`); this app adds what the development page records as the work
happens:

- :class:`Partner`: an organisation taking part in a development (a provider's login records
  activities on the developments its organisation is a partner of);
- :class:`Decision` with the :class:`DecisionOption` s considered, the :class:`EvidenceLink` s
  it rests on (evidence-log documents, monitoring charts, needs pages) and the
  :class:`Interest` s declared and how each was managed;
- :class:`Risk`: risks and issues, with likelihood and impact on the 5 x 5 matrix, an owner,
  mitigations and a review date;
- :class:`Benefit`: a planned benefit tied to an objective and so to its indicator; whether it is
  realised is read from monitoring and evaluation, never stored.

Every change is audited with the values before and after (:mod:`commissioning.store.audit`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from commissioning.store.models import (
    Condition,
    Indicator,
    Objective,
    Organisation,
    Person,
    ServiceDevelopment,
)
from commissioning.work import rules


class Partner(models.Model):
    development = models.ForeignKey(
        ServiceDevelopment, on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="development_partnerships"
    )

    class Meta:
        ordering = ["development", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["development", "organisation"], name="partner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.development}"


class Decision(models.Model):
    development = models.ForeignKey(
        ServiceDevelopment, on_delete=models.CASCADE, related_name="decisions"
    )
    date = models.DateField()
    title = models.CharField("what was decided", max_length=250)
    forum = models.CharField("forum that decided", max_length=200)
    rationale = models.TextField("why", blank=True)
    no_interests = models.BooleanField("no interests were declared", default=False)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"


class DecisionOption(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    description = models.CharField(max_length=300)
    chosen = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["decision", "order", "id"]

    def __str__(self) -> str:
        return self.description + (" (chosen)" if self.chosen else "")


class LinkKind(models.TextChoices):
    EVIDENCE = "evidence", "Evidence-log document"
    MONITORING = "monitoring", "Monitoring chart"
    NEEDS = "needs", "Needs assessment"


class EvidenceLink(models.Model):
    """What a decision rests on: one evidence-log document, one indicator's monitoring charts
    for the development, or one condition's needs assessment page for the community."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="evidence_links")
    kind = models.CharField(max_length=12, choices=LinkKind.choices)
    evidence = models.ForeignKey(
        "evidence.Evidence",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decision_links",
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="decision_links"
    )
    condition = models.ForeignKey(
        Condition, null=True, blank=True, on_delete=models.CASCADE, related_name="decision_links"
    )

    class Meta:
        ordering = ["decision", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=LinkKind.EVIDENCE,
                        evidence__isnull=False,
                        indicator=None,
                        condition=None,
                    )
                    | Q(
                        kind=LinkKind.MONITORING,
                        indicator__isnull=False,
                        evidence=None,
                        condition=None,
                    )
                    | Q(kind=LinkKind.NEEDS, condition__isnull=False, evidence=None, indicator=None)
                ),
                name="evidence_link_one_target",
            )
        ]

    def __str__(self) -> str:
        target = self.evidence or self.indicator or self.condition
        return f"{self.get_kind_display()}: {target}"


class Interest(models.Model):
    """An interest declared when a decision was taken, and how it was managed."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="interests")
    person = models.CharField("who declared it", max_length=200)
    interest = models.TextField("the interest")
    managed = models.TextField("how it was managed")

    class Meta:
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest[:60]}"


class RiskKind(models.TextChoices):
    RISK = "risk", "Risk"
    ISSUE = "issue", "Issue"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    """A risk (something that may happen) or an issue (something that has), on the 5 x 5
    matrix (:func:`commissioning.work.rules.rating`)."""

    development = models.ForeignKey(
        ServiceDevelopment, on_delete=models.CASCADE, related_name="risks"
    )
    kind = models.CharField(max_length=8, choices=RiskKind.choices, default=RiskKind.RISK)
    description = models.TextField()
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks_owned"
    )
    mitigations = models.TextField(blank=True)
    review_date = models.DateField()
    raised = models.DateField()
    status = models.CharField(max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN)

    class Meta:
        ordering = ["development", "status", "-raised", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:120]

    @property
    def rating(self) -> rules.Rating:
        return rules.rating(self.likelihood, self.impact)


class Benefit(models.Model):
    """A planned benefit, measured by its objective's indicator against the objective's target."""

    development = models.ForeignKey(
        ServiceDevelopment, on_delete=models.CASCADE, related_name="benefits"
    )
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="benefits")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="benefits_owned"
    )

    class Meta:
        ordering = ["development", "id"]

    def __str__(self) -> str:
        return self.description
