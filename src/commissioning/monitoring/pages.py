"""Pages of monitoring charts, drawn from every series of a surface worked out once.

:func:`.arrays.work_out` returns a :class:`Computed`: each series' summary, icons, matrix cell
and data-quality exceptions, and the SPC engine's arrays. :meth:`Computed.page` then draws one
page of charts (their points, description, chart and table) from that result without working
anything out again, so a monitoring page keeps the :class:`Computed` of a login's scope
(``store.computed``) and the next page of 10,000 series costs only its 20 charts (issue 27;
docs/benchmarks.md). :func:`table_rows_html` makes the rows of a chart's table with Django's own
filters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from commissioning.analytics.disclosure import SUPPRESSED
from commissioning.analytics.spc.engine import Charts, points_frame
from commissioning.charts.spc import POINT_STYLES
from commissioning.monitoring.presenter import (
    ASSURANCES,
    VARIATIONS,
    Monitoring,
    Proposal,
    Series,
    _cell_of,
    _dated,
    _floor,
    _number,
    describe,
    shown_count,
    spc_spec,
)
from commissioning.store.models import Indicator


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
