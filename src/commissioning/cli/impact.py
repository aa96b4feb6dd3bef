"""``commissioning impact``: what changed because of a development, and how sure we can be.

Three sub-commands read a CSV with columns ``unit,date,value`` and print JSON on stdout:

- ``its``: interrupted time series for one unit;
- ``did``: difference-in-differences against comparator units (and ``--synthetic``);
- ``power``: "when will we know?" for one unit's series.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

from commissioning.errors import InputError, Problem, located
from commissioning.tables import write_csv

MAX_PROBLEMS = 10
YEAR_ONLY = re.compile(r"^\d{4}(\.0+)?$")
MISSING = {"", "na", "n/a", "nan", "null"}


def register(sub) -> None:
    p = sub.add_parser("impact", help="evaluate the impact of a development")
    verbs = p.add_subparsers(dest="impact_verb", metavar="METHOD", required=True)

    its = verbs.add_parser("its", help="interrupted time series for one unit")
    _common(its)
    its.add_argument(
        "--lag", type=int, default=0, metavar="MONTHS", help="phase-in months left out"
    )
    its.add_argument(
        "--seasonal",
        nargs="?",
        const="fourier",
        choices=["fourier", "months"],
        help="adjust for season: Fourier terms (default) or month of year",
    )
    errors = its.add_mutually_exclusive_group()
    errors.add_argument(
        "--arima", dest="errors", action="store_const", const="arima", help="AR(1) errors (default)"
    )
    errors.add_argument(
        "--hac", dest="errors", action="store_const", const="hac", help="Newey-West errors"
    )
    errors.add_argument(
        "--naive", dest="errors", action="store_const", const="naive", help="independent errors"
    )
    its.add_argument(
        "--family",
        choices=["gaussian", "poisson"],
        default="gaussian",
        help="poisson: counts with a population offset, effects as rate ratios",
    )
    its.add_argument(
        "--offset", default="offset", metavar="COLUMN", help="population column for poisson"
    )
    its.add_argument(
        "--no-slope-change", action="store_true", help="fit a step change only (no slope change)"
    )
    its.add_argument("--horizons", default="6,12,24", help="months after, e.g. 6,12,24")
    its.add_argument("-o", "--output", metavar="FILE", help="write the counterfactual series here")
    its.set_defaults(func=run_its)

    did = verbs.add_parser("did", help="difference-in-differences against comparator units")
    _common(did, unit=False)
    did.add_argument("--treated", nargs="+", required=True, metavar="UNIT")
    did.add_argument("--peers", nargs="+", metavar="UNIT", help="comparators (default: all others)")
    did.add_argument("--fixed-effects", choices=["unit", "group"], default="unit")
    did.add_argument("--synthetic", action="store_true", help="also fit a synthetic control")
    did.add_argument(
        "--horizons", default="6,12,24", help="periods after (months for monthly data), e.g. 6,12"
    )
    did.add_argument("-o", "--output", metavar="FILE", help="write the counterfactual series here")
    did.set_defaults(func=run_did)

    power = verbs.add_parser("power", help="when will we know? smallest detectable change")
    _common(power)
    power.add_argument("--seasonal", nargs="?", const="fourier", choices=["fourier", "months"])
    power.set_defaults(func=run_power)


def _common(p, unit: bool = True) -> None:
    p.add_argument("input", metavar="INPUT", help="CSV with columns unit,date,value")
    p.add_argument("--intervention", required=True, metavar="DATE", help="e.g. 2019-04-01")
    if unit:
        p.add_argument("--unit", help="the unit to use when the file has several")


# ---------------------------------------------------------------------------------------------
# Reading and checking the input


def parse_date(text: str):
    import pandas as pd

    text = text.strip()
    if YEAR_ONLY.match(text):
        return pd.Timestamp(year=int(float(text)), month=1, day=1)
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        return None


def intervention_date(text: str):
    when = parse_date(text)
    if when is None or when is __import__("pandas").NaT:
        raise InputError(
            Problem(
                "--intervention", None, None, f"expected a date such as 2019-04-01, got '{text}'"
            )
        )
    return when


def read_panel(path: str, *, extra: tuple[str, ...] = (), need_unit: bool = True):
    """Read and check ``unit,date,value`` (plus ``extra`` columns); every problem is located."""
    import pandas as pd

    from commissioning.textfiles import read_records

    file = Path(path)
    if not file.is_file():
        raise located(path, None, None, "file not found")
    # encoding named, every row as wide as the header, a file cut short refused, all located
    records = read_records(file.read_bytes(), path, whole_last_value=False)
    raw = records.frame
    raw.columns = [str(c).strip() for c in records.header]
    wanted = (["unit"] if need_unit else []) + ["date", "value", *extra]
    missing = [c for c in wanted if c not in raw.columns]
    if missing:
        raise located(
            path, 1, None, f"missing column(s) {', '.join(missing)}; expected unit,date,value"
        )
    problems: list[Problem] = []
    rows = []
    for row, rec in zip(records.numbers.tolist(), raw.to_dict("records"), strict=True):
        when = parse_date(rec["date"])
        if when is None or pd.isna(when):
            problems.append(
                Problem(
                    path, row, "date", f"expected a date such as 2019-04-01, got '{rec['date']}'"
                )
            )
        values = {}
        for col in ["value", *extra]:
            text = rec[col].strip()
            if text.casefold() in MISSING:
                values[col] = math.nan
                continue
            try:
                values[col] = float(text.replace(",", ""))
            except ValueError:
                problems.append(Problem(path, row, col, f"expected a number, got '{text}'"))
                values[col] = math.nan
        if col_bad := [c for c in extra if not math.isnan(values[c]) and values[c] <= 0]:
            problems.append(Problem(path, row, col_bad[0], "expected a number above zero"))
        rows.append({"row": row, "unit": rec.get("unit", "").strip(), "date": when, **values})
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    dup = df.duplicated(subset=["unit", "date"], keep="first")
    if dup.any():
        first = df[dup].iloc[0]
        raise located(
            path,
            int(first["row"]),
            "date",
            f"a second value for unit '{first['unit']}' on {first['date']:%Y-%m-%d}",
        )
    return df.dropna(subset=["value", *extra]).reset_index(drop=True)


def one_unit(df, path: str, unit: str | None):
    units = sorted(set(df["unit"]))
    if unit is not None:
        if unit not in units:
            raise located(path, None, "unit", f"no rows for unit '{unit}'")
        return df[df["unit"] == unit].reset_index(drop=True), unit
    if len(units) > 1:
        shown = ", ".join(units[:5]) + (" ..." if len(units) > 5 else "")
        raise located(path, None, "unit", f"several units ({shown}); choose one with --unit")
    return df, (units[0] or None) if units else None


def _fail(path: str, column: str | None, exc: ValueError) -> InputError:
    return located(path, None, column, str(exc))


def _clean(obj):
    """JSON-safe: NaN and infinities become null, numpy numbers plain numbers."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _print(payload: dict) -> None:
    json.dump(_clean(payload), sys.stdout, indent=2)
    sys.stdout.write("\n")


