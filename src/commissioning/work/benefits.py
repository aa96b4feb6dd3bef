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
  series (its assurance there is against the target recorded with the observations).
- **Evaluation**: the level change of the objective's evaluation page with its default choices
  (:func:`commissioning.evaluation.presenter.objective_summary`), with its 95% interval.

:func:`commissioning.work.rules.realisation` turns them into a status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def spc_summary(data: pd.DataFrame, *, target: float, polarity: str) -> dict | None:
    """The SPC summary of a ``date``, ``value`` series against ``target``, or None if empty."""
    data = data.dropna(subset=["value"])
    if data.empty:
        return None
    engine_input = pd.DataFrame(
        {
            "date": pd.to_datetime(data["date"]).to_numpy(),
            "value": data["value"].astype(float).to_numpy(),
            "target": float(target),
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
    found = series(user, indicator, options.subject)
    summary = spc_summary(found, target=objective.target_value, polarity=indicator.polarity)
    if summary is None:
        return None
    label = next(
        s["label"] for s in subjects(user, development, indicator) if s["key"] == options.subject
    )
    return Spc(subject=label, subject_key=options.subject, **summary)


def evaluated(user, development, objective):
    """The objective's evaluation with its page's default choices (or None)."""
    from commissioning.evaluation import presenter as evaluation

    return evaluation.objective_summary(user, development, objective)
