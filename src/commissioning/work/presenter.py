"""The figures of the work of commissioning, worked out once for every surface.

**The development's workplace** (:func:`workplace`): what the development page shows of the
work recorded on it, read through the access policy: the activity log, the decision log, the
risks and issues (scored on the 5 x 5 matrix, overdue reviews marked) and the planned benefits,
each with whether it is realised, read from monitoring (SPC) and the objective's evaluation
(:mod:`commissioning.work.benefits`). :func:`overdue_reviews` feeds the alert inbox.

**A development's labour** is the hours of the activities recorded against it *and against its
tasks* (the developments whose parent it is): the development page, its evaluation and its board
report all count it this way, and say so. A task's own page counts the task alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from commissioning.access.policy import visible
from commissioning.analytics.work import labour, scorecard
from commissioning.analytics.work.pay_rates import load_pay_rates
from commissioning.store.computed import remembered
from commissioning.store.frames import CommunityFrames, load_community
from commissioning.store.models import Activity, ActivityKind, Nature, Objective, Stage
from commissioning.work.tables import cell, table


def baseline_basis(objective) -> str:
    """What an objective's baseline is and when: the indicator's value when the development
    started (as imports and the objective form record it), with the start date. Every surface
    that shows a baseline says this beside it, so it is not taken for the latest value."""
    started = objective.development.start_date
    when = f"{started.day} {started:%B %Y}" if started else "start date not recorded"
    return f"the value when the development started ({when})"


def development_ids(frames: CommunityFrames, development_id: int) -> set[int]:
    """The development and its tasks (its child developments, at any depth)."""
    parents = frames.developments[["development_id", "parent_id"]].dropna(subset=["parent_id"])
    children: dict[int, list[int]] = {}
    for child, parent in zip(parents["development_id"], parents["parent_id"], strict=True):
        children.setdefault(int(parent), []).append(int(child))
    found, todo = {int(development_id)}, [int(development_id)]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def community_split(frames: CommunityFrames) -> pd.DataFrame:
    """One row per participation and stage of every activity of the community (hours split)."""
    return labour.stage_hours(frames.activities, frames.activity_stages, frames.participations)


def development_split(development, frames: CommunityFrames | None = None) -> pd.DataFrame:
    """The labour split of one development with its tasks, with ``cost`` at the pay rates."""
    frames = frames if frames is not None else load_community(development.community.code)
    split = community_split(frames)
    ids = development_ids(frames, development.pk)
    split = split[split["development_id"].isin(ids).fillna(False).astype(bool)]
    return labour.with_cost(split, load_pay_rates().hourly())


def task_hours(development, split: pd.DataFrame) -> float:
    """Of a development's hours (``split`` from :func:`development_split`), those of its tasks."""
    return float(split.loc[split["development_id"] != development.pk, "hours"].sum())


def stage_names() -> dict[str, str]:
    return dict(Stage.objects.values_list("code", "name"))


def development_labour(development, *, money: bool, stages: dict[str, str]) -> dict:
    """The labour of one development and its tasks (for its page): hours, full-time years and
    cost by stage and by stakeholder role, from the same engine as the community's page. Cost
    is left out unless ``money``."""
    split = development_split(development)
    rates = load_pay_rates()
    hourly, per_year = rates.hourly(), rates.hours_per_fte_year
    by_stage = labour.labour_table(split, hourly, per_year, by=["stage"])
    by_stage["stage"] = by_stage["stage"].map(lambda s: stages.get(s, s))
    by_role = labour.labour_table(split, hourly, per_year, by=["role_type"])
    total = labour.labour_table(split.assign(all="all"), hourly, per_year, by=["all"])
    return {
        "hours": float(total["hours"].sum()) if len(total) else 0.0,
        "task_hours": task_hours(development, split),
        "fte_years": float(total["fte_years"].sum()) if len(total) else 0.0,
        "cost": cell(total["cost"].iloc[0], "cost") if money and len(total) else None,
        # the same cost as a number of pounds (None where not shown, or not costed), for the API
        "cost_pounds": _pounds(total["cost"].iloc[0]) if money and len(total) else None,
        "by_stage": table(by_stage, money=money),
        "by_role": table(by_role, money=money),
    }


