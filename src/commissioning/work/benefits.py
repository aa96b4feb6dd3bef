"""Whether a planned benefit is realised: read from monitoring and evaluation, never typed in.

A benefit is measured by its objective: the objective's indicator, target value and target date.

- **Monitoring**: the series of that indicator the objective's evaluation uses by default
  (:func:`commissioning.evaluation.presenter.default_options`: the community's commissioner
  where it has values, else the first of the development's services), the values as every
  surface shows them (a value resting on a small count left out:
  :func:`commissioning.evaluation.records.series`), through the SPC engine
  (:func:`commissioning.analytics.spc.xmr`, improvement from the indicator's polarity) with the
  objective's target: the latest point's variation and the assurance of the latest limits
  against the target. These are the points, mean and limits the monitoring page draws for that
  series (its assurance there is against the target recorded with the observations), limits
  recalculated where a commissioner confirmed it
  (:func:`commissioning.monitoring.recalculations.confirmed_starts`) and a lower limit below 0
  shown as 0 for a measure that cannot be negative.
- **Evaluation**: the level change of the objective's evaluation page with its default choices
  (:func:`commissioning.evaluation.presenter.objective_summary`), with its 95% interval.

:func:`commissioning.work.rules.realisation` turns them into a status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.analytics.spc import summarise, xmr
from commissioning.store.models import Polarity

IMPROVEMENT = {
    Polarity.HIGHER_BETTER: "increase",
    Polarity.LOWER_BETTER: "decrease",
    Polarity.NEUTRAL: "neutral",
}
VARIATION_WORDS = {
    "common_cause": "common cause variation only",
    "special_cause_improvement": "special cause improvement",
    "special_cause_concern": "special cause concern",
    "special_cause_neutral": "special cause variation, neither better nor worse",
}
ASSURANCE_WORDS = {
    "consistent_pass": "consistently passes the target",
    "consistent_fail": "consistently fails the target",
    "inconsistent": "hits and misses the target",
}


@dataclass(frozen=True)
class Spc:
    """The SPC summary of one series against the objective's target."""

    subject: str
    subject_key: str
    points: int
    latest_value: float
    latest_date: dt.date
    mean: float
    lpl: float
    upl: float
    variation: str
    assurance: str | None


def spc_summary(
    data: pd.DataFrame, *, target: float, polarity: str, rebase: Sequence[dt.date] = ()
) -> dict | None:
    """The SPC summary of a ``date``, ``value`` series against ``target``, or None if empty;
    new limits start at the first value on or after each date of ``rebase``."""
    data = data.dropna(subset=["value"])
    if data.empty:
        return None
    dates = pd.to_datetime(data["date"]).to_numpy()
    restarts = np.zeros(len(dates), dtype=np.int8)
    for day in rebase:
        at = int(np.searchsorted(dates, np.datetime64(pd.Timestamp(day))))
        if 0 < at < len(dates):
            restarts[at] = 1
    engine_input = pd.DataFrame(
        {
            "date": dates,
            "value": data["value"].astype(float).to_numpy(),
            "target": float(target),
            "rebase": restarts,
        }
    )
    points = xmr(engine_input, improvement=IMPROVEMENT.get(polarity, "neutral"))
    summary = summarise(points).iloc[0]
    observed = points[points["value"].notna()]
    last = observed.iloc[-1]
    return {
        "points": int(summary["points"]),
        "latest_value": float(last["value"]),
        "latest_date": pd.Timestamp(last["date"]).date(),
        "mean": float(summary["mean"]),
        "lpl": float(summary["lpl"]),
        "upl": float(summary["upl"]),
        "variation": None if pd.isna(summary["variation"]) else str(summary["variation"]),
        "assurance": None if pd.isna(summary["assurance"]) else str(summary["assurance"]),
    }


def monitored(user, development, objective) -> Spc | None:
    """The SPC summary of the objective's indicator in the series its evaluation uses."""
    from commissioning.evaluation import presenter as evaluation
    from commissioning.evaluation.records import series, subjects

    indicator = objective.indicator
    options = evaluation.default_options(user, development, indicator)
    if options is None:
        return None
    from commissioning.monitoring.presenter import from_zero
    from commissioning.monitoring.recalculations import confirmed_starts

    found = series(user, indicator, options.subject)
    kind, _, pk = options.subject.partition("-")
    subject = {"organisation_id": int(pk)} if kind == "org" else {"service_id": int(pk)}
    starts = confirmed_starts(user, development.community, indicator.pk, **subject)
    summary = spc_summary(
        found, target=objective.target_value, polarity=indicator.polarity, rebase=starts
    )
    if summary is None:
        return None
    if from_zero(indicator) and summary["lpl"] < 0:
        summary["lpl"] = 0.0
    label = next(
        s["label"] for s in subjects(user, development, indicator) if s["key"] == options.subject
    )
    return Spc(subject=label, subject_key=options.subject, **summary)


def evaluated(user, development, objective):
    """The objective's evaluation with its page's default choices (or None)."""
    from commissioning.evaluation import presenter as evaluation

    return evaluation.objective_summary(user, development, objective)
