"""Plain-English statements of what can and cannot be concluded from an impact estimate."""

from __future__ import annotations

import pandas as pd

ALWAYS = (
    "This compares what happened with an estimate of what would have happened without the "
    "change. It shows what changed around the time of the development; it does not by itself "
    "prove that the development caused it."
)


def _interval(est, ratio: bool) -> str:
    null = 1.0 if ratio else 0.0
    if est is None or est.lower is None:
        return "unknown"
    if est.lower <= null <= est.upper:
        return "includes no change"
    return "excludes no change"


def its_caveats(result, *, attribution: pd.DataFrame | None = None) -> list[str]:
    """Caveats for an interrupted time series result (:class:`.its.ItsResult`)."""
    out = [ALWAYS]
    ratio = result.family == "poisson"
    if _interval(result.level_change, ratio) == "includes no change":
        out.append(
            "The interval for the level change includes no change at all: the data are "
            "consistent with the development having made no immediate difference. That is "
            "not the same as showing it made none."
        )
    if result.n_before < 24:
        out.append(
            f"Only {result.n_before} months before the change: the earlier trend, and so the "
            "counterfactual, is uncertain. Two years or more before the change is better."
        )
    if result.n_after < 12:
        out.append(
            f"Only {result.n_after} months after the change have been used: too early to "
            "judge a lasting effect. See the 'when will we know' statement."
        )
    if result.lag_months:
        out.append(
            f"The {result.lag_months} months after the intervention date were treated as a "
            "phase-in and left out; effects are measured from the end of the phase-in."
        )
    else:
        out.append(
            "No phase-in was allowed: the model expects any effect to start in the month of "
            "the intervention. If the development took time to bed in, give a lag."
        )
    if result.seasonal is None and result.n_before + result.n_after >= 24:
        out.append(
            "Seasonality was not adjusted for. If the indicator varies by time of year, add "
            "seasonal terms."
        )
    rho = result.residual_autocorrelation
    if result.errors == "naive" and rho > 0.2:
        out.append(
            f"Month-to-month correlation in the residuals is {rho:.2f}, but the standard "
            "errors assume none: intervals are likely too narrow."
        )
    if result.errors == "naive" and rho < -0.2:
        out.append(
            f"Month-to-month correlation in the residuals is {rho:.2f} (high months tend to "
            "follow low ones), but the standard errors assume none: intervals are likely a "
            "little too wide, which errs on the side of caution."
        )
    if result.errors == "hac" and rho > 0.2 and result.n_before + result.n_after < 120:
        out.append(
            f"Month-to-month correlation in the residuals is {rho:.2f} and the series is "
            "short; Newey-West intervals are then often too narrow. AR(1) errors (--arima) "
            "are more reliable here."
        )
    if any(h.beyond_data for h in result.horizons if h.effect is not None):
        out.append(
            "Effects at horizons beyond the last month of data are projections of the fitted "
            "lines, not observations."
        )
    out.extend(attribution_caveats(attribution))
    return out


def did_caveats(result, *, attribution: pd.DataFrame | None = None) -> list[str]:
    """Caveats for a difference-in-differences result (:class:`.did.DidResult`)."""
    out = [ALWAYS, result.pre_trend_statement]
    if len(result.treated) < 5 or len(result.comparators) < 5:
        out.append(
            f"{len(result.treated)} treated and {len(result.comparators)} comparator units: "
            "with so few units the cluster-robust interval is itself uncertain and often "
            "much too narrow. For a single treated unit, read the synthetic control and its "
            "placebo p-value alongside it."
        )
    if _interval(result.effect, False) == "includes no change":
        out.append(
            "The interval for the average effect includes no change: the data are consistent "
            "with the development having made no difference."
        )
    out.append(
        "The comparison assumes nothing else changed differently for the treated units at the "
        "same time, and that the comparators were not affected by the development."
    )
    out.extend(attribution_caveats(attribution))
    return out


def synthetic_caveats(result) -> list[str]:
    """Caveats for a synthetic control result (:class:`.synthetic_control.SyntheticResult`)."""
    out = []
    pre = result.gaps.loc[result.gaps["period"] == "before", "treated"]
    spread = float(pre.std()) if len(pre) > 1 else 0.0
    if spread and result.pre_rmspe > 0.5 * spread:
        out.append(
            "The synthetic control did not track the treated unit closely before the change "
            f"(typical gap {result.pre_rmspe:.3g} against a spread of {spread:.3g}); its "
            "estimate is unreliable."
        )
    if result.p_value is not None:
        n = len(result.placebos)
        out.append(
            f"Placebo check: {result.p_value * n:.0f} of {n} units (the treated one included) "
            f"show a post-change gap at least as large relative to their fit, p = "
            f"{result.p_value:.2f}. With {n} units the smallest possible p is {1 / n:.2f}."
        )
    if result.dropped_donors:
        out.append(
            f"{len(result.dropped_donors)} comparator unit(s) were left out for missing "
            "values: " + ", ".join(map(str, result.dropped_donors)) + "."
        )
    return out


def attribution_caveats(changes: pd.DataFrame | None) -> list[str]:
    """One statement per other change in the same period touching the same things."""
    if changes is None:
        return [
            "Other developments, contract changes and organisational changes in the same "
            "period were not checked; any of them could explain part of the change."
        ]
    if changes.empty:
        return [
            "No other recorded development, contract change or organisational change in the "
            "same period touches the same indicators, services or populations (unrecorded "
            "changes may still matter)."
        ]
    out = []
    for row in changes.itertuples():
        shared = "; ".join(
            s for s in (row.shared_indicators, row.shared_services, row.shared_populations) if s
        )
        out.append(
            f"Also in this period: {row.kind} '{row.name}' ({row.timing}, from {row.start}), "
            f"touching {shared}. Part of the change may be due to it."
        )
    return out
