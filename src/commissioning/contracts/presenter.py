"""What a person sees of a contract's performance: the one place that works it out.

- :func:`performance`: one contract in one financial year: its lines with plan against actual
  by month, year to date, variance in activity and money, the forecast outturn with its method
  and range, SPC (Making Data Count) of each line's monthly activity with the plan as target
  and whether a line over or under plan is signal or noise; the money under the contract's
  payment form; its incentive schemes (earned, lost, at risk); its variations as a timeline
  (the value on any date worked out from them); its activity challenges; and its alerts;
- :func:`board`: every contract of a community in one table;
- :func:`report`: a contract's performance as a :class:`commissioning.document.Report`
  (the XLSX download and the API lay it out);
- :func:`alerts`: the alert inbox's items for a community.

Pages, downloads, the API, the command line and alerts lay these out and work nothing out
themselves. Money is left out for viewers (the access policy's money fields); providers read
their own contracts only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from django.urls import reverse
from django.utils import timezone

from commissioning.analytics.spc import summarise, xmr
from commissioning.charts.spc import POINT_STYLES, SpcPoint, spc_figures_spec
from commissioning.contracts import forecast as fc
from commissioning.contracts import incentives as inc
from commissioning.contracts import payment, records
from commissioning.contracts import variance as var
from commissioning.contracts import variations as vr
from commissioning.contracts.models import (
    ChallengeStatus,
    MilestoneStatus,
    MonthlyActual,
    MonthlyPlan,
    VariationStatus,
)
from commissioning.contracts.months import (
    financial_year,
    label,
    month_end,
    months,
)
from commissioning.document import DATE, MONEY, MONTH, NUMBER, PERCENT, Report, Section
from commissioning.document import Table as DocTable

NOT_SHOWN = "Not shown"
# Point of delivery codes (NHS Payment by Results and the Aggregate Contract Monitoring data set)
POINTS_OF_DELIVERY = {
    "EL": "Elective inpatient spells",
    "DC": "Day case spells",
    "NEL": "Non-elective (emergency) spells",
    "NELST": "Non-elective short stay spells",
    "NELXBD": "Non-elective excess bed days",
    "ELXBD": "Elective excess bed days",
    "OPFA": "Outpatient first attendances",
    "OPFUP": "Outpatient follow-up attendances",
    "OPPROC": "Outpatient procedures",
    "AE": "A&E attendances",
    "CC": "Critical care bed days",
    "COM": "Community contacts",
    "MH": "Mental health activity",
    "OTHER": "Other activity",
}
SIGNAL_WORDS = {"high": "high", "low": "low"}


# ---------------------------------------------------------------------------------------------
# The shapes a person sees


@dataclass
class MonthRow:
    month: dt.date
    plan: float | None
    actual: float | None
    cumulative_plan: float | None
    cumulative_actual: float | None
    plan_money: float | None = None
    paid: float | None = None

    @property
    def variance(self) -> float | None:
        if self.plan is None or self.actual is None:
            return None
        return self.actual - self.plan


@dataclass
class Point:
    """One month of a line's SPC chart (:func:`line_chart` gives it to the SPC chart as a
    :class:`commissioning.charts.spc.SpcPoint`)."""

    period: dt.date
    value: float | None
    mean: float | None
    lpl: float | None
    upl: float | None
    target: float | None
    point_type: str | None
    signal: str | None
    rule: str | None
    limits_period: int
    rebase: bool = False

    @property
    def point_label(self) -> str:
        """The point type in words, as the chart's legend and the figures table give it."""
        return POINT_STYLES[self.point_type][0] if self.point_type else "No value"

    def spc_point(self) -> SpcPoint:
        return SpcPoint(
            period=self.period,
            value=self.value,
            mean=self.mean,
            lpl=self.lpl,
            upl=self.upl,
            target=self.target,
            point_label=self.point_label,
            limits_period=self.limits_period,
            rebase=self.rebase,
        )


@dataclass
class LineView:
    pk: int
    code: str
    name: str
    point_of_delivery: str
    point_of_delivery_label: str
    treatment_function: str
    currency: str
    price: float | None  # None when not shown (viewers) or not set
    fixed: bool
    months: list[MonthRow]
    ytd: var.YearToDate
    year_plan: float | None
    forecast: fc.Forecast
    points: list[Point]
    point_type: str | None  # of the latest month with activity
    signal: str | None  # "high" or "low" when the latest month is special cause
    position: str | None  # over, under, both (SPC limits against the plan)
    trial_limits: bool
    money: dict = field(default_factory=dict)  # plan, paid, variance, forecast, lower, upper
    url: str = ""

    @property
    def direction(self) -> str | None:
        return self.ytd.direction

    @property
    def is_signal(self) -> bool:
        """Over (under) plan and the latest month special cause high (low): a real change."""
        return (self.direction, self.signal) in (("over", "high"), ("under", "low"))

    @property
    def special_cause(self) -> bool:
        return self.point_type is not None and self.point_type != "common_cause"

    @property
    def signal_or_noise(self) -> str:
        if self.point_type is None:
            return "No data"
        return "Signal" if self.special_cause else "Noise"

    @property
    def verdict(self) -> str:
        """In words: over or under plan, and whether that is signal or noise."""
        where = {
            "over": "Over plan",
            "under": "Under plan",
            "on plan": "On plan",
            None: "No plan to compare",
        }[self.direction if self.ytd.plan is not None else None]
        if self.point_type is None:
            return f"{where}; no monthly activity to judge"
        if self.special_cause:
            return (
                f"{where}; the latest month shows special cause variation "
                f"({SIGNAL_WORDS.get(self.signal, self.signal)}): a signal"
            )
        return f"{where}; the latest month is within common cause variation: noise"

    @property
    def position_text(self) -> str:
        return var.POSITIONS.get(self.position, "Not enough data to judge")


