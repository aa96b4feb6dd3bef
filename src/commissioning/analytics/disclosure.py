"""Statistical disclosure control for counts derived from patient-level data: the one module.

The default policy follows NHS England's method for HES and ECDS outputs (from September 2018)
and OpenSAFELY's: counts from 1 to 7 are suppressed (shown as ``*``) and every other count is
rounded to the nearest 5. Zero stays zero. Secondary suppression then stops a suppressed cell
being worked out from the total of the cells it adds up with: where a group has exactly one
suppressed cell, the next smallest cell in that group is suppressed too.

Every rule takes a :class:`SuppressionPolicy` (the default when none is given), so the rules
need no Django and no settings. :func:`configured_policy` is the one place that decides which
policy the web app, the API, downloads, reports and the command line pass, from the
environment (it reads nothing else):

- ``COMMISSIONING_SUPPRESS_UP_TO``: counts from 1 to this number are shown as ``*`` (default 7);
- ``COMMISSIONING_ROUND_TO``: other counts are rounded to the nearest multiple of this (default
  5; 1 means no rounding);
- ``COMMISSIONING_PUBLISHED_COUNTS``: kinds of records whose counts are published figures, shown
  as stored in downloads (``populations``, ``registers`` or both, separated by commas; default
  none: they are treated as derived from patients and disclosed under the rule).

Commands that run without a database (``commissioning measures``) use it too. The web app checks
it when it starts (:mod:`commissioning.web.apps`), so a bad value stops the server with a plain
message instead of failing page by page.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.errors import UserError

SUPPRESSED = "*"


#: Kinds of records whose counts may be declared published figures (see
#: :attr:`SuppressionPolicy.published`): NHS England publishes practice lists by age and sex and
#: QOF registers without suppression. Everything else derived from patients is always disclosed
#: under the rule.
PUBLISHABLE = ("populations", "registers")
PUBLISHED_RULE = "published figures, not suppressed"


@dataclass(frozen=True)
class SuppressionPolicy:
    """Counts 1 to ``threshold`` are hidden; others rounded to a multiple of ``rounding``.

    ``published`` names kinds of records (from :data:`PUBLISHABLE`) whose counts this
    installation treats as published figures: downloads show them as stored. By default there
    are none: populations and registers may come from patient-level data or a local extract as
    well as from NHS England's publications, so the safe choice is to treat them as derived from
    patients.
    """

    threshold: int = 7
    rounding: int = 5
    published: frozenset[str] = frozenset()

    def describe(self) -> str:
        text = f"Counts from 1 to {self.threshold} are shown as {SUPPRESSED}"
        if self.rounding > 1:
            text += f"; other counts are rounded to the nearest {self.rounding}"
        return text + "."

    def short(self) -> str:
        """The rule in a few words, for a column of a download."""
        text = f"1 to {self.threshold} shown as {SUPPRESSED}" if self.threshold else "none hidden"
        if self.rounding > 1:
            text += f"; others rounded to the nearest {self.rounding}"
        return text

    def rule_for(self, kind: str) -> str:
        """What a download of ``kind`` says about the rule its counts follow."""
        return PUBLISHED_RULE if kind in self.published else self.short()


DEFAULT_POLICY = SuppressionPolicy()


def small_mask(counts: pd.Series, policy: SuppressionPolicy = DEFAULT_POLICY) -> pd.Series:
    """True where a count is small enough to identify someone (1 to threshold)."""
    values = pd.to_numeric(counts, errors="coerce")
    return (values >= 1) & (values <= policy.threshold)


def round_counts(counts: pd.Series, policy: SuppressionPolicy = DEFAULT_POLICY) -> pd.Series:
    """Round counts to the nearest multiple of ``policy.rounding`` (halves round up)."""
    values = pd.to_numeric(counts, errors="coerce").astype(float)
    if policy.rounding <= 1:
        return values
    step = float(policy.rounding)
    return np.floor(values / step + 0.5) * step


def disclosed_count(count, policy: SuppressionPolicy = DEFAULT_POLICY) -> object:
    """One count of patients as it may be shown: ``*`` from 1 to the threshold, otherwise
    rounded (a whole number); None when unknown."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return None
    if 1 <= count <= policy.threshold:
        return SUPPRESSED
    return int(round_counts(pd.Series([float(count)]), policy).iloc[0])


