"""Monitoring: indicator observations shaped into SPC series, charts, icons and exceptions.

The one presenter behind the monitoring pages, the board reports' monitoring section, the report
across communities and the alerts. One series is one indicator for one subject (an organisation
or a service) over time. All the series go through the SPC engine in one call, on the values
as every surface shows them (:mod:`.arrays` works them out, :mod:`.pages` draws pages of charts
from the result); :func:`build` gives the result: a Making Data Count chart (one design,
:mod:`commissioning.charts.spc`), the variation and assurance icons, the table beside the chart,
the summary matrix, the cautions (limits from fewer than 12 points are provisional; a series
with fewer than two values is not judged) and the data-quality exceptions. Surfaces only choose
which observations they cover (:mod:`.records`) and lay out what comes back.

Limits are recalculated where a commissioner confirmed it (:mod:`.recalculations`): every
surface passes the community's recorded decisions, so a series has the same limits on the
pages, in the board reports and in the alerts. Given the series each development touched and
its go-live date, :func:`build` also lists the recalculations the rule of :mod:`.rules` proposes.
The lower limit of a measure that cannot be negative is shown from zero (:mod:`.rules`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from commissioning.charts.spc import DARK_TEXT, POINT_STYLES, WHITE, spc_figures_spec
from commissioning.monitoring.rules import Evidence, cannot_be_negative, is_percentage
from commissioning.store.models import Frequency, Indicator, Polarity

IMPROVEMENT = {
    Polarity.HIGHER_BETTER: "increase",
    Polarity.LOWER_BETTER: "decrease",
    Polarity.NEUTRAL: "neutral",
}


# Matrix rows (variation) and columns (assurance), exceptions first.
VARIATIONS = [
    ("special_cause_concern", "Special cause concern"),
    ("special_cause_improvement", "Special cause improvement"),
    ("special_cause_neutral", "Special cause, neither better nor worse"),
    ("common_cause", "Common cause"),
    ("none", "No data"),
]
ASSURANCES = [
    ("consistent_fail", "Consistently fails the target"),
    ("inconsistent", "Hits and misses the target"),
    ("consistent_pass", "Consistently passes the target"),
    ("none", "No target"),
]
FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}
#: Fewer values than this and a series' variation is not judged (one point has no moving range).
MINIMUM_TO_JUDGE = 2
#: The caution beside a chart whose limits rest on fewer than 12 values (NHSRplotthedots' trial
#: limits), on the page and in the board report alike.
TRIAL_LIMITS = (
    "Fewer than 12 values: these are trial limits, provisional, and will become more reliable "
    "as data is added."
)
RECENT_MONTHS = 3
ANNOTATED_KINDS = {"decision", "procurement"}
# Charts on one page of a monitoring page: every series is in the summary matrix, but charts and
# their tables are drawn a page at a time (an ICB's practices give over a thousand series).
PAGE_SIZE = 20
# A cell of the summary matrix lists each of its series while one indicator has at most a page of
# charts there; above that it gives one link to those charts (an ICB's practices: 1,300 links).
MATRIX_LINKS_UP_TO = PAGE_SIZE


@dataclass(frozen=True)
class Icon:
    """One Making Data Count icon: a circle with a letter, its colours and what it means."""

    letter: str
    label: str
    fill: str
    text: str
    kind: str


@dataclass(eq=False, slots=True)
class Series:
    key: str
    indicator: Indicator
    subject: str
    points: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    variation: Icon | None = None
    assurance: Icon | None = None
    chart: dict | None = None
    description: str = ""
    trial_limits: bool = False
    annotations: list[dict] = field(default_factory=list)
    suppression: str = ""  # the small-numbers rule, in words, for the note under the table
    # periods with a value recorded (shown or not), as datetime64[D]: ``observed`` as dates
    recorded: np.ndarray = field(default_factory=lambda: np.empty(0, "datetime64[D]"), repr=False)
    page: int = 1  # the page of its indicator's charts (``?indicator=CODE&page=N``) it is on
    body_html: str = ""  # its icons, chart, events and table (shown series only), rendered once
    # Confirmed recalculations that start new limits in it: ``period`` (where the new limits
    # start), ``starts`` (the date confirmed), ``reason``, ``development``, ``by``, ``when``.
    recalculations: list[dict] = field(default_factory=list)
    from_zero: bool = False  # a measure that cannot be negative: limits, axis never below zero
    floored: bool = False  # a lower limit worked out below zero is shown as 0

    @property
    def observed(self) -> list[dt.date]:
        """The periods with a value recorded, shown or not (dates, in order)."""
        return self.recorded.tolist()

    @property
    def anchor(self) -> str:
        return f"series-{self.key}"

    @property
    def caution(self) -> str:
        """What a reader must know before trusting the limits ("" when nothing)."""
        return TRIAL_LIMITS if self.trial_limits else ""

    @property
    def latest(self) -> dict | None:
        """The latest period with a value recorded, and that value as shown (None when hidden)."""
        if not len(self.recorded):
            return None
        period = self.recorded[-1].item()
        value = next((p for p in reversed(self.points) if p["period"] == period), None)
        return {
            "period": period,
            "value": None if value is None else value["value"],
            "hidden": bool(value and value["hidden"]),
        }

    @property
    def spec_id(self) -> str:
        return f"spc-spec-{self.key}"


@dataclass
class Monitoring:
    series: list[Series]
    matrix: list[dict]
    exceptions: list[dict]
    latest_period: dt.date | None
    assurance_columns: tuple = tuple(ASSURANCES)
    shown: list[Series] = field(default_factory=list)  # this page's series: charts and tables
    page: int = 1
    pages: int = 1
    page_size: int = PAGE_SIZE
    indicator: Indicator | None = None  # the indicator the charts are narrowed to
    indicators: list[Indicator] = field(default_factory=list)  # those with a series here
    first: int = 0  # the number of the first chart shown (from 1), 0 when none
    total: int = 0  # the charts there are to page through
    cell: dict | None = None  # the matrix cell the charts are narrowed to: its two labels
    proposals: list[Proposal] = field(default_factory=list)  # recalculations to decide


@dataclass(frozen=True)
class Proposal:
    """A recalculation the app proposes: a series, the go-live that changed it (a
    :class:`.recalculations.GoLive`) and the evidence that the change lasted."""

    series: Series
    go_live: object
    evidence: Evidence


# --- icons --------------------------------------------------------------------------------


def variation_icon(point_type: str | None, signal: str | None) -> Icon:
    if point_type is None:
        return Icon("?", "No data to judge variation", "#ffffff", DARK_TEXT, "none")
    name, colour, _shape = POINT_STYLES[point_type]
    if point_type == "common_cause":
        return Icon("C", "Common cause variation", colour, DARK_TEXT, point_type)
    high = signal == "high"
    letter = "H" if high else "L"
    text = WHITE if point_type == "special_cause_neutral" else DARK_TEXT
    return Icon(letter, f"{name}: {'high' if high else 'low'} values", colour, text, point_type)


def assurance_icon(assurance: str | None) -> Icon:
    if assurance == "consistent_pass":
        return Icon("P", "Consistently passes the target", "#00b0f0", DARK_TEXT, assurance)
    if assurance == "consistent_fail":
        return Icon("F", "Consistently fails the target", "#e46c0a", DARK_TEXT, assurance)
    if assurance == "inconsistent":
        return Icon("I", "Hits and misses the target", "#a6a6a6", DARK_TEXT, assurance)
    return Icon(
        "?", "No assurance: no target, or no direction of improvement", WHITE, DARK_TEXT, "none"
    )


# --- counts -------------------------------------------------------------------------------


def shown_count(value) -> str:
    """A numerator or denominator as the chart's table shows it: already disclosed
    (:func:`commissioning.analytics.disclosure.shown_values`), so ``*`` where hidden."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# --- building series ----------------------------------------------------------------------