@dataclass
class MilestoneView:
    pk: int
    indicator: str
    description: str
    due: dt.date
    target: float | None
    weight: float
    status: str  # effective status
    status_label: str
    how: str  # recorded, read from monitoring, not yet due, ...
    value: float | None  # money, None when not shown
    money: inc.Money | None


@dataclass
class IndicatorView:
    code: str
    name: str
    weight: float
    monitored: str  # the monitored indicator's name, or ""
    milestones: list[MilestoneView]
    problem: str | None


@dataclass
class SchemeView:
    name: str
    year: int
    year_label: str
    percent: float | None
    value: float | None
    goals: str
    indicators: list[IndicatorView]
    money: inc.Money | None
    problem: str | None


@dataclass
class VariationView:
    number: int
    title: str
    kind: str
    status: str
    status_label: str
    proposed: dt.date
    signed: dt.date | None
    effective: dt.date
    value_change: float | None
    new_end_date: dt.date | None
    description: str
    reason: str


@dataclass
class ChallengeView:
    reference: str
    raised: dt.date
    line: str
    month: dt.date | None
    kind: str
    description: str
    value: float | None
    status: str
    status_label: str
    value_agreed: float | None
    outcome: str
    closed: dt.date | None


@dataclass
class Alert:
    key: str
    kind: str  # plan_signal, milestone_missed, variation_unsigned
    title: str
    detail: str
    url: str


@dataclass
class Performance:
    contract: object
    community: object
    year: int
    years: list[int]
    as_at: dt.date
    latest_month: dt.date | None
    months_reported: int
    payment_form: str
    payment_label: str
    payment_rule: str
    sees_money: bool
    value_now: float | None
    original_value: float | None
    end_now: dt.date
    lines: list[LineView]
    money: dict
    schemes: list[SchemeView]
    incentive_money: inc.Money | None
    timeline: list[vr.Step]
    variations: list[VariationView]
    challenges: list[ChallengeView]
    challenge_totals: dict
    alerts: list[Alert]
    notes: list[str]
    url: str = ""
    monitoring_url: str = ""

    @property
    def year_label(self) -> str:
        return label(self.year)

    @property
    def fixed_sum(self) -> bool:
        return self.payment_form in payment.FIXED_SUM

    @property
    def over(self) -> list[LineView]:
        return [ln for ln in self.lines if ln.direction == "over"]

    @property
    def under(self) -> list[LineView]:
        return [ln for ln in self.lines if ln.direction == "under"]

    @property
    def signals(self) -> list[LineView]:
        return [ln for ln in self.lines if ln.is_signal]

    def line(self, code: str) -> LineView | None:
        return next((ln for ln in self.lines if ln.code == code), None)


# ---------------------------------------------------------------------------------------------
# Working it out


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _by_line_month(rows: list[dict]) -> dict[tuple[int, dt.date], dict]:
    return {(r["line_id"], r["month"]): r for r in rows}


def _years(contract, plans: list[dict], actuals: list[dict]) -> list[int]:
    found = {financial_year(r["month"]) for r in (*plans, *actuals)}
    return sorted(found) or [financial_year(min(contract.end_date, timezone.localdate()))]


def _default_year(years: list[int], actuals: list[dict]) -> int:
    if actuals:
        return financial_year(max(r["month"] for r in actuals))
    return years[-1]


def _changes(variation_list) -> list[vr.Change]:
    return [
        vr.Change(
            number=v.number,
            title=v.title,
            status=v.status,
            effective=v.effective,
            value_change=_number(v.value_change),
            new_end=v.new_end_date,
        )
        for v in variation_list
    ]


def _spc(lines, actuals: dict, plans: dict, latest: dt.date | None) -> dict[int, tuple]:
    """For each line: its SPC points (every month with activity up to ``latest``, the plan of
    that month as target) and its summary row."""
    ids = {line.pk for line in lines}
    rows = [
        {
            "series": str(line_id),
            "date": pd.Timestamp(month),
            "value": float(actual["activity"]),
            "target": float(plans[(line_id, month)]["activity"])
            if (line_id, month) in plans
            else math.nan,
        }
        for (line_id, month), actual in actuals.items()
        if line_id in ids and (latest is None or month <= latest)
    ]
    if not rows:
        return {}
    frame = pd.DataFrame(rows)
    points = xmr(frame, improvement="neutral")
    summary = summarise(points).set_index("series")
    out = {}
    for key, block in points.groupby("series", observed=True, sort=False):
        line_points = [
            Point(
                period=pd.Timestamp(r.date).date(),
                value=_number(r.value),
                mean=_number(r.mean),
                lpl=_number(r.lpl),
                upl=_number(r.upl),
                target=_number(r.target),
                point_type=None if pd.isna(r.point_type) else str(r.point_type),
                signal=None if pd.isna(r.signal) else str(r.signal),
                rule=None if pd.isna(r.rule) else str(r.rule).replace("_", " "),
                limits_period=int(r.period),
            )
            for r in block.itertuples(index=False)
        ]
        out[int(key)] = (line_points, summary.loc[key])
    return out


