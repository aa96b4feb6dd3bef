"""Alerts: a digest for each user of what changed in what they follow.

A user follows (:class:`~commissioning.reports.models.Subscription`) an indicator (in every
community they may read, or in one), a service development, or a whole community. The digest
lists, since the last one:

- new special-cause signals: points of special-cause variation from the XmR engine in months the
  last digest had not seen (the first digest looks at the latest point only). Signals come from
  each series' own control limits, never from percentile ranks, so a small practice whose
  figure is noisy does not raise an alert by being at the bottom of a table;
- assurance changes: a series that moved between consistently passing, consistently failing
  and inconsistent against its target;
- indicators with missing data: a series whose latest value is older than the rest of the
  community's data, or whose latest month is empty;
- developments (active or proposed) with no activity in the last ``STALE_DAYS`` days;
- services whose review is due (not reviewed for ``REVIEW_YEARS`` years);
- provider selection deadlines within a fortnight, and steps overdue (the pipeline of
  :mod:`commissioning.provider_selection.presenter`, judged against today's date: the notice of
  intention, the standstill period, the award and the award notice);
- contracts (:func:`commissioning.contracts.presenter.alerts`): a line over or under its plan
  with a special-cause signal in its latest month, an incentive milestone not met, a variation
  awaiting signature.
- risks and issues of developments whose review date has passed, judged against today's date
  (:func:`commissioning.work.presenter.overdue_reviews`).

Missing data, stale developments, reviews due and overdue risk reviews are "standing" items:
each is reported once, when it first arises, not in every digest. Dates are judged against the
community's latest record (not later than today), so historic or synthetic data is judged on
its own calendar; risk reviews and procurement steps, which are set for the real calendar, are
judged against today.

Each digest is kept as an :class:`~commissioning.reports.models.InboxMessage` and e-mailed
through Django's configured mail backend to users who have an address and asked for e-mail.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from commissioning.document import label
from commissioning.monitoring.presenter import build
from commissioning.monitoring.recalculations import recorded
from commissioning.monitoring.records import community_observations
from commissioning.store import models as m

STALE_DAYS = 90
REVIEW_YEARS = 3
MISSING_MONTHS = 2


@dataclass
class Item:
    kind: str  # signal, assurance, missing_data, no_activity, review_due
    community: str
    title: str
    detail: str
    url: str = ""  # the page the item is about (a path in the app), shown in the inbox

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "community": self.community,
            "title": self.title,
            "detail": self.detail,
            "url": self.url,
        }

    def line(self) -> str:
        return f"[{KIND_LABELS[self.kind]}] {self.community}: {self.title}. {self.detail}"


KIND_LABELS = {
    "signal": "New signal",
    "assurance": "Assurance changed",
    "missing_data": "Missing data",
    "no_activity": "No recent activity",
    "review_due": "Review due",
    "deadline": "Procurement deadline",
    "overdue": "Procurement step overdue",
    "plan_signal": "Contract line against plan",
    "milestone_missed": "Incentive milestone missed",
    "variation_unsigned": "Variation awaiting signature",
    "risk_review": "Risk review overdue",
}


@dataclass
class Digest:
    user: object
    items: list[Item] = field(default_factory=list)
    emailed: bool = False
    email_error: str = ""

    @property
    def subject(self) -> str:
        n = len(self.items)
        return f"Commissioning digest: {n} item{'s' if n != 1 else ''} to look at"

    def body(self) -> str:
        lines = [f"{self.subject}.", ""]
        for kind, name in KIND_LABELS.items():
            items = [i for i in self.items if i.kind == kind]
            if items:
                lines.append(f"{name}:")
                lines += [f"- {i.community}: {i.title}. {i.detail}" for i in items]
                lines.append("")
        lines.append(
            "Signals come from statistical process control (XmR charts), not from rankings. "
            "Change what you follow in the app."
        )
        return "\n".join(lines)


def reference_date(community) -> dt.date:
    """The community's latest activity or observation date, but not later than today."""
    known = [
        d
        for d in (
            m.Activity.objects.filter(community=community).aggregate(d=Max("date"))["d"],
            _observation_dates(community),
        )
        if d is not None
    ]
    today = timezone.localdate()
    return min(max(known), today) if known else today


def _observation_dates(community):
    from commissioning.access.policy import observations_of_community

    return m.Observation.objects.filter(observations_of_community(community.pk)).aggregate(
        d=Max("period")
    )["d"]


def _visible_communities(user):
    from commissioning.access.policy import visible

    return visible(user, m.CommissioningCommunity.objects.all())