def kept_labour(development, *, money: bool, stages: dict[str, str]) -> dict:
    """:func:`development_labour`, kept until a record changes
    (:func:`commissioning.store.computed.remembered`): the development page and the API's
    evaluation share it. Keyed on the development, whether the login sees money (the cost is
    left out otherwise) and the stage names (reference data outside the audit trail, so a
    renamed stage shows at once)."""
    return remembered(
        "development labour",
        (development.pk, money, tuple(sorted(stages.items()))),
        lambda: development_labour(development, money=money, stages=stages),
    )


def _pounds(value) -> float | None:
    return None if pd.isna(value) else float(value)


#: The scorecard's statuses in the order every surface lists them.
STATUSES = (scorecard.MET, scorecard.PARTLY, scorecard.NOT_MET, scorecard.NO_DATA)


def with_decisions(frames: CommunityFrames) -> CommunityFrames:
    """``frames`` with the community's decision log and what each decision cites (the store
    does not read the work app): the scorecard's "monitoring that feeds review" reads them."""
    from commissioning.store.frames import frame
    from commissioning.work.models import Decision, EvidenceLink

    decisions = Decision.objects.filter(development__community__code=frames.code)
    rows = [
        {"decision_id": d["id"], "development_id": d["development_id"], "date": d["date"],
         "title": d["title"]}
        for d in decisions.values("id", "development_id", "date", "title")
    ]  # fmt: skip
    links = EvidenceLink.objects.filter(decision__development__community__code=frames.code)
    link_rows = [
        {"decision_id": x["decision_id"], "kind": x["kind"], "indicator_id": x["indicator_id"]}
        for x in links.values("decision_id", "kind", "indicator_id")
    ]
    return dataclasses.replace(
        frames,
        decisions=frame("decisions", rows),
        decision_links=frame("decision_links", link_rows),
    )


def community_scorecard(frames: CommunityFrames):
    """The effective-commissioning scorecard of a community, as of its latest dated record:
    the one card its page, its report and the report across communities show."""
    frames = with_decisions(frames)
    return scorecard.scorecard(frames, as_of=scorecard.default_as_of(frames))


def kept_scorecard(code: str):
    """The :func:`community_scorecard` of community ``code``'s records, kept until a record
    changes (:func:`commissioning.store.computed.remembered`): a measure's page and the API
    share it. It holds money (the whole budget's pounds) whoever asks: the surfaces leave money
    out for logins that see none (``sees_money``) when they lay it out. Keyed on the community
    alone, as the card is of all its records, whoever reads it."""
    return remembered(
        "community scorecard", (code,), lambda: community_scorecard(load_community(code))
    )


def met_at(limits: dict) -> list[float]:
    """The values (shares) at which a measure is met: its ``met`` threshold, or the two ends of
    the band inside which it is met (the balance of relational and contractual work)."""
    if set(limits) >= scorecard.BAND:
        return [float(limits["met_low"]), float(limits["met_high"])]
    return [float(limits["met"])]