def _pennies(money: dict) -> dict:
    """Sums of money to the penny (floats carry noise from the arithmetic)."""
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in money.items()}


def _line_money(form, terms, months_, *, ytd_months, year_plan, year_plan_money, outturn):
    """The line's money: plan and paid to date, the variance, and the forecast outturn's money
    (with its range), under the contract's payment form."""
    if form in payment.FIXED_SUM:
        return {}
    reported = [m for m in months_ if m.month in ytd_months]
    plan_act = sum(m.plan or 0.0 for m in reported)
    plan_money = sum(m.plan_money or 0.0 for m in reported)
    actual = sum(m.actual or 0.0 for m in reported)
    costs = [m.paid for m in reported]
    actual_cost = sum(costs) if costs and all(c is not None for c in costs) else None
    paid = payment.line_paid(
        form,
        terms,
        plan_activity=plan_act,
        plan_cost=plan_money,
        activity=actual if reported else None,
        actual_cost=actual_cost if form == payment.ACTIVITY else None,
        year_plan_activity=year_plan,
    )
    out = {"plan": plan_money if reported else None, "paid": paid.amount, "rule": paid.rule}
    out["variance"] = (
        None if paid.amount is None or out["plan"] is None else paid.amount - out["plan"]
    )

    def at(activity):
        if activity is None:
            return None
        unit_cost = (
            actual_cost / actual
            if form == payment.ACTIVITY and actual_cost is not None and actual
            else None
        )
        return payment.line_paid(
            form,
            terms,
            plan_activity=year_plan,
            plan_cost=year_plan_money,
            activity=activity,
            actual_cost=unit_cost * activity if unit_cost is not None else None,
            year_plan_activity=year_plan,
        ).amount

    out["year_plan"] = year_plan_money
    out["forecast"] = at(outturn.outturn)
    out["lower"] = at(outturn.lower)
    out["upper"] = at(outturn.upper)
    return _pennies(out)


def _terms(line) -> payment.Terms:
    return payment.Terms(
        price=_number(line.price),
        fixed=line.fixed,
        rate=100.0 if line.marginal_rate is None else float(line.marginal_rate),
        floor=line.band_floor,
        ceiling=line.band_ceiling,
    )


def _monthly_money(form, terms, plan_row, actual_row):
    """(planned money, paid) for one month of one line."""
    if form in payment.FIXED_SUM:
        return None, None
    plan_act = _number(plan_row["activity"]) if plan_row else None
    plan_cost = _number(plan_row["cost"]) if plan_row else None
    planned = payment.planned_money(plan_act, plan_cost, terms.price)
    if actual_row is None:
        return planned, None
    if form == payment.ACTIVITY and actual_row["cost"] is not None and not terms.fixed:
        return planned, float(actual_row["cost"])
    paid = payment.line_paid(
        form,
        terms,
        plan_activity=plan_act,
        plan_cost=planned,
        activity=float(actual_row["activity"]),
        year_plan_activity=None,
    )
    if form == payment.COST_AND_VOLUME and terms.floor is not None:
        paid = payment.Paid(planned, "judged over the year to date")  # the band is annual
    return planned, paid.amount