def _records(frame) -> list[dict]:
    return [_clean(r) for r in frame.to_dict("records")]


def _write(frame, path: str) -> None:
    try:
        write_csv(frame, path)
    except OSError as exc:
        raise located(path, None, None, f"cannot write the file ({exc.strerror})") from None


# ---------------------------------------------------------------------------------------------
# Sub-commands


def _horizons(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        values = []
    if not values or any(v < 0 for v in values):
        raise InputError(
            Problem("--horizons", None, None, f"expected months such as 6,12,24, got '{text}'")
        )
    return values


def _power_payload(series, when, seasonal, months_observed=None) -> dict:
    from commissioning.analytics.impact import power

    noise = power.noise_before(series, when, seasonal=seasonal)
    table = power.detectable_change(noise["sd"], noise["rho"], noise["n_before"])
    return {
        "months_before": noise["n_before"],
        "residual_sd": noise["sd"],
        "lag1_autocorrelation": noise["rho"],
        "detectable_change": _records(table),
        "statement": power.power_statement(table, noise, months_observed=months_observed),
    }


def run_its(args) -> int:
    from commissioning.analytics.impact.caveats import its_caveats
    from commissioning.analytics.impact.its import fit_its

    when = intervention_date(args.intervention)
    horizons = _horizons(args.horizons)
    if args.lag < 0:
        raise InputError(Problem("--lag", None, None, "the phase-in cannot be negative"))
    poisson = args.family == "poisson"
    df = read_panel(args.input, extra=(args.offset,) if poisson else (), need_unit=False)
    df, unit = one_unit(df, args.input, args.unit)
    series = df[["date", "value"]].copy()
    if poisson:
        series["offset"] = df[args.offset]
    try:
        result = fit_its(
            series,
            when,
            lag_months=args.lag,
            seasonal=args.seasonal,
            errors=args.errors,
            family=args.family,
            slope_change=not args.no_slope_change,
            horizons=horizons,
        )
        power = _power_payload(series, when, args.seasonal, months_observed=result.n_after)
    except ValueError as exc:
        raise _fail(args.input, "date", exc) from None
    if args.output:
        _write(result.counterfactual, args.output)
    payload = {
        "method": "interrupted time series",
        "unit": unit,
        "intervention": when.date().isoformat(),
        "scale": "rate ratio" if poisson else "difference",
        "errors": result.errors,
        "newey_west_lags": result.hac_lags,
        "seasonal": result.seasonal,
        "phase_in_months": result.lag_months,
        "months_before": result.n_before,
        "months_after": result.n_after,
        "level_change": result.level_change.as_dict(),
        "slope_change": result.slope_change.as_dict() if result.slope_change else None,
        "horizons": [h.as_dict() for h in result.horizons],
        "residual_sd": result.residual_sd,
        "residual_autocorrelation": result.residual_autocorrelation,
        "power": power,
        "caveats": its_caveats(result),
        "notes": result.notes,
    }
    _print(payload)
    return 0


def run_did(args) -> int:
    from commissioning.analytics.impact.caveats import did_caveats, synthetic_caveats
    from commissioning.analytics.impact.did import difference_in_differences

    when = intervention_date(args.intervention)
    df = read_panel(args.input)
    units = set(df["unit"])
    for option, given in (("--treated", args.treated), ("--peers", args.peers or [])):
        unknown = [u for u in given if u not in units]
        if unknown:
            raise located(
                args.input,
                None,
                "unit",
                f"{option}: unit(s) not in the file: {', '.join(unknown)}",
            )
    try:
        result = difference_in_differences(
            df, args.treated, when, peers=args.peers, fixed_effects=args.fixed_effects
        )
    except ValueError as exc:
        raise _fail(args.input, None, exc) from None
    payload = {
        "method": "difference-in-differences",
        "intervention": when.date().isoformat(),
        "fixed_effects": result.fixed_effects,
        "treated": result.treated,
        "comparators": result.comparators,
        "periods_before": result.n_periods_before,
        "periods_after": result.n_periods_after,
        "average_effect": result.effect.as_dict(),
        "event_study": _records(result.event_study),
        "horizons": _did_horizons(result.event_study, _horizons(args.horizons)),
        "pre_trends": {
            "p_value": result.pre_trend_p_value,
            "statement": result.pre_trend_statement,
        },
        "caveats": did_caveats(result),
    }
    table = result.counterfactual
    if args.synthetic:
        from commissioning.analytics.impact.synthetic_control import synthetic_control

        try:
            synth = synthetic_control(df, args.treated, when, peers=args.peers)
        except ValueError as exc:
            raise _fail(args.input, None, exc) from None
        weights = synth.weights[synth.weights > 0.001]
        payload["synthetic"] = {
            "average_gap": {
                "estimate": synth.average_gap,
                "lower": None,
                "upper": None,
                "p_value": synth.p_value,
            },
            "weights": {str(k): float(v) for k, v in weights.items()},
            "gaps": _records(synth.gaps[synth.gaps["period"] == "after"]),
            "pre_rmspe": synth.pre_rmspe,
            "post_rmspe": synth.post_rmspe,
            "caveats": synthetic_caveats(synth),
        }
        table = table.merge(synth.gaps[["date", "synthetic", "gap"]], on="date", how="outer")
    if args.output:
        _write(table, args.output)
    _print(payload)
    return 0


def _did_horizons(events, horizons: list[int], max_lags: int = 24) -> list[dict]:
    """Event-study effects ``h`` periods after the intervention (period 0 is the first after).

    The last event-study period pools everything from ``max_lags`` on, so it is not reported
    as a horizon of its own.
    """
    table = events.set_index("period")
    out = []
    for h in horizons:
        row = {"periods_after": h}
        if h < max_lags and h in table.index:
            row.update(_clean(table.loc[h].to_dict()))
        else:
            row.update({"estimate": None, "lower": None, "upper": None, "p_value": None})
        out.append(row)
    return out


def run_power(args) -> int:
    when = intervention_date(args.intervention)
    df = read_panel(args.input, need_unit=False)
    df, unit = one_unit(df, args.input, args.unit)
    try:
        payload = _power_payload(df[["date", "value"]], when, args.seasonal)
    except ValueError as exc:
        raise _fail(args.input, "date", exc) from None
    _print({"method": "when will we know", "unit": unit, **payload})
    return 0