# The observation fields a series is built from; FRAME_COLUMNS are the columns of a grouping's
# total series given to ``work_out`` as ``extra_series`` (made by monitoring.records).
OBSERVATION_FIELDS = (
    "indicator_id",
    "organisation_id",
    "organisation__name",
    "service_id",
    "service__name",
    "period",
    "value",
    "numerator",
    "denominator",
    "target",
)
FRAME_COLUMNS = (*OBSERVATION_FIELDS, "series", "subject", "date")
NUMBERS = ("value", "numerator", "denominator", "target")


def build(
    observations,
    *,
    indicators: list[Indicator] = (),
    annotations: dict[int | None, list[dict]] | None = None,
    latest: dt.date | None = None,
    recalculations: Sequence = (),
    go_lives: Sequence = (),
    extra_series: pd.DataFrame | None = None,
    total_members: dict[dt.date, set[int]] | None = None,
    page: int = 1,
    indicator: str | None = None,
    variation: str | None = None,
    assurance: str | None = None,
    page_size: int | None = PAGE_SIZE,
    render: bool = True,
) -> Monitoring:
    """Everything a monitoring page shows for these observations:
    :func:`.arrays.work_out` and then :meth:`.pages.Computed.page` (see both).

    ``recalculations`` are the community's recorded decisions about limits
    (:func:`.recalculations.recorded`) and ``go_lives`` the series its developments touched with
    their go-live dates (:func:`.recalculations.go_lives`), from which the result's
    ``proposals`` come (see :func:`.arrays.work_out`). ``page_size=None`` shows every series
    (board reports, alerts); with ``render=False`` no page HTML is made for them.
    """
    from commissioning.monitoring.arrays import work_out  # it lays series out with this module

    computed = work_out(
        observations,
        indicators=indicators,
        annotations=annotations,
        latest=latest,
        recalculations=recalculations,
        go_lives=go_lives,
        extra_series=extra_series,
        total_members=total_members,
        page_size=page_size,
    )
    return computed.page(page, indicator, variation, assurance, render=render)