def performance(user, contract, year: int | None = None) -> Performance:
    """Everything the contract's page shows for financial year ``year`` (default: the year of
    the latest month with actual activity). ``contract`` must be one ``user`` may read."""
    sees_money = records.sees_money(user)
    lines = records.lines(user, contract)
    plan_rows = records.monthly(user, MonthlyPlan, contract)
    actual_rows = records.monthly(user, MonthlyActual, contract)
    years = _years(contract, plan_rows, actual_rows)
    if year is None:
        year = _default_year(years, actual_rows)
    plans, actuals = _by_line_month(plan_rows), _by_line_month(actual_rows)
    year_months = months(year)
    in_year = [r["month"] for r in actual_rows if financial_year(r["month"]) == year]
    latest = max(in_year) if in_year else None
    months_reported = len(set(in_year))
    as_at = month_end(latest) if latest else min(month_end(year_months[-1]), contract.end_date)
    form = contract.payment_form
    variation_list = records.variations(user, contract)
    changes = _changes(variation_list)
    original = float(contract.annual_value)
    spc = _spc(lines, actuals, plans, latest or (year_months[-1] if year in years else None))
    notes = []
    line_views = []
    for line in lines:
        terms = _terms(line)
        rows = []
        cum_plan = cum_actual = 0.0
        for month in year_months:
            p, a = plans.get((line.pk, month)), actuals.get((line.pk, month))
            plan = _number(p["activity"]) if p else None
            actual = _number(a["activity"]) if a else None
            cum_plan += plan or 0.0
            cum_actual += actual or 0.0
            planned, paid = _monthly_money(form, terms, p, a)
            rows.append(
                MonthRow(
                    month,
                    plan,
                    actual,
                    cum_plan if p or cum_plan else None,
                    cum_actual if a or cum_actual else None,
                    planned,
                    paid,
                )
            )
        plan_values = [r.plan for r in rows]
        actual_values = [r.actual for r in rows]
        previous = [
            _number(actuals[(line.pk, m)]["activity"]) if (line.pk, m) in actuals else None
            for m in months(year - 1)
        ]
        ytd = var.year_to_date(plan_values, actual_values)
        known_plan = [v for v in plan_values if v is not None]
        year_plan = float(sum(known_plan)) if len(known_plan) == 12 else None
        outturn = fc.forecast(actual_values, previous, plan_values)
        points, summary = spc.get(line.pk, ([], None))
        last = next((p for p in reversed(points) if p.value is not None), None)
        position = None
        if summary is not None and last is not None:
            position = var.position(last.target, _number(summary["lpl"]), _number(summary["upl"]))
        if latest is not None and (line.pk, latest) not in actuals:
            notes.append(f"{line.code} ({line.name}) has no activity reported for {latest:%B %Y}.")
        reported = {r.month for r in rows if r.actual is not None}
        year_plan_money = (
            sum(r.plan_money for r in rows if r.plan_money is not None)
            if any(r.plan_money is not None for r in rows)
            else None
        )
        money = _line_money(
            form,
            terms,
            rows,
            ytd_months=reported,
            year_plan=year_plan,
            year_plan_money=year_plan_money,
            outturn=outturn,
        )
        if not sees_money:
            money = {}
            for r in rows:
                r.plan_money = r.paid = None
        line_views.append(
            LineView(
                pk=line.pk,
                code=line.code,
                name=line.name,
                point_of_delivery=line.point_of_delivery,
                point_of_delivery_label=POINTS_OF_DELIVERY.get(
                    line.point_of_delivery.upper(), line.point_of_delivery
                ),
                treatment_function=line.treatment_function,
                currency=line.currency,
                price=_number(line.price) if sees_money else None,
                fixed=line.fixed,
                months=rows,
                ytd=ytd,
                year_plan=year_plan,
                forecast=outturn,
                points=points,
                point_type=last.point_type if last else None,
                signal=last.signal if last else None,
                position=position,
                trial_limits=0 < len([p for p in points if p.value is not None]) < 12,
                money=money,
                url=reverse(
                    "contract-line",
                    args=[contract.community.code, contract.reference, line.code],
                ),
            )
        )
    money = _contract_money(form, line_views, changes, original, year_months, latest)
    if not sees_money:
        money = {}
    schemes, incentive_money = _schemes(user, contract, as_at, sees_money, changes, original)
    perf = Performance(
        contract=contract,
        community=contract.community,
        year=year,
        years=years,
        as_at=as_at,
        latest_month=latest,
        months_reported=months_reported,
        payment_form=form,
        payment_label=contract.get_payment_form_display(),
        payment_rule=payment.RULES.get(form, payment.RULES[payment.OTHER]),
        sees_money=sees_money,
        value_now=vr.value_on(original, changes, as_at) if sees_money else None,
        original_value=original if sees_money else None,
        end_now=vr.end_on(contract.end_date, changes, as_at),
        lines=line_views,
        money=money,
        schemes=schemes,
        incentive_money=incentive_money,
        timeline=vr.timeline(original, contract.start_date, contract.end_date, changes),
        variations=[_variation_view(v, sees_money) for v in variation_list],
        challenges=[_challenge_view(c, sees_money) for c in records.challenges(user, contract)],
        challenge_totals={},
        alerts=[],
        notes=notes,
        url=reverse("contract", args=[contract.community.code, contract.reference]),
        monitoring_url=reverse(
            "contract-monitoring", args=[contract.community.code, contract.reference]
        ),
    )
    perf.challenge_totals = _challenge_totals(perf.challenges, sees_money)
    perf.alerts = _alerts(perf)
    return perf


def _contract_money(form, line_views, changes, original, year_months, latest) -> dict:
    """The contract's money to date and at the forecast outturn, under its payment form."""
    if form in payment.FIXED_SUM:
        values = [vr.value_on(original, changes, m) for m in year_months]
        reported = [v for m, v in zip(year_months, values, strict=True) if latest and m <= latest]
        to_date = payment.fixed_sum_to_date(reported)
        year_value = payment.fixed_sum_to_date(values)
        return _pennies(
            {
                "plan": to_date,
                "paid": to_date,
                "variance": None,
                "year_plan": year_value,
                "forecast": year_value,
                "lower": None,
                "upper": None,
                "fixed_sum": True,
            }
        )

    def total(name):
        values = [ln.money.get(name) for ln in line_views]
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    out = {name: total(name) for name in ("plan", "paid", "year_plan", "forecast")}
    out["variance"] = (
        None if out["plan"] is None or out["paid"] is None else out["paid"] - out["plan"]
    )
    # Each line's range of money, taken as independent: half-widths combined in quadrature.
    halves = [
        (ln.money["upper"] - ln.money["lower"]) / 2
        for ln in line_views
        if ln.money.get("upper") is not None and ln.money.get("lower") is not None
    ]
    if out["forecast"] is not None and halves:
        half = math.sqrt(sum(h * h for h in halves))
        out["lower"], out["upper"] = out["forecast"] - half, out["forecast"] + half
    else:
        out["lower"] = out["upper"] = None
    if form == payment.API:
        out["fixed_element"] = sum(
            ln.money.get("year_plan") or 0.0 for ln in line_views if ln.fixed
        )
        out["variable_plan"] = sum(
            ln.money.get("year_plan") or 0.0 for ln in line_views if not ln.fixed
        )
        out["variable_forecast"] = sum(
            ln.money.get("forecast") or 0.0 for ln in line_views if not ln.fixed
        )
    out["fixed_sum"] = False
    return _pennies(out)