def secondary_mask(
    df: pd.DataFrame, count: str, primary: pd.Series, groups: list[str]
) -> pd.Series:
    """Extra cells to hide so that no lone suppressed cell in a group can be derived.

    ``groups`` names the columns whose cells add up to a published total (e.g. the age bands of
    one practice). Within each group with exactly one primary-suppressed cell, the smallest other
    non-zero cell is hidden as well.
    """
    values = pd.to_numeric(df[count], errors="coerce")
    work = pd.DataFrame({"value": values, "primary": primary.astype(bool)}, index=df.index)
    keys = [df[g] for g in groups]
    lone = work.groupby(keys, dropna=False)["primary"].transform("sum") == 1
    candidates = work[lone & ~work["primary"] & (work["value"] > 0)]
    if candidates.empty:
        return pd.Series(False, index=df.index)
    cand_keys = [df.loc[candidates.index, g] for g in groups]
    smallest = candidates.groupby(cand_keys, dropna=False)["value"].idxmin()
    mask = pd.Series(False, index=df.index)
    mask.loc[smallest.to_numpy()] = True
    return mask


def suppress(
    df: pd.DataFrame,
    counts: list[str],
    *,
    groups: list[str] | None = None,
    policy: SuppressionPolicy = DEFAULT_POLICY,
    derived: dict[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` fit to leave the system.

    - each column in ``counts`` has small counts replaced by ``*`` and the rest rounded;
    - with ``groups``, secondary suppression is applied to each count column;
    - ``derived`` maps a ratio column to its (numerator, denominator) count columns: the ratio is
      hidden wherever either count is hidden and recomputed from the rounded counts elsewhere.
    """
    out = df.copy()
    hidden: dict[str, pd.Series] = {}
    for column in counts:
        mask = small_mask(df[column], policy)
        if groups:
            mask = mask | secondary_mask(df, column, mask, groups)
        hidden[column] = mask
        rounded = round_counts(df[column], policy)
        shown = rounded.astype(object)
        whole = rounded.notna()
        shown[whole] = rounded[whole].astype("int64")
        shown[mask] = SUPPRESSED
        out[column] = shown
    for ratio, (num, den) in (derived or {}).items():
        mask = hidden.get(num, pd.Series(False, index=df.index)) | hidden.get(
            den, pd.Series(False, index=df.index)
        )
        num_r = round_counts(df[num], policy)
        den_r = round_counts(df[den], policy)
        scale = df[ratio] / (df[num] / df[den]).replace(0, np.nan)
        recomputed = (num_r / den_r.replace(0, np.nan)) * scale.fillna(1.0)
        shown = recomputed.astype(object)
        shown[mask] = SUPPRESSED
        out[ratio] = shown
    return out


def suppress_with_total(
    df: pd.DataFrame,
    counts: list[str],
    *,
    by: list[str] | None = None,
    policy: SuppressionPolicy = DEFAULT_POLICY,
    derived: dict[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """:func:`suppress` for a table whose rows add up to a total shown alongside it.

    The one function for every page, report or chart data table that shows patient counts
    together with their total (a community's practices and the community figure, say): the rows
    of each count column (within each ``by`` group, else the whole table) are treated as the
    cells of that total, so a lone suppressed cell gets a second one hidden beside it and cannot
    be worked out by subtraction. Show the total with :func:`shown_total`.
    """
    key = "__disclosure_group"
    work = df.assign(**{key: 0})
    out = suppress(work, counts, groups=[*(by or []), key], policy=policy, derived=derived)
    return out.drop(columns=key)


def shown_total(
    cells: pd.Series, shown: pd.Series, policy: SuppressionPolicy = DEFAULT_POLICY
) -> object:
    """The total of ``cells`` as it may be shown beside their ``shown`` (suppressed) values.

    Small totals are suppressed and others rounded like any count. A total is hidden as well
    when exactly one of its cells is hidden and no other cell could be hidden with it (a total
    of one non-zero cell gives that cell away).
    """
    values = pd.to_numeric(cells, errors="coerce")
    total = float(values.sum(min_count=1)) if values.notna().any() else float("nan")
    hidden = shown.astype(object) == SUPPRESSED
    lone = int(hidden.sum()) == 1 and not bool(((values > 0) & ~hidden).any())
    if np.isnan(total):
        return float("nan")
    if lone or 1 <= total <= policy.threshold:
        return SUPPRESSED
    return int(round_counts(pd.Series([total]), policy).iloc[0])


OBSERVATION_COUNTS = ("numerator", "denominator")
OBSERVATION_DERIVED = ("value", "lower", "upper")


def _secondary(
    values: pd.Series, hidden: pd.Series, groups: pd.Series, totals: pd.Series
) -> pd.Series:
    """Cells to hide as well so that no lone hidden part of a total can be worked out from it.

    ``groups`` gives each row the key of the total it is a part of (empty for rows in none);
    ``totals`` is True on the row that is that total. In each group with exactly one hidden
    part, the smallest other non-zero part is hidden too; where there is none, the total.
    """
    extra = pd.Series(False, index=values.index)
    parts = groups.notna() & ~totals
    if not (parts & hidden).any():
        return extra
    lone_count = hidden[parts].groupby(groups[parts]).sum()
    lone = set(lone_count.index[lone_count == 1])
    if not lone:
        return extra
    candidates = parts & groups.isin(lone) & ~hidden & (values > 0)
    smallest = values[candidates].groupby(groups[candidates]).idxmin()
    extra.loc[smallest.to_numpy()] = True
    without = lone - set(smallest.index)
    return extra | (totals & groups.isin(without))


def disclose_observations(
    frame: pd.DataFrame,
    patient_counts: pd.Series,
    policy: SuppressionPolicy = DEFAULT_POLICY,
    *,
    groups: pd.Series | None = None,
    totals: pd.Series | None = None,
) -> pd.DataFrame:
    """Indicator observations fit to leave the system (a page, a chart, the API, a download, a
    report, an alert): the one rule every surface applies.

    ``frame`` has numeric ``numerator``, ``denominator`` and ``value`` columns (``lower`` and
    ``upper`` confidence limits if present); ``patient_counts`` is True on rows whose
    indicator counts patients. On those rows:

    - numerators and denominators from 1 to ``threshold`` become ``*``, others are rounded;
    - the value (and any confidence limits) become ``*`` where either count is hidden, since
      with the other count they would give it back (5 of 40 is 12.5%);
    - where both counts and the value are known, the value is recomputed from the rounded
      counts, keeping its scale (a precise 23.47% beside "25 of 100" would give back 23 of 98);
      a value resting on a numerator alone (a count, such as referrals in a month) is
      recomputed from the rounded numerator in the same way (49 referrals are shown as 50);
    - a value with no numerator is hidden: nothing shows whether the count it rests on is small
      (a bare 0.05% of a practice's list of 6,000 is 3 patients);
    - confidence limits are left empty where rounding changed a count, for the same reason.

    With ``groups`` and ``totals`` (see :func:`_secondary`), rows that are the parts of a total
    shown beside them (a grouping's practices and its total) get secondary suppression of each
    count, so that no hidden count is a subtraction away.

    Other rows are returned as they are. A boolean ``suppressed`` column says where something
    was hidden. Numbers stay floats (NaN when empty); hidden cells hold ``*``.
    """
    out = frame.copy()
    rows = patient_counts.reindex(frame.index).fillna(False).astype(bool)
    out["suppressed"] = False
    present = [c for c in OBSERVATION_DERIVED if c in frame.columns]
    for column in (*OBSERVATION_COUNTS, *present):
        out[column] = pd.to_numeric(frame[column], errors="coerce").astype(float).astype(object)
    if not rows.any():
        return out
    sub = frame.loc[rows, [*OBSERVATION_COUNTS, *present]].apply(pd.to_numeric, errors="coerce")
    sub = sub.astype(float)
    hidden = pd.Series(False, index=sub.index)
    for column in OBSERVATION_COUNTS:
        mask = small_mask(sub[column], policy)
        if groups is not None:
            keys = groups.reindex(sub.index)
            is_total = (
                totals.reindex(sub.index).fillna(False).astype(bool)
                if totals is not None
                else pd.Series(False, index=sub.index)
            )
            mask = mask | _secondary(sub[column], mask, keys, is_total)
        hidden |= mask
        rounded = round_counts(sub[column], policy).astype(object)
        rounded[mask] = SUPPRESSED
        out.loc[sub.index, column] = rounded
    bare = pd.Series(False, index=sub.index)
    if "value" in present:
        num, den, value = sub["numerator"], sub["denominator"], sub["value"]
        bare = value.notna() & num.isna()
        whole = num.notna() & den.notna() & value.notna() & (den > 0)
        ratio = (num / den).where(whole)
        scale = (value / ratio).where(ratio != 0, 1.0)
        recomputed = round_counts(num, policy) / round_counts(den, policy).replace(0, np.nan)
        new_value = value.where(~whole, (recomputed * scale).round(6))
        count = num.notna() & den.isna() & value.notna() & (num != 0)
        per_count = value / num.where(count)
        new_value = new_value.where(~count, (round_counts(num, policy) * per_count).round(6))
        new_value = new_value.astype(object)
        new_value[hidden | bare] = SUPPRESSED
        out.loc[sub.index, "value"] = new_value
    changed = pd.Series(False, index=sub.index)
    for column in OBSERVATION_COUNTS:
        changed |= sub[column].notna() & (round_counts(sub[column], policy) != sub[column])
    for column in ("lower", "upper"):
        if column in present:
            limits = sub[column].astype(object)
            limits[changed] = np.nan
            limits[hidden | bare] = SUPPRESSED
            out.loc[sub.index, column] = limits
    out.loc[sub.index, "suppressed"] = hidden | bare
    return out


def shown_values(
    frame: pd.DataFrame,
    patient_counts: pd.Series,
    policy: SuppressionPolicy = DEFAULT_POLICY,
    *,
    groups: pd.Series | None = None,
    totals: pd.Series | None = None,
) -> pd.DataFrame:
    """:func:`disclose_observations` for the surfaces that compute with the values (SPC charts,
    their tables, alerts, impact evaluation): the same rule, numbers kept as numbers.

    Returns, on ``frame``'s index, ``value`` (float: the value as shown, NaN where hidden or
    empty), ``numerator`` and ``denominator`` as shown (``*``, a float or NaN) and ``hidden``
    (True where the value, or a count, is hidden). A statistic worked out from these values
    (a mean, process limits, a trend) gives back nothing the values shown do not: hidden values
    are left out of it, as if they had not been recorded.
    """
    numbers = frame[["numerator", "denominator", "value"]]
    shown = disclose_observations(numbers, patient_counts, policy, groups=groups, totals=totals)
    value = shown["value"]
    hidden = shown["suppressed"].astype(bool) | (value.astype(object) == SUPPRESSED)
    return pd.DataFrame(
        {
            "value": pd.to_numeric(value.where(~hidden), errors="coerce").astype(float),
            "numerator": shown["numerator"],
            "denominator": shown["denominator"],
            "hidden": hidden,
        },
        index=frame.index,
    )


@dataclass(frozen=True)
class ShownNumbers:
    """:func:`shown_values` as arrays of numbers (one entry per row), for surfaces that work on
    hundreds of thousands of observations at once (a monitoring page of 10,000 series).

    ``value``: the value as shown (NaN where hidden or empty); ``hidden``: the value, or a
    count, is hidden; ``numerator`` and ``denominator``: the counts as shown (rounded on rows
    that count patients; NaN where unknown or hidden), ``numerator_hidden`` and
    ``denominator_hidden`` where they show ``*``.
    """

    value: np.ndarray
    hidden: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    numerator_hidden: np.ndarray
    denominator_hidden: np.ndarray


def shown_numbers(
    numerator: np.ndarray,
    denominator: np.ndarray,
    value: np.ndarray,
    patient_counts: np.ndarray,
    policy: SuppressionPolicy = DEFAULT_POLICY,
    *,
    groups: pd.Series | None = None,
    totals: pd.Series | None = None,
) -> ShownNumbers:
    """The rule of :func:`disclose_observations` on float arrays, as :class:`ShownNumbers`.

    The same cells hidden and the same numbers shown as :func:`shown_values` (a property test
    holds the two together); numbers stay numbers, so 600,000 rows take a few hundredths of a
    second rather than a second. ``groups`` and ``totals`` (on a positional index) are as in
    :func:`disclose_observations`.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    val = np.asarray(value, dtype=float)
    counted = np.asarray(patient_counts, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        hidden_num = counted & (num >= 1) & (num <= policy.threshold)
        hidden_den = counted & (den >= 1) & (den <= policy.threshold)
        if groups is not None and counted.any():
            rows = np.flatnonzero(counted)
            index = pd.RangeIndex(len(num))
            keys = groups.set_axis(index).iloc[rows]
            is_total = (
                totals.set_axis(index).iloc[rows].fillna(False).astype(bool)
                if totals is not None
                else pd.Series(False, index=keys.index)
            )
            for counts, mask in ((num, hidden_num), (den, hidden_den)):
                extra = _secondary(
                    pd.Series(counts[rows], index=keys.index),
                    pd.Series(mask[rows], index=keys.index),
                    keys,
                    is_total,
                )
                mask[rows[extra.to_numpy()]] = True
        hidden = hidden_num | hidden_den

        def rounded(x: np.ndarray) -> np.ndarray:
            if policy.rounding <= 1:
                return x
            step = float(policy.rounding)
            return np.floor(x / step + 0.5) * step

        num_r, den_r = rounded(num), rounded(den)
        bare = counted & ~np.isnan(val) & np.isnan(num)
        whole = ~np.isnan(num) & ~np.isnan(den) & ~np.isnan(val) & (den > 0)
        ratio = np.where(whole, num / den, np.nan)
        scale = np.where(ratio != 0, val / ratio, 1.0)
        recomputed = num_r / np.where(den_r == 0, np.nan, den_r)
        new_value = np.where(whole, np.round(recomputed * scale, 6), val)
        count = ~np.isnan(num) & np.isnan(den) & ~np.isnan(val) & (num != 0)
        new_value = np.where(
            count, np.round(num_r * (val / np.where(count, num, 1.0)), 6), new_value
        )
        shown_hidden = hidden | bare
        return ShownNumbers(
            value=np.where(counted, np.where(shown_hidden, np.nan, new_value), val),
            hidden=shown_hidden,
            numerator=np.where(counted, np.where(hidden_num, np.nan, num_r), num),
            denominator=np.where(counted, np.where(hidden_den, np.nan, den_r), den),
            numerator_hidden=hidden_num,
            denominator_hidden=hidden_den,
        )


def _known(x) -> bool:
    return x is not None and not math.isnan(x)


def disclose_observation(
    numerator: float | None,
    denominator: float | None,
    value: float | None,
    policy: SuppressionPolicy = DEFAULT_POLICY,
) -> tuple[object, object, object, bool]:
    """One observation of an indicator that counts patients, as :func:`disclose_observations`
    shows it: ``(numerator, denominator, value, suppressed)``, hidden cells ``*``, empty ones
    None.

    The same rules in plain Python, for a page of the API (100 rows), where building data frames
    cost more than the rules themselves; the two are checked against each other on random data.
    """

    def small(x) -> bool:
        return _known(x) and 1 <= x <= policy.threshold

    def rounded(x: float) -> float:
        if policy.rounding <= 1:
            return x
        step = float(policy.rounding)
        return math.floor(x / step + 0.5) * step

    hidden = small(numerator) or small(denominator)
    shown = []
    for count in (numerator, denominator):
        if small(count):
            shown.append(SUPPRESSED)
        else:
            shown.append(float(rounded(count)) if _known(count) else None)
    if hidden or (_known(value) and not _known(numerator)):
        return shown[0], shown[1], SUPPRESSED, True
    new_value = value if _known(value) else None
    if new_value is not None and _known(denominator) and denominator > 0:
        ratio = numerator / denominator
        scale = value / ratio if ratio != 0 else 1.0
        whole = rounded(denominator)
        recomputed = rounded(numerator) / whole * scale if whole != 0 else math.nan
        new_value = float(np.round(recomputed, 6)) if _known(recomputed) else None
    elif new_value is not None and not _known(denominator) and numerator != 0:
        new_value = float(np.round(rounded(numerator) * (value / numerator), 6))
    return shown[0], shown[1], new_value, False


def suppress_parts(
    df: pd.DataFrame,
    parts: list[str],
    total: str,
    *,
    policy: SuppressionPolicy = DEFAULT_POLICY,
) -> pd.DataFrame:
    """:func:`suppress` for rows whose ``parts`` columns add up to their ``total`` column.

    Recorded + undiagnosed = expected, say: with "expected" and "undiagnosed" shown, a hidden
    "recorded" would be a subtraction away. Every part and the total are suppressed and rounded
    as counts; then, in each row with exactly one hidden part, the smallest other non-zero part
    is hidden too, or the total when there is no other part to hide.
    """
    out = suppress(df, [*parts, total], policy=policy)
    values = df[parts].apply(pd.to_numeric, errors="coerce")
    hidden = pd.DataFrame({p: out[p].astype(object) == SUPPRESSED for p in parts}, index=df.index)
    lone = hidden.sum(axis=1) == 1
    for i in df.index[lone]:
        others = values.loc[i][(~hidden.loc[i]) & (values.loc[i] > 0)]
        if others.empty:
            out.at[i, total] = SUPPRESSED
        else:
            out.at[i, others.idxmin()] = SUPPRESSED
    return out


def shown_gap(
    recorded: float, expected: float, policy: SuppressionPolicy = DEFAULT_POLICY
) -> dict[str, object]:
    """Recorded, expected and the gap between them (expected - recorded, at least 0), as shown.

    One row of :func:`suppress_parts`: a hidden recorded count is not left a subtraction away.
    """
    gap = max(0.0, float(expected) - float(recorded))
    row = pd.DataFrame({"recorded": [recorded], "gap": [gap], "expected": [expected]})
    shown = suppress_parts(row, ["recorded", "gap"], "expected", policy=policy)
    return {k: shown.at[0, k] for k in ("recorded", "expected", "gap")}


# --- the policy this installation uses, from the environment ------------------------------------

SUPPRESS_UP_TO = "COMMISSIONING_SUPPRESS_UP_TO"
ROUND_TO = "COMMISSIONING_ROUND_TO"
PUBLISHED = "COMMISSIONING_PUBLISHED_COUNTS"


class PolicyError(UserError):
    """The small-numbers settings in the environment are not usable."""

    exit_status = 2


def _whole_number(environ: Mapping[str, str], name: str, default: int, least: int) -> int:
    text = environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        number = int(text.strip())
    except ValueError:
        number = None
    if number is None or number < least:
        raise PolicyError(
            f"{name} must be a whole number of at least {least} (the default is {default}), "
            f"but it is set to '{text}'"
        )
    return number


def _kinds(environ: Mapping[str, str], name: str) -> frozenset[str]:
    text = environ.get(name) or ""
    kinds = {k.strip().lower() for k in text.split(",") if k.strip()}
    if not kinds <= set(PUBLISHABLE):
        raise PolicyError(
            f"{name} lists the kinds of records whose counts are published figures: "
            f"{', '.join(PUBLISHABLE)}, separated by commas (the default is none), "
            f"but it is set to '{text}'"
        )
    return frozenset(kinds)


def policy_from(environ: Mapping[str, str]) -> SuppressionPolicy:
    """The policy that ``environ`` asks for; unset or empty variables keep the defaults."""
    return SuppressionPolicy(
        threshold=_whole_number(environ, SUPPRESS_UP_TO, DEFAULT_POLICY.threshold, 0),
        rounding=_whole_number(environ, ROUND_TO, DEFAULT_POLICY.rounding, 1),
        published=_kinds(environ, PUBLISHED),
    )


def configured_policy() -> SuppressionPolicy:
    """The small-numbers policy for everything that leaves the system, from the environment."""
    return policy_from(os.environ)