def from_zero(indicator: Indicator) -> bool:
    """Whether the indicator's measure cannot be negative (:func:`.rules.cannot_be_negative`)."""
    return cannot_be_negative(
        indicator.unit, indicator.domain, bool((indicator.denominator or "").strip())
    )


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _floor(value: float | None, from_zero: bool) -> float | None:
    """A lower limit as shown: never below zero for a measure that cannot be negative."""
    return max(0.0, value) if from_zero and value is not None else value


def _dated(annotations: list[dict], points: list[dict]) -> list[dict]:
    """The annotations that fall within the series' time span, numbered in date order."""
    if not points:
        return []
    start = points[0]["period"]
    end = points[-1]["period"] + dt.timedelta(days=31)
    chosen = sorted(
        (a for a in annotations if start <= a["date"] < end), key=lambda a: (a["date"], a["label"])
    )
    return [{**a, "number": i} for i, a in enumerate(chosen, start=1)]


def recency_problem(s: Series, latest: dt.date | None) -> str:
    """Why a series' data is out of date or patchy, or "" when it is not."""
    observed = s.observed
    every = FREQUENCY_MONTHS.get(s.indicator.frequency, 1)
    missed = sum(max(0, _months_between(a, b) // every - 1) for a, b in pairwise(observed))
    return _recency_text(s.indicator, observed[-1] if observed else None, missed, latest)


def _recency_text(indicator, last: dt.date | None, missed: int, latest: dt.date | None) -> str:
    """``recency_problem`` from a series' latest recorded period and the values it misses."""
    if last is None:
        return "No values recorded."
    problems = []
    every = FREQUENCY_MONTHS.get(indicator.frequency, 1)
    allowed = max(RECENT_MONTHS, every)
    if latest is not None:
        behind = _months_between(last, latest)
        if behind >= allowed:
            problems.append(
                f"Latest value is for {last:%B %Y}, {behind} months before the latest "
                f"period in the community's data ({latest:%B %Y})."
            )
    if missed:
        label = indicator.get_frequency_display().lower()
        problems.append(f"{missed} {label} value{'s' if missed != 1 else ''} missing.")
    return " ".join(problems)


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _cell_of(s: Series) -> tuple[str, str]:
    """The matrix cell of a series: the variation of its latest value, its assurance."""
    return (s.summary.get("variation") or "none", s.summary.get("assurance") or "none")


def matrix(series: list[Series]) -> list[dict]:
    """Rows by variation, columns by assurance; each cell lists its series, and its series by
    indicator (``groups``: indicator, its series there, whether they are too many to list)."""
    members: dict[tuple[str, str], list[Series]] = {}
    for s in series:
        members.setdefault(_cell_of(s), []).append(s)
    rows = []
    for variation, label in VARIATIONS:
        cells = []
        for assurance, _ in ASSURANCES:
            here = members.get((variation, assurance), [])
            by_indicator: dict[int, list[Series]] = {}
            for s in here:
                by_indicator.setdefault(s.indicator.pk, []).append(s)
            groups = [
                {
                    "indicator": group[0].indicator,
                    "series": group,
                    "grouped": len(group) > MATRIX_LINKS_UP_TO,
                }
                for group in by_indicator.values()
            ]
            cells.append({"assurance": assurance, "series": here, "groups": groups})
        rows.append({"variation": variation, "label": label, "cells": cells})
    return rows


# --- text and charts ----------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "not known" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def describe(s: Series) -> str:
    """A text alternative for the chart: what it shows and what the latest point means."""
    observed = [p for p in s.points if p["value"] is not None]
    hidden = [p for p in s.points if p["hidden"]]
    unit = f" {s.indicator.unit}" if s.indicator.unit else ""
    if not observed:
        if hidden:
            return (
                f"{s.indicator.name} for {s.subject}: {len(hidden)} values recorded, every one "
                "hidden because it rests on small numbers."
            )
        return f"{s.indicator.name} for {s.subject}: no values recorded."
    summary = s.summary
    special = sum(1 for p in observed if p["point_type"] not in (None, "common_cause"))
    text = (
        f"{s.indicator.name} for {s.subject}: {len(observed)} values from "
        f"{observed[0]['period']:%B %Y} to {observed[-1]['period']:%B %Y}. "
        f"Mean {_fmt(summary['mean'])}{unit}, process limits {_fmt(summary['lpl'])} to "
        f"{_fmt(summary['upl'])}."
    )
    if summary["target"] is not None:
        text += f" Target {_fmt(summary['target'])}{unit}."
    text += (
        f" Latest value {_fmt(observed[-1]['value'])}{unit} for "
        f"{observed[-1]['period']:%B %Y}: {s.variation.label.lower()}."
    )
    text += f" {special} of {len(observed)} values show special cause variation."
    if hidden:
        text += (
            f" {len(hidden)} value{'s are' if len(hidden) != 1 else ' is'} hidden (a gap in the "
            "line) because it rests on small numbers; the mean and limits leave "
            f"{'them' if len(hidden) != 1 else 'it'} out."
        )
    for r in s.recalculations:
        text += f" Limits recalculated from {r['period']:%B %Y}: {r['reason'].rstrip('.')}."
    if s.floored:
        text += " The lower limit is shown as 0, below which this measure cannot go."
    if s.assurance.kind != "none":
        text += f" Assurance: {s.assurance.label.lower()}."
    return text


def spc_spec(s: Series) -> dict:
    """The Making Data Count chart of one series as a Vega-Lite specification: values, mean,
    process limits, target, annotations and the confirmed recalculations of its limits (R,
    with the reason). Its y axis covers the values, means, limits (as shown) and target with a
    little room, not forced to zero (:func:`commissioning.charts.spc.y_domain`): never below 0
    for a measure that cannot be negative, nor padded above 100 for a percentage.

    Drawn by :func:`commissioning.charts.spc.spc_figures_spec`, which builds the chart's design
    (:func:`spc_chart`, built with Altair) once for each unit, target and annotations and gives
    the series' figures as the specification's named datasets, its axis set for them. Building
    an Altair chart for each series cost about 0.2 s of processor time, most of a monitoring
    page's.
    """
    return spc_figures_spec(
        s.points,
        unit=s.indicator.unit or "Value",
        non_negative=s.from_zero,
        percentage=is_percentage(s.indicator.unit),
        annotations=s.annotations,
        recalculations=s.recalculations,
    )


# --- annotations --------------------------------------------------------------------------


def development_annotations(development, activities) -> list[dict]:
    """Decisions, procurement steps and go-live of a development, as dated chart labels."""
    marks = [
        {"date": a.date, "label": f"{a.get_kind_display()}: {a.title}"}
        for a in activities
        if a.kind in ANNOTATED_KINDS
    ]
    if development.go_live_date:
        marks.append({"date": development.go_live_date, "label": f"Go-live: {development.title}"})
    return marks