def _schemes(user, contract, as_at, sees_money, changes, original):
    scheme_list = records.schemes(user, contract)
    monitored_ids = {
        i.indicator_id for s in scheme_list for i in s.indicators.all() if i.indicator_id
    }
    monitored = records.monitored_values(user, contract, monitored_ids)
    views = []
    total = inc.Money()
    for s in scheme_list:
        start_value = vr.value_on(original, changes, dt.date(s.financial_year, 4, 1))
        worth = inc.scheme_value(_number(s.value), _number(s.percent), start_value)
        indicator_views = []
        scheme_money = inc.Money()
        for i in s.indicators.all():
            milestone_views = []
            for m in i.milestones.all():
                status, how = _milestone_status(m, i, monitored, as_at)
                value = inc.milestone_value(worth, float(i.weight), float(m.weight))
                split = inc.money(value, status, _number(m.achieved_share))
                scheme_money = scheme_money + split
                milestone_views.append(
                    MilestoneView(
                        pk=m.pk,
                        indicator=i.code,
                        description=m.description,
                        due=m.due,
                        target=m.target,
                        weight=float(m.weight),
                        status=status,
                        status_label=MilestoneStatus(status).label,
                        how=how,
                        value=value if sees_money else None,
                        money=split if sees_money else None,
                    )
                )
            indicator_views.append(
                IndicatorView(
                    code=i.code,
                    name=i.name,
                    weight=float(i.weight),
                    monitored=i.indicator.name if i.indicator else "",
                    milestones=milestone_views,
                    problem=inc.weights_problem(
                        [float(m.weight) for m in i.milestones.all()], f"{i.code} milestone"
                    ),
                )
            )
        total = total + scheme_money
        views.append(
            SchemeView(
                name=s.scheme,
                year=s.financial_year,
                year_label=label(s.financial_year),
                percent=_number(s.percent),
                value=worth if sees_money else None,
                goals=s.goals,
                indicators=indicator_views,
                money=scheme_money if sees_money else None,
                problem=inc.weights_problem(
                    [float(i.weight) for i in s.indicators.all()], "indicator"
                ),
            )
        )
    return views, (total if sees_money else None)


def _milestone_status(m, indicator, monitored, as_at) -> tuple[str, str]:
    """The milestone's status and how it was decided: as recorded, or read from monitoring."""
    if m.status != MilestoneStatus.PENDING:
        when = f" on {m.recorded:%-d %B %Y}" if m.recorded else ""
        return m.status, f"recorded{when}"
    if m.due > as_at:
        return MilestoneStatus.PENDING, f"not yet due (due {m.due:%-d %B %Y})"
    if indicator.indicator_id and m.target is not None:
        values = [(p, v) for p, v in monitored.get(indicator.indicator_id, []) if p <= m.due]
        if values:
            period, value = values[-1]
            judged = inc.judge(value, m.target, indicator.indicator.polarity)
            if judged is not None:
                return judged, (
                    f"read from monitoring: {value:,.4g} in {period:%B %Y} against a target "
                    f"of {m.target:,.4g}"
                )
    return MilestoneStatus.PENDING, "due; achievement not yet recorded"


def _variation_view(v, sees_money) -> VariationView:
    return VariationView(
        number=v.number,
        title=v.title,
        kind=v.get_kind_display(),
        status=v.status,
        status_label=v.get_status_display(),
        proposed=v.proposed,
        signed=v.signed,
        effective=v.effective,
        value_change=_number(v.value_change) if sees_money else None,
        new_end_date=v.new_end_date,
        description=v.description,
        reason=v.reason,
    )


def _challenge_view(c, sees_money) -> ChallengeView:
    return ChallengeView(
        reference=c.reference,
        raised=c.raised,
        line=f"{c.line.code}: {c.line.name}" if c.line else "Whole contract",
        month=c.month,
        kind=c.get_kind_display(),
        description=c.description,
        value=_number(c.value) if sees_money else None,
        status=c.status,
        status_label=c.get_status_display(),
        value_agreed=_number(c.value_agreed) if sees_money else None,
        outcome=c.outcome,
        closed=c.closed,
    )


def _challenge_totals(challenges: list[ChallengeView], sees_money: bool) -> dict:
    out = {
        "open": sum(1 for c in challenges if c.status == ChallengeStatus.OPEN),
        "closed": sum(1 for c in challenges if c.status != ChallengeStatus.OPEN),
    }
    if sees_money:
        out["open_value"] = sum(
            c.value or 0.0 for c in challenges if c.status == ChallengeStatus.OPEN
        )
        out["agreed_value"] = sum(c.value_agreed or 0.0 for c in challenges)
    return out


def _fmt(value: float | None) -> str:
    return "not known" if value is None else f"{value:,.0f}"


