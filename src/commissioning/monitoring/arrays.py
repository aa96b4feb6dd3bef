"""Monitoring series worked out on arrays: every series of a surface at once, then pages of charts.

The body of :func:`commissioning.monitoring.presenter.build`, kept apart from the presenter's
layout (icons, descriptions, charts, the matrix) so that each can change without the other.
:func:`work_out` reads the observations as arrays (PostgreSQL through ``COPY``), applies the one
small-numbers rule to every row at once (:func:`commissioning.analytics.disclosure.shown_numbers`,
held to :func:`~commissioning.analytics.disclosure.shown_values` by a property test), runs every
series through the SPC engine in one call and makes each series' summary, icons and data-quality
checks. :meth:`Computed.page` then draws one page of charts (their points, description, chart and
table) from that result without working anything out again, so a monitoring page keeps the
:class:`Computed` of a login's scope (``store.computed``) and the next page of 10,000 series
costs only its 20 charts (issue 27; docs/benchmarks.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from commissioning.analytics.disclosure import SUPPRESSED, configured_policy, shown_numbers
from commissioning.analytics.spc.engine import (
    MINIMUM_POINTS,
    Charts,
    charts,
    points_frame,
    prepare_arrays,
    summary_frame,
)
from commissioning.analytics.spc.groups import Groups, last_present
from commissioning.analytics.spc.point_type import POINT_TYPES
from commissioning.charts.spc import POINT_STYLES
from commissioning.monitoring.models import Decision
from commissioning.monitoring.presenter import (
    ASSURANCES,
    FREQUENCY_MONTHS,
    IMPROVEMENT,
    MINIMUM_TO_JUDGE,
    NUMBERS,
    PAGE_SIZE,
    VARIATIONS,
    Icon,
    Monitoring,
    Proposal,
    Series,
    _cell_of,
    _dated,
    _floor,
    _number,
    _recency_text,
    _text,
    assurance_icon,
    describe,
    from_zero,
    matrix,
    shown_count,
    spc_spec,
    variation_icon,
)
from commissioning.monitoring.rules import go_live_evidence
from commissioning.store.models import Indicator, Organisation, Service

# What is read of each observation (names come apart: one row per subject, not per value).
READ_FIELDS = (
    "indicator_id",
    "organisation_id",
    "service_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "target",
)
_READ_TYPES = {
    "indicator_id": pa.int64(),
    "organisation_id": pa.float64(),
    "service_id": pa.float64(),
    "period": pa.date32(),
    **{name: pa.float64() for name in NUMBERS},
}
_ORGANISATION, _SERVICE, _GROUPING = 0, 1, 2  # what a series is of (its key: org, svc, grp)
_IMPROVEMENT_CODE = {"increase": 1, "neutral": 0, "decrease": -1}


def _read(observations) -> dict[str, np.ndarray]:
    """The observations' ``READ_FIELDS`` as arrays: ids and numbers as float (NaN where empty;
    ``indicator_id`` as int), ``period`` as datetime64[D].

    PostgreSQL sends the rows as CSV (``COPY``), which Arrow reads straight into arrays: 600,000
    observations (10,000 series of 60 months) in about 0.4 s of processor time, where rows of
    Python objects took seconds. Other databases (SQLite) go through the ORM's tuples.
    """
    rows = observations.values_list(*READ_FIELDS).order_by()
    connection = connections[rows.db]
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # nothing can match (a login that may read none of them)
            sql = None
        if sql is not None:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
            ):
                for chunk in copy:
                    buffer.write(chunk)
        if buffer.tell():
            buffer.seek(0)
            table = pa_csv.read_csv(
                buffer,
                read_options=pa_csv.ReadOptions(column_names=list(READ_FIELDS)),
                convert_options=pa_csv.ConvertOptions(column_types=_READ_TYPES),
            )
            return {name: table.column(name).to_numpy() for name in READ_FIELDS}
        fetched = []
    else:
        fetched = list(rows)
    columns = list(zip(*fetched, strict=True)) if fetched else [()] * len(READ_FIELDS)
    out = {}
    for name, values in zip(READ_FIELDS, columns, strict=True):
        if name == "indicator_id":
            out[name] = np.array(values, dtype=np.int64)
        elif name == "period":
            out[name] = np.array(values, dtype="datetime64[D]")
        else:
            out[name] = np.array(values, dtype=float)  # None becomes NaN
    return out


def _names(model, ids: np.ndarray) -> dict[int, str]:
    wanted = {int(i) for i in np.unique(ids[~np.isnan(ids)])}
    if not wanted:
        return {}
    return dict(model.objects.filter(pk__in=wanted).values_list("pk", "name"))


def _extra_arrays(extra: pd.DataFrame) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """A grouping's total series (``FRAME_COLUMNS``) as ``_read`` arrays, their series keys and
    subjects (one a series, in the order of their codes)."""
    keys, names = pd.factorize(extra["series"], sort=False)
    subjects = extra.groupby(keys, sort=True)["subject"].first()
    arrays = {
        "indicator_id": extra["indicator_id"].to_numpy(dtype=np.int64),
        "organisation_id": np.full(len(extra), np.nan),
        "service_id": np.full(len(extra), np.nan),
        "period": pd.to_datetime(extra["date"]).to_numpy().astype("datetime64[D]"),
        **{name: extra[name].to_numpy(dtype=float) for name in NUMBERS},
        "subject_id": keys.astype(np.int64),
    }
    return arrays, [str(n) for n in names], [str(x) for x in subjects]


@functools.cache
def _variation_icon(point_type: str | None, signal: str | None) -> Icon:
    return variation_icon(point_type, signal)


@functools.cache
def _assurance_icon(assurance: str | None) -> Icon:
    return assurance_icon(assurance)


@dataclass
class Computed:
    """Every series of a surface worked out once: summaries, icons, matrix cells, data-quality
    exceptions, and the SPC engine's arrays, from which any page of charts is drawn
    (:meth:`page`) without working anything out again.

    A monitoring page keeps one for each login's scope until a record changes
    (``store.computed``), so the next page of charts, one indicator's charts or one cell of the
    matrix costs only the charts it shows. Read only: :meth:`page` draws copies of the series it
    shows.
    """

    series: list[Series]  # in the order of the pages: indicator code, then subject
    matrix: list[dict]
    exceptions: list[dict]
    latest: dt.date | None
    indicators: list[Indicator]  # those with a series here, in order
    page_size: int
    annotations: dict
    charts: Charts | None = None  # the engine's result for every row, sorted by series and date
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # each series' rows there
    numerator: np.ndarray | None = None  # the counts as shown (NaN where hidden or unknown)
    denominator: np.ndarray | None = None
    numerator_hidden: np.ndarray | None = None
    denominator_hidden: np.ndarray | None = None
    hidden: np.ndarray | None = None  # the value is hidden
    proposals: list[Proposal] = field(default_factory=list)  # recalculations to decide

    def page(
        self,
        page: int = 1,
        indicator: str | None = None,
        variation: str | None = None,
        assurance: str | None = None,
        render: bool = True,
        page_size: int | None = None,
    ) -> Monitoring:
        """The page ``page`` (from 1, kept within the pages there are) of charts: of one
        indicator when ``indicator`` is the code of one with a series here, of one cell of the
        matrix when ``variation`` and ``assurance`` name one (both, from VARIATIONS and
        ASSURANCES). Only those series get their points, chart, description and (with
        ``render``) the HTML of their section. ``page_size`` charts make a page (the API's
        pages); otherwise the result's own (the series' ``page`` numbers are of those)."""
        chosen = next((i for i in self.indicators if i.code == indicator), None)
        listed = [s for s in self.series if chosen is None or s.indicator.pk == chosen.pk]
        cell = None
        if variation in dict(VARIATIONS) and assurance in dict(ASSURANCES):
            listed = [s for s in listed if _cell_of(s) == (variation, assurance)]
            cell = {
                "variation": dict(VARIATIONS)[variation],
                "assurance": dict(ASSURANCES)[assurance],
            }
        size = page_size or self.page_size
        pages = max(1, math.ceil(len(listed) / size))
        page = min(max(1, page), pages)
        shown = self._drawn(listed[(page - 1) * size : page * size], render)
        drawn = {s.key: s for s in shown}
        proposals = [
            dataclasses.replace(p, series=drawn[p.series.key]) if p.series.key in drawn else p
            for p in self.proposals
        ]
        return Monitoring(
            [drawn.get(s.key, s) for s in self.series] if drawn else self.series,
            self.matrix,
            self.exceptions,
            self.latest,
            shown=shown,
            page=page,
            pages=pages,
            page_size=size,
            indicator=chosen,
            indicators=self.indicators,
            first=(page - 1) * size + 1 if shown else 0,
            total=len(listed),
            cell=cell,
            proposals=proposals,
        )

    def _drawn(self, chosen: list[Series], render: bool) -> list[Series]:
        """Copies of ``chosen`` with their points, annotations, description, chart and HTML."""
        if not chosen:
            return []
        spans = [self.rows[s.key] for s in chosen]
        rows = np.concatenate([np.arange(a, b) for a, b in spans])
        points = points_frame(self.charts, rows)
        memo: dict = {}  # the same periods, means and limits recur from chart to chart
        out, at = [], 0
        for s, (a, b) in zip(chosen, spans, strict=True):
            span = slice(at, at + b - a)
            at = span.stop
            drawn = dataclasses.replace(
                s, points=self._point_rows(points, span, rows[span], s.from_zero)
            )
            drawn.floored = any(p["floored"] for p in drawn.points)
            drawn.annotations = _dated(
                self.annotations.get(None, []) + self.annotations.get(s.indicator.pk, []),
                drawn.points,
            )
            drawn.description = describe(drawn)
            drawn.chart = spc_spec(drawn)
            if render:
                # between the line breaks the included template of rows had, so a page is the
                # same, byte for byte, as it was (bench_monitoring_page.py --before compares)
                table = mark_safe(f"\n{table_rows_html(drawn.points, memo)}\n")  # noqa: S308
                drawn.body_html = render_to_string(
                    "web/_monitoring_series_body.html", {"s": drawn, "rows": table}
                )
            out.append(drawn)
        return out

    def _point_rows(
        self, points: pd.DataFrame, span: slice, rows: np.ndarray, from_zero: bool = False
    ) -> list[dict]:
        """One series' rows of the chart's table: its points (from the engine) and counts as
        shown; the lower limit of a measure that cannot be negative (``from_zero``) never below
        zero (``floored`` where it was)."""
        block = points.iloc[span]
        dates = block["date"].tolist()
        columns = {name: block[name].tolist() for name in ("value", "mean", "lpl", "upl", "target")}
        periods = block["period"].tolist()
        types = block["point_type"].astype(object).tolist()
        signals = block["signal"].astype(object).tolist()
        rules = block["rule"].astype(object).tolist()
        hidden = self.hidden[rows].tolist()
        counts = [
            [
                SUPPRESSED if star else shown_count(count)
                for count, star in zip(values[rows].tolist(), stars[rows].tolist(), strict=True)
            ]
            for values, stars in (
                (self.numerator, self.numerator_hidden),
                (self.denominator, self.denominator_hidden),
            )
        ]
        out = []
        previous_period = None
        for i, date in enumerate(dates):
            period = int(periods[i])
            point_type = None if pd.isna(types[i]) else str(types[i])
            if point_type:
                point_label = POINT_STYLES[point_type][0]
            elif hidden[i]:
                point_label = "Hidden: it rests on small numbers"
            else:
                point_label = "No value"
            lpl = _number(columns["lpl"][i])
            out.append(
                {
                    "period": pd.Timestamp(date).date(),
                    "value": _number(columns["value"][i]),
                    "hidden": bool(hidden[i]),
                    "mean": _number(columns["mean"][i]),
                    "lpl": _floor(lpl, from_zero),
                    "floored": lpl is not None and _floor(lpl, from_zero) != lpl,
                    "upl": _number(columns["upl"][i]),
                    "target": _number(columns["target"][i]),
                    "point_type": point_type,
                    "point_label": point_label,
                    "signal": None if pd.isna(signals[i]) else str(signals[i]),
                    "rule": None if pd.isna(rules[i]) else str(rules[i]).replace("_", " "),
                    "limits_period": period,
                    "rebase": previous_period is not None and period != previous_period,
                    "numerator": counts[0][i],
                    "denominator": counts[1][i],
                }
            )
            previous_period = period
        return out


def table_rows_html(points: list[dict], memo: dict | None = None) -> str:
    """The rows of a chart's table ("Figures for this chart"), as HTML.

    Made here rather than by a template loop: 1,200 rows a page (20 charts of 60 months) cost
    150 ms in the template engine, most of it Django's ``date``, ``floatformat`` and number
    formatting of each cell. The same filters make each cell here (so the text is the same,
    byte for byte, as a test checks), each value worked out once: ``memo`` keeps the cells
    already made (periods, means and limits recur from row to row and chart to chart).
    """
    memo = {} if memo is None else memo

    def cell(kind: str, value, arg: str = "") -> str:
        key = (kind, repr(value), arg)
        found = memo.get(key)
        if found is None:
            if kind == "date":
                found = date_filter(value, arg)
            elif kind == "float":
                found = floatformat(value, arg)
            else:  # a value as {{ value }} shows it
                found = conditional_escape(localize(value))
            memo[key] = found
        return found

    out = []
    for p in points:
        value = p["value"]
        if p["hidden"]:
            shown = (
                '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-value="*">'
                '<span class="nhsuk-table-responsive__heading">Value </span>*'
                '<span class="nhsuk-u-visually-hidden"> (hidden: small numbers)</span></td>'
            )
        else:
            shown = (
                '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-value="'
                f'{"" if value is None else cell("value", value)}"><span '
                'class="nhsuk-table-responsive__heading">Value </span>'
                f"{cell('float', value, '-2') or 'No value'}</td>"
            )
        limits = "".join(
            '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" '
            f'data-{name}="{"" if p[name] is None else cell("value", p[name])}">'
            f'<span class="nhsuk-table-responsive__heading">{label} </span>'
            f"{cell('float', p[name], '2')}</td>"
            for name, label in (("mean", "Mean"), ("lpl", "Lower limit"), ("upl", "Upper limit"))
        )
        counts = "".join(
            '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" '
            f'data-{name}="{escape(p[name])}"><span class="nhsuk-table-responsive__heading">'
            f"{label} </span>{escape(p[name])}</td>"
            for name, label in (("numerator", "Numerator"), ("denominator", "Denominator"))
        )
        rule = f" ({escape(p['rule'])}, {escape(p['signal'])})" if p["rule"] else ""
        rebase = (
            ' <strong class="nhsuk-tag nhsuk-tag--grey">Limits recalculated</strong>'
            if p["rebase"]
            else ""
        )
        out.append(
            f'<tr class="nhsuk-table__row" data-period="{cell("date", p["period"], "Y-m-d")}" '
            f'data-point-type="{escape(p["point_type"] or "")}"><td class="nhsuk-table__cell '
            'nhsuk-u-nowrap"><span class="nhsuk-table-responsive__heading">Period </span>'
            f"{cell('date', p['period'], 'M Y')}{rebase}</td>{shown}{counts}{limits}"
            '<td class="nhsuk-table__cell nhsuk-table__cell--numeric"><span '
            'class="nhsuk-table-responsive__heading">Target </span>'
            f'{cell("float", p["target"], "-2") or "None"}</td><td class="nhsuk-table__cell">'
            '<span class="nhsuk-table-responsive__heading">Point type </span>'
            f"{escape(p['point_label'])}{rule}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 (each cell escaped or made by Django's filters)


def work_out(
    observations,
    *,
    indicators: list[Indicator] = (),
    annotations: dict[int | None, list[dict]] | None = None,
    latest: dt.date | None = None,
    recalculations: Sequence = (),
    go_lives: Sequence = (),
    extra_series: pd.DataFrame | None = None,
    total_members: dict[dt.date, set[int]] | None = None,
    page_size: int | None = PAGE_SIZE,
) -> Computed:
    """Every series of these observations worked out: the SPC summary, icons and data-quality
    checks of each (the matrix and the exceptions cover them all), ready for pages of charts.

    ``indicators`` lists indicators the page is about even if nothing has been observed for them
    (they become data-quality exceptions). ``annotations`` maps an indicator id (or None for
    every chart) to dated labels drawn on the time axis. ``latest`` is the latest period in the
    community's data, against which recency is judged. ``recalculations`` are the community's
    recorded decisions about limits (:func:`.recalculations.recorded`): each confirmed one starts
    new limits at its series' first period on or after its date (not the series' first period);
    any decision stops the same recalculation being proposed again. ``go_lives`` are the series
    touched by developments with their go-live dates (:func:`.recalculations.go_lives`): those
    the rule of :mod:`.rules` supports become ``proposals``. The lower limit of a measure that
    cannot be negative (:func:`.presenter.from_zero`) is shown from zero.
    ``extra_series`` adds series made elsewhere (a grouping's totals), in ``FRAME_COLUMNS``;
    ``total_members`` gives the practices that add up to them in each period. ``page_size``
    charts make a page (None: every series on one).

    Every value, count and statistic is worked out from the values as they may be shown (the
    one small-numbers rule, :func:`commissioning.analytics.disclosure.shown_numbers`): a value
    resting on a small count is a gap, never plotted, tabled or used for the mean and limits.
    ``recorded`` keeps where a value was stored, shown or not, for the data-quality checks. A
    series with fewer than :data:`MINIMUM_TO_JUDGE` values shown is not judged: it has no
    variation (the "No data" row of the matrix), whatever the engine says of its one point.

    All the series go through the engine at once, as arrays sorted by series and date; nothing
    here loops over rows in Python, and only once over series.
    """
    annotations = annotations or {}
    data = _read(observations)
    data["subject_id"] = np.where(
        np.isnan(data["service_id"]),
        np.nan_to_num(data["organisation_id"]),
        data["service_id"],
    ).astype(np.int64)
    kind = np.where(np.isnan(data["service_id"]), _ORGANISATION, _SERVICE).astype(np.int64)
    extra_keys: list[str] = []
    extra_subjects: list[str] = []
    if extra_series is not None and len(extra_series):
        extra, extra_keys, extra_subjects = _extra_arrays(extra_series)
        kind = np.concatenate([kind, np.full(len(extra_series), _GROUPING, dtype=np.int64)])
        data = {name: np.concatenate([data[name], extra[name]]) for name in data}
    by_id = {i.pk: i for i in Indicator.objects.filter(pk__in=set(data["indicator_id"].tolist()))}
    by_id.update({i.pk: i for i in indicators})
    suppression = configured_policy().describe()
    series: list[Series] = []
    exceptions: list[dict] = []
    computed = Computed(
        series=series,
        matrix=[],
        exceptions=exceptions,
        latest=latest,
        indicators=[],
        page_size=1,
        annotations=annotations,
    )
    if len(data["indicator_id"]):
        # a grouping's practices get secondary suppression beside its total (as before any total)
        members = total_members if extra_series is not None else None
        _work_out_series(
            computed,
            data,
            kind,
            by_id,
            extra_keys,
            extra_subjects,
            (recalculations, go_lives),
            members,
        )
        for s in series:
            s.suppression = suppression
    seen = {s.indicator.pk for s in series}
    for missing in indicators:
        if missing.pk not in seen:
            exceptions.append(
                {"series": None, "indicator": missing, "reason": "No observations recorded."}
            )
    series.sort(key=lambda s: (s.indicator.code, s.subject))
    computed.page_size = page_size if page_size is not None else max(1, len(series))
    within: dict[int, int] = {}
    for s in series:  # each series' page among its own indicator's charts
        within[s.indicator.pk] = within.get(s.indicator.pk, 0) + 1
        s.page = (within[s.indicator.pk] - 1) // computed.page_size + 1
    computed.indicators = list({s.indicator.code: s.indicator for s in series}.values())
    computed.matrix = matrix(series)
    return computed


def _work_out_series(
    computed: Computed,
    data: dict[str, np.ndarray],
    kind: np.ndarray,
    by_id: dict,
    extra_keys: list[str],
    extra_subjects: list[str],
    decided: tuple[Sequence, Sequence],
    members: dict[dt.date, set[int]] | None,
) -> None:
    """``work_out`` for at least one observation: fills in ``computed``'s series, exceptions,
    arrays and proposals. ``decided`` is ``work_out``'s recalculations and go-lives."""
    indicator_of = data["indicator_id"]
    key = (indicator_of << 34) | (kind << 32) | data["subject_id"]
    unique, codes = np.unique(key, return_inverse=True)
    dates = data["period"]
    order = np.lexsort((dates, codes))
    codes, dates, kind = codes[order], dates[order], kind[order]
    arrays = {name: values[order] for name, values in data.items()}
    count = len(unique)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stops = np.r_[starts[1:], len(codes)]
    first_ind = arrays["indicator_id"][starts]
    first_kind = kind[starts]
    first_subject = arrays["subject_id"][starts]
    series_indicator = [by_id[int(i)] for i in first_ind.tolist()]

    # the one small-numbers rule, on every row at once
    counted = np.array([i.patient_counts for i in series_indicator], dtype=bool)[codes]
    groups = totals = None
    if members is not None:
        groups, totals = _total_groups(arrays, kind, dates, members)
    shown = shown_numbers(
        arrays["numerator"],
        arrays["denominator"],
        arrays["value"],
        counted,
        configured_policy(),
        groups=groups,
        totals=totals,
    )
    recorded = ~np.isnan(arrays["value"]) | shown.hidden

    # the SPC engine: every series at once, on the values as shown
    improvement = np.array(
        [_IMPROVEMENT_CODE[IMPROVEMENT[i.polarity]] for i in series_indicator], dtype=np.int8
    )[codes]
    keys = _series_keys(first_ind, first_kind, first_subject, extra_keys)
    recalculations, go_lives = decided
    confirmed = [r for r in recalculations if r.decision == Decision.CONFIRMED]
    rebase, restarts = _rebases(keys, dates, starts, stops, confirmed)
    result = charts(
        prepare_arrays(
            series_codes=codes,
            series_names=None,
            date_key=dates.astype(np.int64),
            dates=pd.Series(dates.astype("datetime64[s]")),
            values=shown.value,
            target=arrays["target"],
            rebase=rebase,
            improvement=improvement,
        )
    )
    summary = summary_frame(result)
    short = np.flatnonzero(result.observed < MINIMUM_POINTS)
    trial = np.zeros(count, dtype=bool)
    trial[codes[result.periods.starts[short]]] = True
    groups_of_series = Groups(starts=starts, sizes=stops - starts)
    latest_row = last_present(~np.isnan(shown.value), groups_of_series)
    has_latest = latest_row >= 0
    at = np.maximum(latest_row, 0)
    last_type = np.where(has_latest, result.point_type[at], -1).tolist()
    last_signal = np.where(has_latest, result.signal[at], 0).tolist()

    # data quality: recency and gaps at each indicator's frequency, from the recorded periods
    months = dates.astype("datetime64[M]").astype(np.int64)
    kept = np.flatnonzero(recorded)
    kept_codes = codes[kept]
    every = np.array(
        [FREQUENCY_MONTHS.get(i.frequency, 1) for i in series_indicator], dtype=np.int64
    )
    step = np.diff(months[kept])
    same = kept_codes[1:] == kept_codes[:-1]
    gaps = np.where(same, np.maximum(0, step // every[kept_codes[1:]] - 1), 0)
    missed = np.bincount(kept_codes[1:], weights=gaps, minlength=count).astype(np.int64)
    cut = np.searchsorted(kept_codes, np.arange(count + 1))
    recorded_dates = np.split(dates[kept], cut[1:-1])

    # one Series for each, in the order of their keys (the exceptions' order)
    organisation_names = _names(Organisation, arrays["organisation_id"])
    service_names = _names(Service, arrays["service_id"])
    subjects = []
    for what, subject in zip(first_kind.tolist(), first_subject.tolist(), strict=True):
        if what == _GROUPING:  # a grouping's total, keyed as records.grouping_totals says
            subjects.append(extra_subjects[subject])
        elif what == _SERVICE:
            subjects.append(str(service_names.get(subject)))
        else:
            subjects.append(str(organisation_names.get(subject)))
    columns = {name: summary[name].tolist() for name in ("points", "mean", "lpl", "upl", "target")}
    labels = {
        name: summary[name].astype(object).tolist()
        for name in ("variation", "assurance", "improvement")
    }
    latest = computed.latest
    zero_of = {i.pk: from_zero(i) for i in by_id.values()}  # limits shown from zero
    for code in sorted(range(count), key=keys.__getitem__):
        s = Series(key=keys[code], indicator=series_indicator[code], subject=subjects[code])
        s.from_zero = zero_of[s.indicator.pk]
        s.recalculations = restarts.get(s.key, [])
        s.summary = {
            "points": int(columns["points"][code]),
            "mean": _number(columns["mean"][code]),
            "lpl": _floor(_number(columns["lpl"][code]), s.from_zero),
            "upl": _number(columns["upl"][code]),
            "target": _number(columns["target"][code]),
            "variation": _text(labels["variation"][code]),
            "assurance": _text(labels["assurance"][code]),
            "improvement": str(labels["improvement"][code]),
        }
        s.trial_limits = bool(trial[code])
        s.recorded = recorded_dates[code]
        judged = s.summary["points"] >= MINIMUM_TO_JUDGE and last_type[code] >= 0
        if s.summary["points"] < MINIMUM_TO_JUDGE:
            s.summary["variation"] = None
        s.variation = _variation_icon(
            POINT_TYPES[last_type[code]] if judged else None,
            SIGNAL_NAMES.get(last_signal[code]) if judged else None,
        )
        s.assurance = _assurance_icon(s.summary["assurance"])
        computed.series.append(s)
        computed.rows[s.key] = (int(starts[code]), int(stops[code]))
        last = s.recorded[-1].item() if len(s.recorded) else None
        problem = _recency_text(s.indicator, last, int(missed[code]), latest)
        if problem:
            computed.exceptions.append({"series": s, "indicator": s.indicator, "reason": problem})
    computed.charts = result
    computed.hidden = shown.hidden
    computed.numerator, computed.denominator = shown.numerator, shown.denominator
    computed.numerator_hidden = shown.numerator_hidden
    computed.denominator_hidden = shown.denominator_hidden
    if go_lives:
        computed.proposals = _proposals(computed, dates, shown.value, recalculations, go_lives)


def _series_keys(
    first_ind: np.ndarray, first_kind: np.ndarray, first_subject: np.ndarray, extra_keys: list[str]
) -> list[str]:
    """Each series' key (:attr:`.presenter.Series.key`), in the order of their codes."""
    keys = []
    for ind, what, subject in zip(
        first_ind.tolist(), first_kind.tolist(), first_subject.tolist(), strict=True
    ):
        if what == _GROUPING:  # a grouping's total, keyed as records.grouping_totals says
            keys.append(extra_keys[subject])
        elif what == _SERVICE:
            keys.append(f"i{ind}-svc{subject}")
        else:
            keys.append(f"i{ind}-org{subject}")
    return keys


def _rebases(
    keys: list[str], dates: np.ndarray, starts: np.ndarray, stops: np.ndarray, confirmed
) -> tuple[np.ndarray, dict[str, list[dict]]]:
    """The engine's ``rebase`` array for the confirmed recalculations (rows sorted by series
    and date; series ``i`` in rows ``starts[i]:stops[i]``), and for each series the
    recalculations that start new limits in it (where, and what was recorded).

    A recalculation starts new limits at its series' first row dated on or after its date,
    unless that is the series' first row (nothing to recalculate) or there is none.
    """
    rebase = np.zeros(len(dates), dtype=np.int8)
    restarts: dict[str, list[dict]] = {}
    if not confirmed:
        return rebase, restarts
    code_of = {key: code for code, key in enumerate(keys)}
    for r in sorted(confirmed, key=lambda r: r.starts):
        code = code_of.get(r.series)
        if code is None:
            continue
        first, stop = int(starts[code]), int(stops[code])
        at = first + int(np.searchsorted(dates[first:stop], np.datetime64(r.starts, "D")))
        if at == first or at >= stop:
            continue
        rebase[at] = 1
        restarts.setdefault(r.series, []).append(
            {
                "period": dates[at].item(),
                "starts": r.starts,
                "reason": r.reason,
                "development": r.development.title if r.development_id else "",
                "by": r.decided_by_name,
                "when": r.decided_at,
            }
        )
    return rebase, restarts


def _proposals(
    computed: Computed, dates: np.ndarray, values: np.ndarray, recalculations, go_lives
) -> list[Proposal]:
    """The recalculations the rule of :mod:`.rules` supports among ``go_lives`` (series touched
    by a development, with its go-live date) that nobody has decided yet, judged on the values
    as shown (``values``: NaN where hidden), within the period (between confirmed
    recalculations) the go-live falls in."""
    by_key = {s.key: s for s in computed.series}
    decided = {(r.series, r.starts) for r in recalculations}
    cuts: dict[str, list[dt.date]] = {}
    for r in recalculations:
        if r.decision == Decision.CONFIRMED:
            cuts.setdefault(r.series, []).append(r.starts)
    found, seen = [], set()
    for g in go_lives:
        if g.series not in by_key or (g.series, g.date) in decided or (g.series, g.date) in seen:
            continue
        seen.add((g.series, g.date))
        first, stop = computed.rows[g.series]
        here, shown = dates[first:stop], values[first:stop]
        earlier = [c for c in cuts.get(g.series, []) if c < g.date]
        later = [c for c in cuts.get(g.series, []) if c > g.date]
        day = np.datetime64(g.date, "D")
        before = here < day
        after = here >= day
        if earlier:
            before &= here >= np.datetime64(max(earlier), "D")
        if later:
            after &= here < np.datetime64(min(later), "D")
        evidence = go_live_evidence(shown[before].tolist(), shown[after].tolist())
        if evidence is not None:
            found.append(Proposal(by_key[g.series], g, evidence))
    found.sort(key=lambda p: (p.go_live.date, p.series.indicator.code, p.series.subject))
    return found


SIGNAL_NAMES = {1: "high", -1: "low"}


def _total_groups(
    arrays: dict[str, np.ndarray],
    kind: np.ndarray,
    dates: np.ndarray,
    members: dict[dt.date, set[int]],
) -> tuple[pd.Series, pd.Series]:
    """Which rows are the parts of a grouping's total (its practices in that period, for the
    same indicator and period) and which are the total: the groups of secondary suppression."""
    organisation = arrays["organisation_id"]
    totals = np.isnan(organisation) & np.isnan(arrays["service_id"])
    inside = totals.copy()
    plain = np.isnan(arrays["service_id"])
    for day in np.unique(dates):
        ids = members.get(day.item(), ())
        here = np.flatnonzero((dates == day) & plain)
        if len(here) and ids:
            inside[here] |= np.isin(organisation[here], np.fromiter(ids, dtype=float))
    months = dates.astype(np.int64)
    group = arrays["indicator_id"].astype(float) * 1e6 + months
    return pd.Series(np.where(inside, group, np.nan)), pd.Series(totals)
