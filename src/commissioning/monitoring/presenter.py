"""Monitoring: indicator observations shaped into SPC series, charts, icons and exceptions.

The one presenter behind the monitoring pages, the board reports' monitoring section, the report
across communities and the alerts. One series is one indicator for one subject (an organisation
or a service) over time. All the series go through the SPC engine
(:func:`commissioning.analytics.spc.xmr`) in one call, on the values as every surface shows
them; :func:`build` then shapes the engine's output: a Making Data Count chart (one design,
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
from django.template.loader import render_to_string

from commissioning.analytics.disclosure import configured_policy, shown_values
from commissioning.analytics.spc import short_periods, summarise, xmr
from commissioning.charts.spc import DARK_TEXT, MARKS, POINT_STYLES, POINTS, WHITE, spc_chart
from commissioning.monitoring.models import Decision
from commissioning.monitoring.rules import Evidence, cannot_be_negative, go_live_evidence
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


@dataclass
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
    observed: list[dt.date] = field(default_factory=list)  # periods with a value (shown or not)
    page: int = 1  # the page of its indicator's charts (``?indicator=CODE&page=N``) it is on
    body_html: str = ""  # its icons, chart, events and table (shown series only), rendered once
    # Confirmed recalculations that start new limits in it: ``period`` (where the new limits
    # start), ``starts`` (the date confirmed), ``reason``, ``development``, ``by``, ``when``.
    recalculations: list[dict] = field(default_factory=list)
    from_zero: bool = False  # a measure that cannot be negative: limits and axis from zero
    floored: bool = False  # a lower limit worked out below zero is shown as 0

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
        if not self.observed:
            return None
        period = self.observed[-1]
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


# The observation fields a series is built from; FRAME_COLUMNS are the columns of ``_frame``'s
# result (and of any ``extra_series`` given to ``build``).
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


def _frame(observations) -> pd.DataFrame:
    rows = list(observations.values(*OBSERVATION_FIELDS).order_by())
    df = pd.DataFrame(rows, columns=list(OBSERVATION_FIELDS))
    if df.empty:
        return df.assign(series=pd.Series(dtype=str))
    subject = np.where(
        df["service_id"].notna(),
        "svc" + df["service_id"].fillna(0).astype(int).astype(str),
        "org" + df["organisation_id"].fillna(0).astype(int).astype(str),
    )
    df["series"] = "i" + df["indicator_id"].astype(str) + "-" + subject
    df["subject"] = df["service__name"].where(df["service_id"].notna(), df["organisation__name"])
    df["date"] = pd.to_datetime(df["period"])
    for column in NUMBERS:
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    return df.sort_values(["series", "date"], kind="stable").reset_index(drop=True)


def _disclosed(
    df: pd.DataFrame, by_id: dict, members: dict[dt.date, set[int]] | None
) -> pd.DataFrame:
    """``df`` with each value, numerator and denominator as every surface shows it.

    The one small-numbers rule (:func:`commissioning.analytics.disclosure.shown_values`): a value
    resting on a hidden count is hidden (NaN, ``hidden`` True) and the others are worked out
    from the counts as shown, so the SPC engine, the chart, its table and its text see only
    what a download shows. ``members`` (a grouping's practices on each period's first day) says
    which rows are the parts of the grouping's total series: those get secondary suppression.
    ``recorded`` keeps where a value was stored, shown or not, for the data-quality checks.
    """
    counted = {pk: indicator.patient_counts for pk, indicator in by_id.items()}
    patient_counts = df["indicator_id"].astype(int).map(counted).fillna(True).astype(bool)
    groups = totals = None
    if members is not None:
        totals = df["organisation_id"].isna() & df["service_id"].isna()
        inside = [
            bool(total) or (pd.isna(svc) and org in members.get(period, ()))
            for total, org, svc, period in zip(
                totals, df["organisation_id"], df["service_id"], df["period"], strict=True
            )
        ]
        key = df["indicator_id"].astype(int).astype(str) + "|" + df["date"].astype(str)
        groups = key.where(pd.Series(inside, index=df.index))
    shown = shown_values(df, patient_counts, configured_policy(), groups=groups, totals=totals)
    return df.assign(
        recorded=df["value"].notna() | shown["hidden"],
        value=shown["value"],
        numerator=shown["numerator"],
        denominator=shown["denominator"],
        hidden=shown["hidden"],
    )


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


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
    """Everything a monitoring page shows for these observations.

    ``indicators`` lists indicators the page is about even if nothing has been observed for them
    (they become data-quality exceptions). ``annotations`` maps an indicator id (or None for
    every chart) to dated labels drawn on the time axis. ``latest`` is the latest period in the
    community's data, against which recency is judged. ``recalculations`` are the community's
    recorded decisions about limits (:func:`.recalculations.recorded`): each confirmed one starts
    new limits at its series' first period on or after its date (not the series' first period);
    any decision stops the same recalculation being proposed again. ``go_lives`` are the
    series touched by developments with their go-live dates (:func:`.recalculations.go_lives`):
    those the rule of :mod:`.rules` supports become the result's ``proposals``.
    ``extra_series`` adds series made elsewhere (a grouping's totals),
    in the columns ``_frame`` gives; ``total_members`` gives the practices that add up to them
    in each period.

    Every value, count and statistic is worked out from the values as they may be shown
    (:func:`_disclosed`): a value resting on a small count is a gap, never plotted, tabled or
    used for the mean and limits.

    Every series gets its SPC summary, icons and data-quality checks (the matrix and the
    exceptions cover them all), but only the ``page_size`` series of page ``page`` (counted
    from 1, kept within the pages there are) get their points, chart and description: those of
    one indicator when ``indicator`` is the code of one with a series here, and of one cell of
    the matrix when ``variation`` and ``assurance`` name one (both, from VARIATIONS and
    ASSURANCES). ``page_size=None`` shows every series (board reports, alerts); with
    ``render=False`` no page HTML is made for them.

    A series with fewer than :data:`MINIMUM_TO_JUDGE` values shown is not judged: it has no
    variation (the "No data" row of the matrix), whatever the engine says of its one point.
    """
    annotations = annotations or {}
    df = _frame(observations)
    if extra_series is not None and len(extra_series):
        df = pd.concat([df, extra_series], ignore_index=True) if len(df) else extra_series.copy()
    by_id = {i.pk: i for i in Indicator.objects.filter(pk__in=set(df["indicator_id"]))}
    by_id.update({i.pk: i for i in indicators})
    suppression = configured_policy().describe()
    series: list[Series] = []
    exceptions: list[dict] = []
    if not df.empty:
        df = _disclosed(df, by_id, total_members if extra_series is not None else None)
        improvements = df["indicator_id"].map(lambda i: IMPROVEMENT[by_id[i].polarity])
        engine_input = pd.DataFrame(
            {
                "series": df["series"],
                "date": df["date"],
                "value": df["value"],
                "target": df["target"],
                "improvement": improvements,
            }
        )
        confirmed = [r for r in recalculations if r.decision == Decision.CONFIRMED]
        engine_input["rebase"], restarts = _rebases(df, confirmed)
        points = xmr(engine_input)
        summary = summarise(points).set_index("series")
        short = short_periods(points)
        short_series = set(short["series"].astype(str)) if len(short) else set()
        # Per-series look-ups as plain dictionaries: a dataframe row per series cost most of
        # the page's time at ICB scale (1,300 series).
        firsts = df.drop_duplicates("series").set_index("series")
        firsts.index = firsts.index.astype(str)
        first_of = firsts[["indicator_id", "subject"]].to_dict("index")
        summary.index = summary.index.astype(str)
        summary_of = summary.to_dict("index")
        valued_points = points[points["value"].notna()]
        recorded = df[df["recorded"]]
        observed_of = (
            recorded["date"].dt.date.groupby(recorded["series"].astype(str), sort=False).agg(list)
        ).to_dict()
        last_rows = valued_points.drop_duplicates("series", keep="last")
        last_of = dict(
            zip(
                last_rows["series"].astype(str),
                last_rows[["point_type", "signal"]].to_dict("records"),
                strict=True,
            )
        )
        blocks: dict[str, pd.DataFrame] = {}
        for key, block in points.groupby("series", observed=True, sort=True):
            key = str(key)
            first = first_of[key]
            series_indicator = by_id[int(first["indicator_id"])]
            s = Series(key=key, indicator=series_indicator, subject=str(first["subject"]))
            s.suppression = suppression
            s.from_zero = from_zero(series_indicator)
            s.recalculations = restarts.get(key, [])
            s.summary = _summary_row(summary_of[key], s.from_zero)
            s.trial_limits = key in short_series
            s.observed = observed_of.get(key, [])
            last = last_of.get(key)
            if s.summary["points"] < MINIMUM_TO_JUDGE:
                last = None
                s.summary["variation"] = None
            s.variation = variation_icon(
                None if last is None else _text(last["point_type"]),
                None if last is None else _text(last["signal"]),
            )
            s.assurance = assurance_icon(s.summary["assurance"])
            series.append(s)
            blocks[key] = block
            problem = recency_problem(s, latest)
            if problem:
                exceptions.append({"series": s, "indicator": series_indicator, "reason": problem})
    proposals = _proposals(df, series, recalculations, go_lives) if go_lives and series else []
    seen = {s.indicator.pk for s in series}
    for missing in indicators:
        if missing.pk not in seen:
            exceptions.append(
                {"series": None, "indicator": missing, "reason": "No observations recorded."}
            )
    series.sort(key=lambda s: (s.indicator.code, s.subject))
    if page_size is None:
        page_size = max(1, len(series))
    present = list({s.indicator.code: s.indicator for s in series}.values())
    chosen = next((i for i in present if i.code == indicator), None)
    within: dict[int, int] = {}
    for s in series:  # each series' page among its own indicator's charts
        within[s.indicator.pk] = within.get(s.indicator.pk, 0) + 1
        s.page = (within[s.indicator.pk] - 1) // page_size + 1
    listed = [s for s in series if chosen is None or s.indicator.pk == chosen.pk]
    cell = None
    if variation in dict(VARIATIONS) and assurance in dict(ASSURANCES):
        listed = [s for s in listed if _cell_of(s) == (variation, assurance)]
        cell = {"variation": dict(VARIATIONS)[variation], "assurance": dict(ASSURANCES)[assurance]}
    pages = max(1, math.ceil(len(listed) / page_size))
    page = min(max(1, page), pages)
    shown = listed[(page - 1) * page_size : page * page_size]
    extra = df.set_index(["series", "date"]) if shown else None
    for s in shown:  # only these get points, a chart and a table
        s.points = _point_rows(blocks[s.key], extra.loc[s.key], s.from_zero)
        s.floored = any(p["floored"] for p in s.points)
        s.annotations = _dated(
            annotations.get(None, []) + annotations.get(s.indicator.pk, []), s.points
        )
        s.description = describe(s)
        s.chart = spc_spec(s)
        if render:
            s.body_html = render_to_string("web/_monitoring_series_body.html", {"s": s})
    return Monitoring(
        series,
        matrix(series),
        exceptions,
        latest,
        shown=shown,
        page=page,
        pages=pages,
        page_size=page_size,
        indicator=chosen,
        indicators=present,
        first=(page - 1) * page_size + 1 if shown else 0,
        total=len(listed),
        cell=cell,
        proposals=proposals,
    )


def from_zero(indicator: Indicator) -> bool:
    """Whether the indicator's measure cannot be negative (:func:`.rules.cannot_be_negative`)."""
    return cannot_be_negative(
        indicator.unit, indicator.domain, bool((indicator.denominator or "").strip())
    )


def _rebases(df: pd.DataFrame, confirmed) -> tuple[pd.Series, dict[str, list[dict]]]:
    """The engine's ``rebase`` column for the confirmed recalculations, and for each series the
    recalculations that start new limits in it (where, and what was recorded).

    A recalculation starts new limits at its series' first row dated on or after its date,
    unless that is the series' first row (nothing to recalculate) or there is none.
    """
    column = np.zeros(len(df), dtype=np.int8)
    restarts: dict[str, list[dict]] = {}
    if not confirmed:
        return pd.Series(column, index=df.index), restarts
    wanted: dict[str, list] = {}
    for r in confirmed:
        wanted.setdefault(r.series, []).append(r)
    rows = df[df["series"].isin(list(wanted))]
    for key, block in rows.groupby("series", sort=False):
        block = block.sort_values("date", kind="stable")
        dates = block["date"].to_numpy()
        for r in sorted(wanted[str(key)], key=lambda r: r.starts):
            at = int(np.searchsorted(dates, np.datetime64(pd.Timestamp(r.starts))))
            if at == 0 or at >= len(dates):
                continue
            column[df.index.get_loc(block.index[at])] = 1
            restarts.setdefault(str(key), []).append(
                {
                    "period": pd.Timestamp(dates[at]).date(),
                    "starts": r.starts,
                    "reason": r.reason,
                    "development": r.development.title if r.development_id else "",
                    "by": r.decided_by_name,
                    "when": r.decided_at,
                }
            )
    return pd.Series(column, index=df.index), restarts


def _proposals(df: pd.DataFrame, series: list[Series], recalculations, go_lives) -> list:
    """The recalculations the rule of :mod:`.rules` supports among ``go_lives`` (series touched
    by a development, with its go-live date) that nobody has decided yet, judged on the values
    as shown, within the period (between confirmed recalculations) the go-live falls in."""
    by_key = {s.key: s for s in series}
    decided = {(r.series, r.starts) for r in recalculations}
    cuts: dict[str, list[dt.date]] = {}
    for r in recalculations:
        if r.decision == Decision.CONFIRMED:
            cuts.setdefault(r.series, []).append(r.starts)
    values = {
        str(key): (block["date"].dt.date.to_numpy(), block["value"].to_numpy(dtype=float))
        for key, block in df[df["series"].isin([g.series for g in go_lives])]
        .sort_values(["series", "date"], kind="stable")
        .groupby("series", sort=False)
    }
    found, seen = [], set()
    for g in go_lives:
        if g.series not in by_key or g.series not in values or (g.series, g.date) in decided:
            continue
        if (g.series, g.date) in seen:
            continue
        seen.add((g.series, g.date))
        dates, shown = values[g.series]
        earlier = [c for c in cuts.get(g.series, []) if c < g.date]
        later = [c for c in cuts.get(g.series, []) if c > g.date]
        since = max(earlier) if earlier else dt.date.min
        until = min(later) if later else dt.date.max
        before = shown[(dates >= since) & (dates < g.date)]
        after = shown[(dates >= g.date) & (dates < until)]
        evidence = go_live_evidence(list(before), list(after))
        if evidence is not None:
            found.append(Proposal(by_key[g.series], g, evidence))
    found.sort(key=lambda p: (p.go_live.date, p.series.indicator.code, p.series.subject))
    return found


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _floor(value: float | None, from_zero: bool) -> float | None:
    """A lower limit as shown: never below zero for a measure that cannot be negative."""
    return max(0.0, value) if from_zero and value is not None else value


def _point_rows(block: pd.DataFrame, meta: pd.DataFrame, from_zero: bool = False) -> list[dict]:
    rows = []
    previous_period = None
    for row in block.itertuples(index=False):
        date = pd.Timestamp(row.date)
        raw = meta.loc[date]
        period = int(row.period)
        point_type = None if pd.isna(row.point_type) else str(row.point_type)
        hidden = bool(raw["hidden"])
        if point_type:
            point_label = POINT_STYLES[point_type][0]
        else:
            point_label = "Hidden: it rests on small numbers" if hidden else "No value"
        lpl = _number(row.lpl)
        rows.append(
            {
                "period": date.date(),
                "value": _number(row.value),
                "hidden": hidden,
                "mean": _number(row.mean),
                "lpl": _floor(lpl, from_zero),
                "floored": lpl is not None and _floor(lpl, from_zero) != lpl,
                "upl": _number(row.upl),
                "target": _number(row.target),
                "point_type": point_type,
                "point_label": point_label,
                "signal": None if pd.isna(row.signal) else str(row.signal),
                "rule": None if pd.isna(row.rule) else str(row.rule).replace("_", " "),
                "limits_period": period,
                "rebase": previous_period is not None and period != previous_period,
                "numerator": shown_count(raw["numerator"]),
                "denominator": shown_count(raw["denominator"]),
            }
        )
        previous_period = period
    return rows


def _summary_row(row, from_zero: bool = False) -> dict:
    return {
        "points": int(row["points"]),
        "mean": _number(row["mean"]),
        "lpl": _floor(_number(row["lpl"]), from_zero),
        "upl": _number(row["upl"]),
        "target": _number(row["target"]),
        "variation": None if pd.isna(row["variation"]) else str(row["variation"]),
        "assurance": None if pd.isna(row["assurance"]) else str(row["assurance"]),
        "improvement": str(row["improvement"]),
    }


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
    if not observed:
        return "No values recorded."
    problems = []
    every = FREQUENCY_MONTHS.get(s.indicator.frequency, 1)
    allowed = max(RECENT_MONTHS, every)
    if latest is not None:
        behind = _months_between(observed[-1], latest)
        if behind >= allowed:
            problems.append(
                f"Latest value is for {observed[-1]:%B %Y}, {behind} months before the latest "
                f"period in the community's data ({latest:%B %Y})."
            )
    missed = sum(max(0, _months_between(a, b) // every - 1) for a, b in pairwise(observed))
    if missed:
        label = s.indicator.get_frequency_display().lower()
        problems.append(f"{missed} {label} value{'s' if missed != 1 else ''} missing.")
    return " ".join(problems)


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
    with the reason). A measure that cannot be negative has its y axis from zero.

    The chart's design (:func:`spc_chart`, built with Altair) depends only on the unit, on
    whether there is a target and are annotations, and on whether the axis starts at zero; it
    is built once for each and the series' figures are given as the specification's named
    datasets. Building an Altair chart for each series cost about 0.2 s of processor time, most
    of a monitoring page's.
    """
    points = [
        {
            "Period": p["period"].isoformat(),
            "Value": p["value"],
            "Mean": p["mean"],
            "Lower limit": p["lpl"],
            "Upper limit": p["upl"],
            "Target": p["target"],
            "Point type": p["point_label"],
            "Limits": p["limits_period"],
        }
        for p in s.points
    ]
    reasons = {r["period"]: r["reason"] for r in s.recalculations}
    dated = [
        (
            p["period"],
            "R",
            f"Limits recalculated: {reasons[p['period']]}"
            if p["period"] in reasons
            else "Limits recalculated",
        )
        for p in s.points
        if p["rebase"]
    ] + [(a["date"], str(a["number"]), a["label"]) for a in s.annotations]
    by_date: dict[dt.date, list[tuple[str, str]]] = {}
    for day, number, label in dated:  # one mark a day: labels on one date would overprint
        by_date.setdefault(day, []).append((number, label))
    marks = [
        {
            "Date": day.isoformat(),
            "Label": "; ".join(label for _, label in found),
            "Number": ", ".join(number for number, _ in found),
        }
        for day, found in sorted(by_date.items())
    ]
    has_target = any(p["Target"] is not None for p in points)
    design = spc_chart(s.indicator.unit or "Value", has_target, bool(marks), s.from_zero)
    datasets = {POINTS: points}
    if marks:
        datasets[MARKS] = marks
    return {**design, "datasets": datasets}


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