def _alerts(perf: Performance) -> list[Alert]:
    c = perf.contract
    out = []
    for ln in perf.signals:
        pct = ln.ytd.percent
        out.append(
            Alert(
                key=f"contract-plan:{c.pk}:{ln.code}:{perf.latest_month}:{ln.direction}",
                kind="plan_signal",
                title=f"{c.reference} {ln.code}: {ln.name}",
                detail=(
                    f"{ln.direction} plan by {abs(pct):.1f}% in {perf.year_label} to "
                    f"{perf.latest_month:%B %Y} ({_fmt(ln.ytd.actual)} against a plan of "
                    f"{_fmt(ln.ytd.plan)} {ln.currency}); the latest month shows special cause "
                    f"variation ({ln.signal})"
                    if pct is not None
                    else f"{ln.direction} plan; the latest month shows special cause variation"
                ),
                url=ln.url,
            )
        )
    for scheme in perf.schemes:
        for indicator in scheme.indicators:
            for m in indicator.milestones:
                if m.status == MilestoneStatus.NOT_MET:
                    out.append(
                        Alert(
                            key=f"contract-milestone:{m.pk}:{m.status}",
                            kind="milestone_missed",
                            title=f"{c.reference} {scheme.name} {scheme.year_label}: "
                            f"{indicator.name}",
                            detail=f"milestone due {m.due:%-d %B %Y} not met "
                            f"({m.description}; {m.how})",
                            url=f"{perf.url}#incentives",
                        )
                    )
    for v in perf.variations:
        if v.status == VariationStatus.AWAITING_SIGNATURE:
            out.append(
                Alert(
                    key=f"contract-variation:{c.pk}:{v.number}:{v.status}",
                    kind="variation_unsigned",
                    title=f"{c.reference} variation {v.number}: {v.title}",
                    detail=f"awaiting signature since {v.proposed:%-d %B %Y}; it takes effect "
                    f"{v.effective:%-d %B %Y} once signed",
                    url=f"{perf.url}#variations",
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# Across a community, and for the alert inbox


def board(user, community) -> list[Performance]:
    """Every contract of the community ``user`` may read, each in its latest year."""
    return [performance(user, c) for c in records.contracts(user, community)]


def alerts(user, community) -> list[Alert]:
    """Every contract alert of the community that ``user`` may read."""
    return [a for p in board(user, community) for a in p.alerts]


# ---------------------------------------------------------------------------------------------
# Charts and their words


def _fmt2(value: float | None) -> str:
    return "not known" if value is None else f"{value:,.1f}"


def variance_chart(perf: Performance) -> dict | None:
    """Each line's variance against plan to date (%), as a bar chart (its figures are the
    lines table beside it). Bars are labelled with whether the line's latest month is a
    signal or noise, so the chart never relies on colour alone."""
    import altair as alt

    from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, chart_spec

    rows = [
        {
            "Line": f"{ln.code} ({ln.signal_or_noise.lower()})",
            "Variance (%)": round(ln.ytd.percent, 1),
            "Signal or noise": ln.signal_or_noise,
        }
        for ln in perf.lines
        if ln.ytd.percent is not None
    ]
    if not rows:
        return None
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("Line:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("Variance (%):Q", title="Actual against plan to date (%)"),
        tooltip=["Line:N", "Variance (%):Q", "Signal or noise:N"],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "Signal or noise:N",
            scale=alt.Scale(domain=["Signal", "Noise"], range=["#490092", NHS_DARK_GREY]),
            legend=alt.Legend(title="Latest month", orient="bottom"),
        )
    )
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color=NHS_BLUE).encode(x="x:Q")
    return chart_spec(alt.layer(bars, zero).properties(width="container", height=28 * len(rows)))


def describe_variance(perf: Performance) -> str:
    over = ", ".join(f"{ln.code} ({ln.ytd.percent:+.1f}%)" for ln in perf.over)
    under = ", ".join(f"{ln.code} ({ln.ytd.percent:+.1f}%)" for ln in perf.under)
    text = f"Actual activity against plan to date for each of {len(perf.lines)} lines."
    if over:
        text += f" Over plan: {over}."
    if under:
        text += f" Under plan: {under}."
    if perf.signals:
        text += (
            " With a signal in the latest month: " + ", ".join(ln.code for ln in perf.signals) + "."
        )
    return text


@dataclass
class LineChart:
    """A contract line's SPC chart as its page shows it: the months (the figures table beside
    the chart reads them), the chart's Vega-Lite specification (None when no month has been
    reported) and its text alternative."""

    points: list[Point]
    spec: dict | None
    description: str


def line_chart(ln: LineView) -> LineChart:
    """The SPC chart of a line's monthly activity with the plan as target: the one SPC chart
    design (:func:`commissioning.charts.spc.spc_figures_spec`), titled by the line's currency,
    with no annotations and no recalculated limits (a contract line has neither)."""
    spec = (
        spc_figures_spec([p.spc_point() for p in ln.points], unit=ln.currency.capitalize())
        if ln.points
        else None
    )
    return LineChart(points=list(ln.points), spec=spec, description=describe_line(ln))


