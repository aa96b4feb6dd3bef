"""Monitoring series worked out on arrays: every series of a surface at once.

The body of :func:`commissioning.monitoring.presenter.build`, kept apart from the presenter's
layout (icons, descriptions, charts, the matrix) so that each can change without the other.
:func:`work_out` reads the observations as arrays (:mod:`.reading`: PostgreSQL through ``COPY``),
applies the one small-numbers rule to every row at once
(:func:`commissioning.analytics.disclosure.shown_numbers`, held to
:func:`~commissioning.analytics.disclosure.shown_values` by a property test), runs every series
through the SPC engine in one call (with the recalculations of limits of :mod:`.limits`) and
makes each series' summary, icons and data-quality checks. The result, a
:class:`.pages.Computed`, draws any page of charts without working anything out again
(:meth:`.pages.Computed.page`), so a monitoring page keeps the one of a login's scope
(``store.computed``) and the next page of 10,000 series costs only its 20 charts (issue 27;
docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.disclosure import configured_policy, shown_numbers
from commissioning.analytics.spc.engine import (
    MINIMUM_POINTS,
    charts,
    prepare_arrays,
    summary_frame,
)
from commissioning.analytics.spc.groups import Groups, last_present
from commissioning.analytics.spc.point_type import POINT_TYPES
from commissioning.monitoring.limits import _proposals, _rebases
from commissioning.monitoring.models import Decision
from commissioning.monitoring.pages import Computed
from commissioning.monitoring.presenter import (
    FREQUENCY_MONTHS,
    IMPROVEMENT,
    MINIMUM_TO_JUDGE,
    PAGE_SIZE,
    Icon,
    Series,
    _floor,
    _number,
    _recency_text,
    _text,
    assurance_icon,
    from_zero,
    matrix,
    variation_icon,
)
from commissioning.monitoring.reading import _extra_arrays, _names, _read
from commissioning.store.models import Indicator, Organisation, Service

_ORGANISATION, _SERVICE, _GROUPING = 0, 1, 2  # what a series is of (its key: org, svc, grp)
_IMPROVEMENT_CODE = {"increase": 1, "neutral": 0, "decrease": -1}


@functools.cache
def _variation_icon(point_type: str | None, signal: str | None) -> Icon:
    return variation_icon(point_type, signal)


@functools.cache
def _assurance_icon(assurance: str | None) -> Icon:
    return assurance_icon(assurance)


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