def _targets(sub, communities, user) -> list[tuple[object, set | None, object | None]]:
    """(community, indicator ids or None for all, development or None) the subscription covers."""
    from commissioning.access.policy import visible

    if sub.development_id:
        dev = sub.development
        if not visible(user, m.ServiceDevelopment).filter(pk=dev.pk).exists():
            return []
        ids = set(dev.objectives.exclude(indicator=None).values_list("indicator_id", flat=True))
        return [(dev.community, ids, dev)]
    if sub.indicator_id:
        scope = [sub.community] if sub.community_id else list(communities)
        return [(c, {sub.indicator_id}, None) for c in scope if c in communities]
    if sub.community_id and sub.community in communities:
        return [(sub.community, None, None)]
    return []


def _series_items(community, found, state: dict, items: list[Item]) -> None:
    """Signals, assurance changes and missing data of each series of ``found`` (what the
    monitoring presenter, :func:`commissioning.monitoring.presenter.build`, says of them: the
    same series, points and judgements as the monitoring page).

    The points are the values as they may be shown: a hidden value is never judged or quoted,
    and the limits rest on the values shown. A hidden value still counts as recorded for
    missing data.
    """
    recorded = [s for s in found.series if s.observed]
    if not recorded:
        return
    seen = state.setdefault("series", {})
    latest_overall = max(s.observed[-1] for s in recorded)
    page = reverse("community-monitoring", args=[community.code])
    for s in recorded:
        key = s.key
        name = f"{s.indicator.name} ({s.subject})"
        url = f"{page}?series={s.anchor}#{s.anchor}"  # the page that has its chart
        before = seen.get(key)
        valued = [p for p in s.points if p["value"] is not None]
        last_period = s.observed[-1]
        if before is None:
            # the latest recorded point only; a hidden one is not judged
            fresh = [p for p in valued if p["period"] == last_period]
        else:
            since = dt.date.fromisoformat(before["last_period"])
            fresh = [p for p in valued if p["period"] > since]
        special = [p for p in fresh if (p["point_type"] or "").startswith("special_cause")]
        if special:
            last = special[-1]
            kind = label(last["point_type"]).lower()
            rule = (last["rule"] or "").lower()
            items.append(
                Item(
                    "signal",
                    community.name,
                    name,
                    f"{len(special)} new point(s) of {kind} (latest {last['period']:%b %Y}: "
                    f"{last['value']:g}, rule: {rule})",
                    url,
                )
            )
        assurance = s.summary["assurance"] or "no_target"
        if before is not None and before.get("assurance") != assurance:
            items.append(
                Item(
                    "assurance",
                    community.name,
                    name,
                    f"assurance was {label(before.get('assurance')).lower()}, "
                    f"now {label(assurance).lower()}",
                    url,
                )
            )
        seen[key] = {"last_period": f"{last_period:%Y-%m-%d}", "assurance": assurance}
        # Missing data: the series stopped while the community's other data went on.
        empty_latest = bool(s.points) and s.points[-1]["period"] != last_period
        months_behind = (latest_overall.year - last_period.year) * 12 + (
            latest_overall.month - last_period.month
        )
        if months_behind >= MISSING_MONTHS or empty_latest:
            _standing(
                state,
                items,
                f"missing:{key}:{last_period:%Y-%m}",
                Item(
                    "missing_data",
                    community.name,
                    name,
                    f"no value since {last_period:%b %Y}; the community's latest data are for "
                    f"{latest_overall:%b %Y}",
                    url,
                ),
            )


def _standing(state: dict, items: list[Item], key: str, item: Item) -> None:
    standing = state.setdefault("standing", [])
    if key not in standing:
        standing.append(key)
        items.append(item)


def _development_items(community, developments, as_of: dt.date, state, items) -> None:
    cutoff = as_of - dt.timedelta(days=STALE_DAYS)
    for dev in developments:
        if dev.status not in (m.DevelopmentStatus.ACTIVE, m.DevelopmentStatus.PROPOSED):
            continue
        last = m.Activity.objects.filter(development=dev).aggregate(d=Max("date"))["d"]
        if last is None or last < cutoff:
            since = f"since {last:%-d %B %Y}" if last else "ever"
            _standing(
                state,
                items,
                f"stale:{dev.pk}:{last}",
                Item(
                    "no_activity",
                    community.name,
                    dev.title,
                    f"{dev.get_status_display()}, no activity recorded {since}",
                    reverse("development", args=[community.code, dev.slug]),
                ),
            )