def describe_line(ln: LineView) -> str:
    """A text alternative for a line's SPC chart."""
    valued = [p for p in ln.points if p.value is not None]
    if not valued:
        return f"{ln.name}: no activity reported."
    last = valued[-1]
    special = sum(1 for p in valued if p.point_type not in (None, "common_cause"))
    text = (
        f"{ln.name} ({ln.currency}s a month): {len(valued)} months from "
        f"{valued[0].period:%B %Y} to {last.period:%B %Y}. Mean {_fmt2(last.mean)}, process "
        f"limits {_fmt2(last.lpl)} to {_fmt2(last.upl)}."
    )
    if last.target is not None:
        text += f" Plan for {last.period:%B %Y}: {_fmt2(last.target)}."
    text += f" Latest month {_fmt2(last.value)}: {ln.verdict}."
    text += f" {special} of {len(valued)} months show special cause variation."
    return text


# ---------------------------------------------------------------------------------------------
# As a report (the XLSX download, the API)


def _none_if_hidden(value, shown: bool):
    return value if shown else None


def lines_table(perf: Performance) -> DocTable:
    money = perf.sees_money and not perf.fixed_sum
    columns = [
        "Line",
        "Name",
        "Point of delivery",
        "Currency",
        "Plan for the year",
        "Plan to date",
        "Actual to date",
        "Variance",
        "Variance (%)",
        "Forecast outturn",
        "Forecast lower (95%)",
        "Forecast upper (95%)",
        "Forecast method",
        "Latest month",
        "Signal or noise",
        "Position against plan",
    ]
    formats = {c: NUMBER for c in columns[4:12]} | {"Variance (%)": PERCENT}
    if money:
        columns += ["Price (£)", "Plan to date (£)", "Paid to date (£)", "Money variance (£)"]
        columns += ["Forecast outturn (£)", "Paid as"]
        formats |= {c: MONEY for c in columns[-6:-1]}
    rows = []
    for ln in perf.lines:
        row = [
            ln.code,
            ln.name,
            f"{ln.point_of_delivery} ({ln.point_of_delivery_label})",
            ln.currency,
            ln.year_plan,
            ln.ytd.plan,
            ln.ytd.actual,
            ln.ytd.variance,
            ln.ytd.percent,
            ln.forecast.outturn,
            ln.forecast.lower,
            ln.forecast.upper,
            ln.forecast.method,
            ln.verdict,
            ln.signal_or_noise,
            ln.position_text,
        ]
        if money:
            m = ln.money
            row += [
                ln.price,
                m.get("plan"),
                m.get("paid"),
                m.get("variance"),
                m.get("forecast"),
                m.get("rule", ""),
            ]
        rows.append(row)
    note = (
        f"Year to date: {perf.months_reported} months of {perf.year_label} to "
        f"{perf.latest_month:%B %Y}."
        if perf.latest_month
        else "No activity reported yet."
    )
    if perf.fixed_sum:
        note += " " + perf.payment_rule
    return DocTable("lines", "Lines: plan against actual", columns, rows, formats, note)


def months_table(perf: Performance) -> DocTable:
    money = perf.sees_money and not perf.fixed_sum
    columns = ["Line", "Month", "Plan", "Actual", "Variance", "Plan to date", "Actual to date"]
    formats = {"Month": MONTH} | {c: NUMBER for c in columns[2:]}
    if money:
        columns += ["Plan (£)", "Paid (£)"]
        formats |= {"Plan (£)": MONEY, "Paid (£)": MONEY}
    rows = []
    for ln in perf.lines:
        for r in ln.months:
            row = [
                ln.code,
                r.month,
                r.plan,
                r.actual,
                r.variance,
                r.cumulative_plan,
                r.cumulative_actual,
            ]
            if money:
                row += [r.plan_money, r.paid]
            rows.append(row)
    return DocTable(
        "months", f"Plan against actual by month, {perf.year_label}", columns, rows, formats
    )


def spc_table(perf: Performance) -> DocTable:
    columns = ["Line", "Month", "Activity", "Plan (target)", "Mean", "Lower limit"]
    columns += ["Upper limit", "Point type"]
    rows = [
        [
            ln.code,
            p.period,
            p.value,
            p.target,
            p.mean,
            p.lpl,
            p.upl,
            (p.point_type or "").replace("_", " ") + (f" ({p.signal})" if p.signal else ""),
        ]
        for ln in perf.lines
        for p in ln.points
    ]
    formats = {"Month": MONTH} | {c: NUMBER for c in columns[2:7]}
    return DocTable(
        "spc",
        "Monthly activity by line: SPC (Making Data Count XmR) with the plan as target",
        columns,
        rows,
        formats,
        "Special cause: a point outside the process limits, a run of 7 on one side of the "
        "mean, a trend of 7, or 2 of 3 near a limit. Activity has no better direction, so "
        "special cause is neither improvement nor concern.",
    )


def incentives_table(perf: Performance) -> DocTable:
    columns = ["Scheme", "Year", "Indicator", "Indicator weight (%)", "Milestone", "Due"]
    columns += ["Target", "Milestone weight (%)", "Status", "How decided"]
    formats = {"Due": DATE, "Indicator weight (%)": NUMBER, "Milestone weight (%)": NUMBER}
    if perf.sees_money:
        columns += ["Value (£)", "Earned (£)", "Lost (£)", "At risk (£)"]
        formats |= {c: MONEY for c in columns[-4:]}
    rows = []
    for s in perf.schemes:
        for i in s.indicators:
            for m in i.milestones:
                row = [
                    s.name,
                    s.year_label,
                    f"{i.code}: {i.name}",
                    i.weight,
                    m.description,
                    m.due,
                    m.target,
                    m.weight,
                    m.status_label,
                    m.how,
                ]
                if perf.sees_money:
                    row += [m.value, m.money.earned, m.money.lost, m.money.at_risk]
                rows.append(row)
    return DocTable("incentives", "Incentive schemes: milestones", columns, rows, formats)