def scorecard_years(frames: CommunityFrames, *, config: dict | None = None, as_of=None) -> dict:
    """Each measure's value in each financial year of the community's records (April to March,
    the last year ending at the card's date, or at ``as_of``): how each moved over time; what
    the work page, the board report and ``commissioning scorecard --by-year`` show, as tables
    and as the chart of :func:`commissioning.charts.scorecard.years_chart`.

    ``years`` are the financial years and ``labels`` their names (2012/13); each row has the
    measure's id, name, one value (a share, or None for no data) and one status per year, and
    ``met_at``: the value at which the measure is met (two for a band) under ``config`` (the
    default thresholds unless given)."""
    frames = with_decisions(frames)
    config = config or scorecard.load_thresholds()
    as_of = scorecard.default_as_of(frames) if as_of is None else pd.Timestamp(as_of)
    found = scorecard.by_year(frames, config=config, as_of=as_of)
    years = sorted(int(y) for y in set(found["financial_year"])) if len(found) else []
    rows = []
    for spec in scorecard.MEASURES:
        mine = found[found["id"] == spec["id"]].set_index("financial_year")
        value, status = mine["value"], mine["status"]
        values = [None if pd.isna(value.get(y)) else float(value[y]) for y in years]
        statuses = [str(status.get(y, scorecard.NO_DATA)) for y in years]
        rows.append(
            {
                "id": spec["id"],
                "name": spec["name"],
                "values": values,
                "statuses": statuses,
                "met_at": met_at(config["measures"][spec["id"]]),
            }
        )
    return {
        "as_of": as_of,
        "years": years,
        "labels": [year_label(y) for y in years],
        "rows": rows,
    }


def scorecard_across(cards: list, *, config: dict | None = None) -> dict:
    """Each measure's value in each community's card (``cards``, from
    :func:`community_scorecard`), with its lowest and highest: what the report across
    communities gives as a table and as the dot plot of
    :func:`commissioning.charts.scorecard.across_chart`. ``communities`` are the cards' codes;
    each row has the measure's id, name, one value (a share, or None) and one status per
    community, ``lowest``, ``highest`` (None when no community has a value) and ``met_at``."""
    config = config or scorecard.load_thresholds()
    rows = []
    for spec in scorecard.MEASURES:
        measures = [card.measure(spec["id"]) for card in cards]
        values = [m.value for m in measures]
        known = [v for v in values if v is not None]
        rows.append(
            {
                "id": spec["id"],
                "name": spec["name"],
                "values": values,
                "statuses": [m.status for m in measures],
                "lowest": min(known) if known else None,
                "highest": max(known) if known else None,
                "met_at": met_at(config["measures"][spec["id"]]),
            }
        )
    return {"communities": [card.community for card in cards], "rows": rows}


def year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def status_counts(card) -> dict[str, int]:
    """How many of the card's measures have each status, in :data:`STATUSES` order."""
    found = [m.status for m in card.measures]
    return {status: found.count(status) for status in STATUSES}


# --- the development's workplace ----------------------------------------------------------------


