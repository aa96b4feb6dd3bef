"""The figures of the work of commissioning, worked out once for every surface.

**A development's labour** is the hours of the activities recorded against it *and against its
tasks* (the developments whose parent it is): the development page, its evaluation and its board
report all count it this way, and say so. A task's own page counts the task alone.
"""

from __future__ import annotations

import pandas as pd

from commissioning.analytics.practice import labour, scorecard
from commissioning.analytics.practice.pay_rates import load_pay_rates
from commissioning.store.frames import CommunityFrames, load_community
from commissioning.store.models import Stage
from commissioning.work.tables import cell, table


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
        "by_stage": table(by_stage, money=money),
        "by_role": table(by_role, money=money),
    }


#: The scorecard's statuses in the order every surface lists them.
STATUSES = (scorecard.MET, scorecard.PARTLY, scorecard.NOT_MET, scorecard.NO_DATA)


def community_scorecard(frames: CommunityFrames):
    """The effective-commissioning scorecard of a community, as of its latest dated record:
    the one card its page, its report and the report across communities show."""
    return scorecard.scorecard(frames, as_of=scorecard.default_as_of(frames))


def status_counts(card) -> dict[str, int]:
    """How many of the card's measures have each status, in :data:`STATUSES` order."""
    found = [m.status for m in card.measures]
    return {status: found.count(status) for status in STATUSES}