def _review_items(community, services, as_of: dt.date, state, items) -> None:
    for service in services:
        if service.end_date is not None and service.end_date <= as_of:
            continue
        last = service.last_reviewed
        due = None if last is None else last.replace(year=last.year + REVIEW_YEARS)
        if due is None or due <= as_of:
            when = f"due {due:%-d %B %Y}" if due else "never reviewed"
            _standing(
                state,
                items,
                f"review:{service.pk}:{last}",
                Item(
                    "review_due",
                    community.name,
                    service.name,
                    f"review {when}",
                    reverse("community", args=[community.code]) + "#services",
                ),
            )


def _procurement_items(user, community, state, items) -> None:
    from commissioning.provider_selection.presenter import steps

    for step in steps(user, community, timezone.localdate()):
        _standing(
            state,
            items,
            step.key,
            Item(step.kind, community.name, step.title, step.detail, step.url),
        )


def _contract_items(user, community, state, items) -> None:
    from commissioning.contracts.presenter import alerts

    for alert in alerts(user, community):
        _standing(
            state,
            items,
            alert.key,
            Item(alert.kind, community.name, alert.title, alert.detail, alert.url),
        )


def _risk_items(user, community, dev, state, items) -> None:
    """Open risks and issues whose review date has passed (judged against today's date)."""
    from commissioning.work.presenter import overdue_reviews

    for risk in overdue_reviews(user, community, timezone.localdate()):
        if dev is not None and not risk["url"].startswith(
            reverse("development", args=[community.code, dev.slug])
        ):
            continue
        _standing(
            state,
            items,
            risk["key"],
            Item("risk_review", community.name, risk["title"], risk["detail"], risk["url"]),
        )


def digest_for(user, subscriptions) -> tuple[Digest, dict]:
    """The digest for one user and each subscription's new state (not saved)."""
    from commissioning.access.policy import visible

    communities = set(_visible_communities(user))
    digest = Digest(user)
    states = {}
    seen_lines: set[str] = set()
    for sub in subscriptions:
        state = {k: (dict(v) if isinstance(v, dict) else list(v)) for k, v in sub.state.items()}
        items: list[Item] = []
        for community, ids, dev in _targets(sub, communities, user):
            # Only what the user may read: a provider hears about their own series only.
            observations = community_observations(user, community)
            if ids is not None:
                observations = observations.filter(indicator_id__in=list(ids))
            found = build(
                observations,
                recalculations=recorded(user, community),
                page_size=None,
                render=False,
            )
            _series_items(community, found, state, items)
            as_of = reference_date(community)
            if ids is None or dev is not None:
                devs = (
                    [dev] if dev is not None else list(visible(user, community.developments.all()))
                )
                _development_items(community, devs, as_of, state, items)
                services = visible(user, (dev if dev is not None else community).services.all())
                _review_items(community, services, as_of, state, items)
                _risk_items(user, community, dev, state, items)
            if ids is None and dev is None:
                _procurement_items(user, community, state, items)
                _contract_items(user, community, state, items)
        states[sub.pk] = state
        for item in items:
            if item.line() not in seen_lines:
                seen_lines.add(item.line())
                digest.items.append(item)
    return digest, states


def send_digests(*, dry_run: bool = False, users=None) -> list[Digest]:
    """Make (and unless ``dry_run``, deliver) every user's digest; returns them all."""
    from commissioning.reports.models import InboxMessage, Subscription

    subs = Subscription.objects.select_related(
        "user", "indicator", "development__community", "community"
    ).order_by("user_id", "pk")
    if users is not None:
        subs = subs.filter(user__in=users)
    by_user: dict = {}
    for sub in subs:
        if sub.user.is_active:
            by_user.setdefault(sub.user, []).append(sub)
    digests = []
    for user, user_subs in by_user.items():
        digest, states = digest_for(user, user_subs)
        digests.append(digest)
        if dry_run:
            continue
        with transaction.atomic():
            now = timezone.now()
            for sub in user_subs:
                sub.state = states[sub.pk]
                sub.last_sent = now
                sub.save(update_fields=["state", "last_sent"])
            if not digest.items:
                continue
            wants_email = bool(user.email) and any(s.by_email for s in user_subs)
            if wants_email:
                try:
                    send_mail(digest.subject, digest.body(), None, [user.email])
                    digest.emailed = True
                except (OSError, smtplib.SMTPException) as exc:
                    # The digest still reaches the inbox; the command reports the failure.
                    digest.email_error = str(exc) or exc.__class__.__name__
            InboxMessage.objects.create(
                user=user,
                subject=digest.subject,
                items=[i.as_dict() for i in digest.items],
                emailed=digest.emailed,
            )
    return digests