def workplace(user, development, *, today: dt.date) -> dict:
    """What the development page shows of the work recorded on it, for ``user``: who may add
    what, its partners, the activity log (newest first), the decision log, the risks and issues
    and the planned benefits with whether each is realised (read from monitoring and
    evaluation). Every record is read through the access policy."""
    from commissioning.work import records
    from commissioning.work.models import Benefit, Decision, Partner, Risk

    community = development.community
    may = {
        "change_development": records.may_change(user, development),
        "add_objective": records.may_add(user, Objective, development),
        "add_activity": records.may_add(user, Activity, development),
        "add_decision": records.may_add(user, Decision, development),
        "add_risk": records.may_add(user, Risk, development),
        "add_benefit": records.may_add(user, Benefit, development),
    }
    may["change_records"] = may["add_decision"]  # decisions, risks, benefits, objectives alike
    partners = [
        p.organisation.name
        for p in visible(user, Partner)
        .filter(development=development)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    risks = _risks(user, development, today, may["change_records"])
    return {
        "may": may,
        "partners": partners,
        "log": _log(user, development, may["add_activity"]),
        "decisions": _decisions(user, development, may["change_records"]),
        "risks": risks,
        "open_risks": sum(1 for r in risks if r["open"]),
        "overdue_risks": sum(1 for r in risks if r["overdue"]),
        "benefits": _benefits(user, development, may["change_records"]),
        "community_code": community.code,
    }


def _log(user, development, may_change: bool) -> list[dict]:
    kinds, natures = dict(ActivityKind.choices), dict(Nature.choices)
    activities = (
        visible(user, Activity)
        .filter(development=development)
        .prefetch_related("stages", "participations__person")
        .order_by("-date", "-id")
    )
    rows = []
    for a in activities:
        parts = sorted(a.participations.all(), key=lambda p: (p.person.name, p.person_id))
        rows.append(
            {
                "id": a.pk,
                "date": a.date,
                "title": a.title,
                "kind": kinds.get(a.kind, a.kind),
                "nature": natures.get(a.nature, a.nature),
                "stages": [s.name for s in sorted(a.stages.all(), key=lambda s: s.order)],
                "participants": [(p.person.name, float(p.hours)) for p in parts],
                "hours": float(sum((p.hours for p in parts), 0)),
                "outcome": a.outcome,
                "may_change": may_change,
            }
        )
    return rows


def _decisions(user, development, may_change: bool) -> list[dict]:
    from django.urls import reverse

    from commissioning.evidence.models import Evidence
    from commissioning.work.models import Decision, LinkKind

    code, slug = development.community.code, development.slug
    readable = set(
        visible(user, Evidence).filter(community=development.community).values_list("pk", flat=True)
    )
    decisions = (
        visible(user, Decision)
        .filter(development=development)
        .prefetch_related(
            "options",
            "interests",
            "evidence_links__evidence",
            "evidence_links__indicator",
            "evidence_links__condition",
        )
        .order_by("-date", "-id")
    )
    out = []
    for d in decisions:
        links = []
        for link in d.evidence_links.all():
            if link.kind == LinkKind.EVIDENCE:
                if link.evidence_id not in readable:
                    continue  # a document the reader may not open is not mentioned
                url = reverse("evidence:detail", args=[code, link.evidence_id])
                label = f"Evidence log: {link.evidence.title}"
            elif link.kind == LinkKind.MONITORING:
                url = (
                    reverse("development-monitoring", args=[code, slug])
                    + f"?indicator={link.indicator.code}#charts"
                )
                label = f"Monitoring chart: {link.indicator.name}"
            else:
                url = reverse("community-needs", args=[code, link.condition.slug])
                label = f"Needs assessment: {link.condition.name}"
            links.append({"kind": link.kind, "label": label, "url": url})
        out.append(
            {
                "id": d.pk,
                "date": d.date,
                "title": d.title,
                "forum": d.forum,
                "rationale": d.rationale,
                "options": [(o.description, o.chosen) for o in d.options.all()],
                "links": links,
                "interests": [(i.person, i.interest, i.managed) for i in d.interests.all()],
                "no_interests": d.no_interests,
                "may_change": may_change,
            }
        )
    return out


def _risks(user, development, today: dt.date, may_change: bool) -> list[dict]:
    from commissioning.work import rules
    from commissioning.work.models import Risk, RiskStatus

    rows = []
    for r in visible(user, Risk).filter(development=development).select_related("owner"):
        rating = rules.rating(r.likelihood, r.impact)
        is_open = r.status == RiskStatus.OPEN
        rows.append(
            {
                "id": r.pk,
                "kind": r.get_kind_display(),
                "description": r.description,
                "likelihood": r.likelihood,
                "likelihood_label": rules.LIKELIHOOD[r.likelihood],
                "impact": r.impact,
                "impact_label": rules.IMPACT[r.impact],
                "score": rating.score,
                "rating": rating.label,
                "colour": rating.colour,
                "owner": r.owner.name if r.owner_id else "",
                "mitigations": r.mitigations,
                "review_date": r.review_date,
                "raised": r.raised,
                "open": is_open,
                "status": r.get_status_display(),
                "overdue": rules.review_overdue(r.review_date, today, open_=is_open),
                "may_change": may_change,
            }
        )
    rows.sort(key=lambda r: (not r["open"], -r["score"], r["review_date"], r["id"]))
    return rows


def _benefits(user, development, may_change: bool) -> list[dict]:
    from django.urls import reverse

    from commissioning.work import benefits, rules
    from commissioning.work.models import Benefit

    code, slug = development.community.code, development.slug
    out = []
    found = (
        visible(user, Benefit)
        .filter(development=development)
        .select_related("objective__indicator", "owner")
        .order_by("id")
    )
    for b in found:
        objective, indicator = b.objective, b.objective.indicator
        spc = benefits.monitored(user, development, objective) if indicator else None
        evaluation = benefits.evaluated(user, development, objective) if indicator else None
        polarity = indicator.polarity if indicator else ""
        moved = rules.direction(
            getattr(evaluation, "lower", None), getattr(evaluation, "upper", None), polarity
        )
        status = rules.realisation(
            latest_value=spc.latest_value if spc else None,
            latest_date=spc.latest_date if spc else None,
            target=objective.target_value,
            target_date=objective.target_date,
            polarity=polarity,
            variation=spc.variation if spc else None,
            assurance=spc.assurance if spc else None,
            evaluation_direction=moved,
        )
        words, colour = rules.REALISATION[status]
        out.append(
            {
                "id": b.pk,
                "description": b.description,
                "owner": b.owner.name if b.owner_id else "",
                "objective": objective.description,
                "indicator": indicator.name if indicator else "",
                "unit": indicator.unit if indicator else "",
                "baseline": objective.baseline_value,
                "baseline_basis": baseline_basis(objective),
                "target": objective.target_value,
                "target_date": objective.target_date,
                "status": status,
                "status_label": words,
                "colour": colour,
                "monitoring": _spc_words(spc),
                "spc": spc,
                "evaluation": _evaluation_words(evaluation),
                "chart_url": reverse("development-monitoring", args=[code, slug])
                + (f"?indicator={indicator.code}#charts" if indicator else ""),
                "evaluation_url": reverse("objective-evaluation", args=[code, slug, objective.pk]),
                "may_change": may_change,
            }
        )
    return out


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _spc_words(spc) -> str:
    from commissioning.work.benefits import ASSURANCE_WORDS, VARIATION_WORDS

    if spc is None:
        return "No values of the indicator are shown for this community yet."
    words = (
        f"Latest {_number(spc.latest_value)} ({spc.latest_date:%b %Y}, {spc.subject}); mean "
        f"{_number(spc.mean)} over {spc.points} points; "
        f"{VARIATION_WORDS.get(spc.variation, 'no variation judged')}"
    )
    if spc.assurance:
        words += f"; the process {ASSURANCE_WORDS[spc.assurance]}"
    return words + "."


def _evaluation_words(evaluation) -> str:
    if evaluation is None:
        return "Not evaluated."
    if evaluation.estimate is None:
        return evaluation.note
    return (
        f"Level change {evaluation.estimate:+,.2f} (95% interval {evaluation.lower:,.2f} to "
        f"{evaluation.upper:,.2f}) from {evaluation.intervention:%b %Y}, {evaluation.note}."
    )


def overdue_reviews(user, community, today: dt.date) -> list[dict]:
    """The open risks and issues of ``community`` that ``user`` may read whose review date has
    passed: for the alert inbox."""
    from django.urls import reverse

    from commissioning.work.models import Risk, RiskStatus

    found = (
        visible(user, Risk)
        .filter(development__community=community, status=RiskStatus.OPEN, review_date__lt=today)
        .select_related("development", "owner")
        .order_by("review_date", "id")
    )
    return [
        {
            "key": f"risk-review:{r.pk}:{r.review_date.isoformat()}",
            "title": f"{r.development.title}: {r.get_kind_display().lower()} "
            f"'{r.description[:80]}'",
            "detail": f"review was due {r.review_date:%-d %B %Y}"
            + (f" (owner {r.owner.name})" if r.owner_id else ""),
            "url": reverse("development", args=[community.code, r.development.slug]) + "#risks",
        }
        for r in found
    ]
