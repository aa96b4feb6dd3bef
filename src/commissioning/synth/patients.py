"""Generate a realistic synthetic patient-level dataset, streaming so memory stays flat in N.

Tables (Parquet, one file each, written a chunk of patients at a time):

- ``patients``: patient_id, sex, birth_date (first of the birth month), imd_decile
- ``registrations``: patient_id, practice, start_date, end_date (empty while registered)
- ``diagnoses``: patient_id, code_system, code, date
- ``events``: patient_id, date, setting, pod, activity_type, diagnosis_code, cost

Everything is synthetic: identifiers are random pseudonyms, not NHS numbers.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from commissioning.synth import codes

SCHEMAS = {
    "patients": pa.schema(
        [
            ("patient_id", pa.string()),
            ("sex", pa.string()),
            ("birth_date", pa.date32()),
            ("imd_decile", pa.int8()),
        ]
    ),
    "registrations": pa.schema(
        [
            ("patient_id", pa.string()),
            ("practice", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
        ]
    ),
    "diagnoses": pa.schema(
        [
            ("patient_id", pa.string()),
            ("code_system", pa.string()),
            ("code", pa.string()),
            ("date", pa.date32()),
        ]
    ),
    "events": pa.schema(
        [
            ("patient_id", pa.string()),
            ("date", pa.date32()),
            ("setting", pa.string()),
            ("pod", pa.string()),
            ("activity_type", pa.string()),
            ("diagnosis_code", pa.string()),
            ("cost", pa.float64()),
        ]
    ),
}

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class SynthConfig:
    patients: int = 10_000
    months: int = 60
    start: dt.date = dt.date(2019, 4, 1)
    patients_per_practice: int = 8_000
    events_per_patient: float = 20.0
    chunk: int = 100_000
    seed: int = 42


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _month_start_days(month_index: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the first day of each month index (year*12 + month - 1)."""
    years = month_index // 12
    months = month_index % 12 + 1
    as_dates = (years - 1970).astype("datetime64[Y]") + (months - 1).astype("timedelta64[M]")
    return as_dates.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _age_years(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages with a shape like England's registered population (fewer people over 70)."""
    weights = np.array(
        [6, 6, 6, 6, 6.5, 7, 7, 6.8, 6.5, 6.6, 7, 6.8, 6, 5.4, 5.2, 3.8, 2.7, 1.7, 1]
    )
    band = rng.choice(len(weights), size=n, p=weights / weights.sum())
    return band * 5 + rng.integers(0, 5, size=n)


def _to_date32(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("int32"), type=pa.int32()).cast(pa.date32())


class _Writers:
    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.writers = {
            name: pq.ParquetWriter(folder / f"{name}.parquet", schema, compression="zstd")
            for name, schema in SCHEMAS.items()
        }
        self.rows = dict.fromkeys(SCHEMAS, 0)

    def write(self, name: str, columns: dict) -> None:
        table = pa.table(columns, schema=SCHEMAS[name])
        self.writers[name].write_table(table)
        self.rows[name] += table.num_rows

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


def _chunk(cfg: SynthConfig, rng: np.random.Generator, first: int, n: int, out: _Writers):
    start_idx = cfg.start.year * 12 + cfg.start.month - 1
    end_idx = start_idx + cfg.months  # first month after the window
    window_start = _days(cfg.start)
    window_days = int(_month_start_days(np.array([end_idx]))[0]) - window_start
    n_practices = max(1, cfg.patients // cfg.patients_per_practice)

    # Pseudonyms: an odd multiplier modulo 2**40 is a bijection, so identifiers are unique and
    # look random without a lookup table.
    scrambled = (np.arange(first, first + n, dtype=np.uint64) * np.uint64(0x9E3779B97F)) % (
        np.uint64(1) << np.uint64(40)
    )
    ids = np.char.add("S", np.char.zfill(np.char.mod("%x", scrambled), 10))
    sex = np.where(rng.random(n) < 0.5, "female", "male")
    age = _age_years(rng, n)
    birth_idx = start_idx - age * 12 - rng.integers(0, 12, size=n)
    practice_no = rng.integers(0, n_practices, size=n)
    practice_imd = (np.arange(n_practices) * 7919 % 10) + 1
    imd = np.clip(practice_imd[practice_no] + rng.integers(-2, 3, size=n), 1, 10).astype(np.int8)
    out.write(
        "patients",
        {
            "patient_id": ids,
            "sex": sex,
            "birth_date": _to_date32(_month_start_days(birth_idx)),
            "imd_decile": imd,
        },
    )

    # Registrations: most patients stay all window; some leave, a few re-register elsewhere.
    born_days = _month_start_days(birth_idx)
    reg_start = np.maximum(born_days, window_start - rng.integers(30, 20 * 365, size=n))
    leaves = rng.random(n) < 0.12
    leave_day = window_start + rng.integers(0, window_days, size=n)
    reg_end = np.where(leaves, leave_day, -1)
    moves = leaves & (rng.random(n) < 0.5)
    second_practice = (practice_no + 1 + rng.integers(0, max(1, n_practices - 1), size=n)) % max(
        1, n_practices
    )
    practice_code = np.char.add("Y", np.char.zfill((10000 + practice_no).astype(str), 5))
    second_code = np.char.add("Y", np.char.zfill((10000 + second_practice).astype(str), 5))
    rid = np.concatenate([ids, ids[moves]])
    rpractice = np.concatenate([practice_code, second_code[moves]])
    rstart = np.concatenate([reg_start, reg_end[moves] + rng.integers(1, 60, size=moves.sum())])
    rend = np.concatenate([reg_end, np.full(moves.sum(), -1)])
    end_arr = pa.array(rend.astype("int32"), mask=rend < 0, type=pa.int32()).cast(pa.date32())
    out.write(
        "registrations",
        {
            "patient_id": rid,
            "practice": rpractice,
            "start_date": _to_date32(rstart),
            "end_date": end_arr,
        },
    )

    # Diagnoses: probability rises with age (and deprivation for diabetes).
    age_mid = age + cfg.months / 24
    deprivation = (11 - imd) / 10
    p_diabetes = np.clip(
        0.002 + 0.0019 * np.maximum(age_mid - 20, 0) * (0.7 + 0.6 * deprivation), 0, 0.3
    )
    p_dementia = np.where(age_mid >= 60, 0.013 * 2 ** ((age_mid - 65) / 5), 0.0005)
    p_dementia = np.clip(p_dementia * 0.35, 0, 0.35)
    p_stroke = np.clip(0.001 + 0.0016 * np.maximum(age_mid - 40, 0), 0, 0.2)
    diag_frames = []
    conditions = {}
    for name, p, code_list in (
        ("diabetes", p_diabetes, codes.DIABETES),
        ("dementia", p_dementia, codes.DEMENTIA),
        ("stroke", p_stroke, codes.STROKE),
    ):
        has = rng.random(n) < p
        conditions[name] = has
        k = int(has.sum())
        # A third are diagnosed during the window, the rest before it (but after birth).
        during = rng.random(k) < 0.33
        before = window_start - rng.integers(1, 15 * 365, size=k)
        in_window = window_start + rng.integers(0, window_days, size=k)
        day = np.maximum(np.where(during, in_window, before), born_days[has] + 365)
        diag_frames.append((ids[has], np.full(k, "snomed_ct"), rng.choice(code_list, size=k), day))
    out.write(
        "diagnoses",
        {
            "patient_id": np.concatenate([f[0] for f in diag_frames]),
            "code_system": np.concatenate([f[1] for f in diag_frames]),
            "code": np.concatenate([f[2] for f in diag_frames]),
            "date": _to_date32(np.concatenate([f[3] for f in diag_frames])),
        },
    )

    # Events: counts rise with age and long-term conditions; dates fall within the window.
    burden = 1 + conditions["diabetes"] + 1.5 * conditions["dementia"] + conditions["stroke"]
    rate = cfg.events_per_patient * (0.5 + age / 60) * burden
    rate *= cfg.events_per_patient * n / rate.sum()
    count = rng.poisson(rate)
    owner = np.repeat(np.arange(n), count)
    m = owner.size
    settings = np.array(list(codes.SETTINGS))
    sidx = rng.choice(len(settings), size=m, p=[0.55, 0.17, 0.1, 0.04, 0.04, 0.1])
    old_or_ill = (age[owner] >= 75) | (burden[owner] > 1)
    sidx[old_or_ill & (rng.random(m) < 0.05)] = list(codes.SETTINGS).index("emergency")
    setting = settings[sidx]
    pods = np.array([v[0] for v in codes.SETTINGS.values()])
    kinds = np.array([v[1] for v in codes.SETTINGS.values()])
    costs = np.array([v[2] for v in codes.SETTINGS.values()])
    pod = pods[sidx]
    activity = kinds[sidx]
    cost = np.round(costs[sidx] * rng.lognormal(0, 0.25, size=m), 2)
    day = window_start + rng.integers(0, window_days, size=m)
    is_admission = np.isin(setting, ["emergency", "elective"])
    acsc = is_admission & (setting == "emergency") & (burden[owner] > 1) & (rng.random(m) < 0.12)
    diag = np.where(
        acsc,
        rng.choice(codes.ACSC, size=m),
        np.where(is_admission, rng.choice(codes.OTHER_ADMISSION, size=m), ""),
    )
    # Diabetes care processes: each process recorded with 94% chance in each year of the window.
    diabetic = np.flatnonzero(conditions["diabetes"])
    years = max(1, cfg.months // 12)
    cp_owner = np.repeat(diabetic, years * len(codes.CARE_PROCESSES))
    cp_year = np.tile(np.repeat(np.arange(years), len(codes.CARE_PROCESSES)), diabetic.size)
    cp_kind = np.tile(np.array(codes.CARE_PROCESSES), diabetic.size * years)
    keep = rng.random(cp_owner.size) < 0.94
    cp_owner, cp_year, cp_kind = cp_owner[keep], cp_year[keep], cp_kind[keep]
    cp_day = window_start + cp_year * 365 + rng.integers(0, 365, size=cp_owner.size)
    cp_day = np.minimum(cp_day, window_start + window_days - 1)
    diag_blank = np.full(cp_owner.size, "")
    out.write(
        "events",
        {
            "patient_id": np.concatenate([ids[owner], ids[cp_owner]]),
            "date": _to_date32(np.concatenate([day, cp_day])),
            "setting": np.concatenate([setting, np.full(cp_owner.size, "gp")]),
            "pod": np.concatenate([pod, np.full(cp_owner.size, "GP")]),
            "activity_type": np.concatenate([activity, cp_kind]),
            "diagnosis_code": np.concatenate([diag, diag_blank]),
            "cost": np.concatenate([cost, np.full(cp_owner.size, 12.0)]),
        },
    )


def generate(
    cfg: SynthConfig, folder: str | Path, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Write the four tables into ``folder``; returns rows written per table."""
    rng = np.random.default_rng(cfg.seed)
    out = _Writers(Path(folder))
    try:
        done = 0
        while done < cfg.patients:
            n = min(cfg.chunk, cfg.patients - done)
            _chunk(cfg, rng, done, n, out)
            done += n
            if progress:
                progress(done, cfg.patients)
    finally:
        out.close()
    return out.rows


def text_progress(label: str, stream=sys.stderr) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        stream.write(f"\r{label} [{bar}] {pct:3d}% ({done:,} of {total:,})")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show