def variations_table(perf: Performance) -> DocTable:
    columns = ["Number", "Title", "Changes", "Status", "Proposed", "Signed", "Effective"]
    columns += ["New end date", "What changed", "Why"]
    formats = {c: DATE for c in ("Proposed", "Signed", "Effective", "New end date")}
    if perf.sees_money:
        columns += ["Value change (£ a year)"]
        formats["Value change (£ a year)"] = MONEY
    rows = []
    for v in perf.variations:
        row = [
            v.number,
            v.title,
            v.kind,
            v.status_label,
            v.proposed,
            v.signed,
            v.effective,
            v.new_end_date,
            v.description,
            v.reason,
        ]
        if perf.sees_money:
            row.append(v.value_change)
        rows.append(row)
    return DocTable("variations", "Contract variations", columns, rows, formats)


def timeline_table(perf: Performance) -> DocTable:
    columns = ["Date", "What happened", "Ends"]
    formats = {"Date": DATE, "Ends": DATE}
    if perf.sees_money:
        columns.insert(2, "Annual value after (£)")
        formats["Annual value after (£)"] = MONEY
    rows = []
    for step in perf.timeline:
        row = [step.day, step.what, step.end_after]
        if perf.sees_money:
            row.insert(2, step.value_after)
        rows.append(row)
    return DocTable(
        "timeline",
        "The contract's value and term over time (signed variations)",
        columns,
        rows,
        formats,
    )


def challenges_table(perf: Performance) -> DocTable:
    columns = ["Reference", "Raised", "Line", "Month", "About", "What", "Status"]
    columns += ["Outcome", "Closed"]
    formats = {"Raised": DATE, "Month": MONTH, "Closed": DATE}
    if perf.sees_money:
        columns += ["Value (£)", "Agreed (£)"]
        formats |= {"Value (£)": MONEY, "Agreed (£)": MONEY}
    rows = []
    for c in perf.challenges:
        row = [
            c.reference,
            c.raised,
            c.line,
            c.month,
            c.kind,
            c.description,
            c.status_label,
            c.outcome,
            c.closed,
        ]
        if perf.sees_money:
            row += [c.value, c.value_agreed]
        rows.append(row)
    return DocTable("challenges", "Activity challenges", columns, rows, formats)


def key_figures(perf: Performance) -> list[tuple[str, str]]:
    c = perf.contract
    figures = [
        ("Contract", f"{c.reference}: {c.title}"),
        ("Provider", c.provider.name),
        ("Payment form", perf.payment_label),
        ("Financial year", perf.year_label),
        (
            "Months reported",
            f"{perf.months_reported} (to {perf.latest_month:%B %Y})"
            if perf.latest_month
            else "none yet",
        ),
        ("Lines over plan", f"{len(perf.over)} of {len(perf.lines)}"),
        ("Lines over or under plan with a signal", str(len(perf.signals))),
        ("Contract ends", f"{perf.end_now:%-d %B %Y}"),
    ]
    if perf.sees_money:
        m = perf.money

        def pounds(x):
            return "not known" if x is None else f"£{x:,.0f}"

        figures += [
            (f"Annual value on {perf.as_at:%-d %B %Y}", pounds(perf.value_now)),
            ("Planned money to date", pounds(m.get("plan"))),
            ("Paid to date", pounds(m.get("paid"))),
            (
                "Money variance to date",
                "none: " + perf.payment_rule if m.get("fixed_sum") else pounds(m.get("variance")),
            ),
            (
                "Forecast outturn (£)",
                pounds(m.get("forecast"))
                + (
                    f" (95% range {pounds(m['lower'])} to {pounds(m['upper'])})"
                    if m.get("lower") is not None
                    else ""
                ),
            ),
        ]
    return figures


def report(user, perf: Performance) -> Report:
    """The contract's performance as a report: the XLSX download's sheets."""
    tables = [
        lines_table(perf),
        months_table(perf),
        spc_table(perf),
        incentives_table(perf),
        variations_table(perf),
        timeline_table(perf),
        challenges_table(perf),
    ]
    paragraphs = [perf.payment_rule]
    if not perf.sees_money:
        paragraphs.append("Money is not shown to your role.")
    return Report(
        title=f"Contract performance: {perf.contract.reference}",
        subtitle=f"{perf.contract.title}, {perf.year_label}",
        synthetic=bool(getattr(perf.community, "synthetic", False)),
        generated=timezone.now(),
        sources=[
            ("Plans and actual activity by line and month", perf.year_label),
            ("Variations, incentive schemes and activity challenges", "as recorded"),
        ],
        suppression="none needed: contract activity is aggregate, with no patient counts",
        sections=[Section("performance", "Contract performance", paragraphs, tables)],
        key_figures=key_figures(perf),
        audience=_audience(user),
    )


def _audience(user) -> str:
    from commissioning.access import policy

    scope = policy.scope_of(user)
    return "no one" if scope is None else scope.role
