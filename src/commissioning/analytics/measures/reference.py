"""The measure library again, in plain pandas: a reference to check the SQL engines against.

Each function below is written from the measure's plain-English ``definition`` and the shared
``rules`` in ``definitions/measures.toml``, not from its SQL: it is a second, independent
reading of the definition. It works the way a person would by hand: it finds, for every month
end, who was registered where and how old they were, and counts them; for every event, the
practice the person was registered with that day. That is slow (every person times every month)
and is meant for the small tables of the spec and generative tests (tests/spec/measures/), not
for real data.

Only the definitions' data are shared with the engines: the codelists, the reference rates and
each measure's multiplier and frequency.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from commissioning.analytics.measures import library
from commissioning.analytics.measures.library import Measure

OUTPUT_COLUMNS = ["measure", "organisation", "period", "numerator", "denominator", "value"]
TABLES = ("patients", "registrations", "diagnoses", "events")
DATES = {
    "patients": ["birth_date"],
    "registrations": ["start_date", "end_date"],
    "diagnoses": ["date"],
    "events": ["date"],
}
KEYS = ["organisation", "period"]


# ----------------------------------------------------------------------------- the data


class Data:
    """The four tables of a dataset, with dates as pandas timestamps (missing: NaT).

    Rule "people": only people in the patients table count, so every other table keeps the
    rows of those people only.
    """

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.tables = {}
        for name in TABLES:
            df = tables[name].copy()
            for column in DATES[name]:
                df[column] = pd.to_datetime(df[column])
            self.tables[name] = df
        people = set(self.tables["patients"]["patient_id"])
        for name in ("registrations", "diagnoses", "events"):
            df = self.tables[name]
            self.tables[name] = df[df["patient_id"].isin(people)].reset_index(drop=True)
        self.codelists = library.codelists()
        self._people_at: dict[tuple, pd.DataFrame] = {}

    @classmethod
    def read(cls, folder: str | Path) -> Data:
        folder = Path(folder)
        return cls({name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES})

    @property
    def patients(self) -> pd.DataFrame:
        return self.tables["patients"]

    @property
    def registrations(self) -> pd.DataFrame:
        return self.tables["registrations"]

    @property
    def diagnoses(self) -> pd.DataFrame:
        return self.tables["diagnoses"]

    @property
    def events(self) -> pd.DataFrame:
        return self.tables["events"]

    def codes(self, codelist: str) -> pd.DataFrame:
        found = self.codelists[self.codelists["codelist"] == codelist]
        return found[["code_system", "code"]].drop_duplicates()


def month_start(period: dt.date) -> pd.Timestamp:
    return pd.Timestamp(period.year, period.month, 1)


def month_end(period: dt.date) -> pd.Timestamp:
    """The last day of the month (rule "months": figures are as things stood on it)."""
    return month_start(period) + pd.offsets.MonthEnd(0)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# ------------------------------------------------------------------- the shared rules


def practice_on(data: Data, asked: pd.DataFrame) -> pd.Series:
    """Rule "registered": the practice each (patient_id, day) row's person belonged to that day.

    Covering registrations started on or before the day and had not ended before it (an empty
    end is open). Where several cover the day, the one that started last wins; then the one
    ending later (open latest); then the practice code that sorts last. NaN: not registered.
    """
    regs = data.registrations
    regs = regs[regs["start_date"].notna()]
    regs = regs[regs["end_date"].isna() | (regs["end_date"] >= regs["start_date"])]
    rows = asked[["patient_id", "day"]].reset_index(names="row")
    pairs = rows.merge(regs, on="patient_id")
    covers = (pairs["start_date"] <= pairs["day"]) & (
        pairs["end_date"].isna() | (pairs["end_date"] >= pairs["day"])
    )
    pairs = pairs[covers].copy()
    pairs["ends"] = pairs["end_date"].fillna(pd.Timestamp.max)  # open: the latest end
    pairs = pairs.sort_values(["row", "start_date", "ends", "practice"])
    chosen = pairs.groupby("row").tail(1).set_index("row")["practice"]
    return chosen.reindex(rows["row"]).set_axis(asked.index)


def age_at(birth: pd.Series, period: dt.date) -> pd.Series:
    """Rule "age": whole years at the month end, from the birth year and month; NaN unknown."""
    months = (period.year * 12 + period.month) - (birth.dt.year * 12 + birth.dt.month)
    return np.floor(months / 12)


def first_diagnosed(data: Data, codelist: str) -> pd.Series:
    """Rule "diagnosed": each person's earliest dated diagnosis in the codelist."""
    found = data.diagnoses.merge(data.codes(codelist), on=["code_system", "code"])
    found = found[found["date"].notna()]
    return found.groupby("patient_id")["date"].min()


def diagnosed_by_the_day(data: Data, people: pd.DataFrame, codelist: str) -> pd.Series:
    """True for each row of ``people`` first diagnosed in the codelist on or before its day."""
    first = first_diagnosed(data, codelist).reindex(people["patient_id"])
    return pd.Series(first.to_numpy(), index=people.index) <= people["day"]


def people_at_month_ends(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Everyone registered at each month end: period, patient_id, practice, sex, age, day."""
    key = tuple(periods)
    if key not in data._people_at:
        frames = []
        for period in periods:
            people = data.patients[["patient_id", "sex", "birth_date"]].copy()
            people["day"] = month_end(period)
            people["practice"] = practice_on(data, people)
            people["age"] = age_at(people["birth_date"], period)
            people["period"] = period
            frames.append(people[people["practice"].notna()])
        columns = ["period", "patient_id", "practice", "sex", "age", "day"]
        data._people_at[key] = (
            pd.concat(frames, ignore_index=True)[columns]
            if frames
            else pd.DataFrame(columns=columns)
        )
    return data._people_at[key]


def aged(people: pd.DataFrame, min_age: int) -> pd.DataFrame:
    """People aged ``min_age`` or over; with no age limit, everyone (unknown ages too)."""
    if min_age == 0:
        return people
    return people[people["age"] >= min_age]


def events_at_practices(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Rule "events": each event in the months asked for, with the practice of its day."""
    events = data.events[data.events["date"].notna()].copy()
    events["period"] = [dt.date(d.year, d.month, 1) for d in events["date"]]
    events = events[events["period"].isin(set(periods))].copy()
    events["day"] = events["date"]
    events["practice"] = practice_on(data, events)
    return events[events["practice"].notna()]


def count(people: pd.DataFrame, name: str) -> pd.DataFrame:
    return (
        people.groupby(["practice", "period"]).size().rename(name).reset_index()
        if len(people)
        else pd.DataFrame(columns=["practice", "period", name])
    )


def total(people: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    if not len(people):
        return pd.DataFrame(columns=["practice", "period", name])
    return people.groupby(["practice", "period"])[column].sum().rename(name).reset_index()


def sides(numerator: pd.DataFrame, denominator: pd.DataFrame) -> pd.DataFrame:
    out = denominator.merge(numerator, on=["practice", "period"], how="outer")
    return out.rename(columns={"practice": "organisation"})


# ------------------------------------------------------------- one function per measure


def register(data: Data, periods: list[dt.date], codelist: str, min_age: int) -> pd.DataFrame:
    """People of ``min_age`` or over registered at the month end (denominator) and those of
    them diagnosed with a code of ``codelist`` on or before the month end (numerator)."""
    people = aged(people_at_month_ends(data, periods), min_age)
    on_register = people[diagnosed_by_the_day(data, people, codelist)]
    return sides(count(on_register, "numerator"), count(people, "denominator"))


def register_diabetes(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Diabetes register aged 17+ over registered people aged 17+."""
    return register(data, periods, "diabetes", 17)


def register_dementia(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Dementia register (all ages) over registered people (all ages)."""
    return register(data, periods, "dementia", 0)


def register_stroke_tia(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Stroke and TIA register (all ages) over registered people (all ages)."""
    return register(data, periods, "stroke_tia", 0)


def dementia_diagnosis_rate(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Dementia register aged 65+ over the expected number: each registered person aged 65+
    brings the reference rate of their sex and age band at the month end."""
    recorded = register(data, periods, "dementia", 65)[["organisation", "period", "numerator"]]
    people = aged(people_at_month_ends(data, periods), 65)
    rates = library.reference_rates()
    rates = rates[rates["rates"] == "dementia"]
    bands = people.merge(rates, on="sex")
    upper = bands["age_to"].astype(float).fillna(np.inf)
    bands = bands[(bands["age"] >= bands["age_from"].astype(float)) & (bands["age"] < upper)]
    expected = total(bands, "rate", "denominator")
    # People whose sex has no rate add nothing: their practice-months may have no expected row.
    expected = expected.rename(columns={"practice": "organisation"})
    return expected.merge(recorded, on=KEYS, how="outer")


def emergency_admissions_acsc(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """Emergency admissions (NEL) with a chronic ACSC primary diagnosis, at the practice of the
    admission day, over registered people (all ages) at the month end."""
    events = events_at_practices(data, periods)
    acsc = data.codes("acsc_chronic")
    acsc_codes = set(acsc.loc[acsc["code_system"] == "icd10", "code"])
    admissions = events[(events["pod"] == "NEL") & events["diagnosis_code"].isin(acsc_codes)]
    registered = people_at_month_ends(data, periods)
    return sides(count(admissions, "numerator"), count(registered, "denominator"))


def cost_per_patient(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """The cost of every event at the practice of its day, over registered people (all ages)."""
    events = events_at_practices(data, periods)
    events = events.assign(cost=events["cost"].fillna(0.0))
    registered = people_at_month_ends(data, periods)
    return sides(total(events, "cost", "numerator"), count(registered, "denominator"))


def nda_all_eight_care_processes(data: Data, periods: list[dt.date]) -> pd.DataFrame:
    """For each audit year ending in a March asked for: people aged 17+ registered at the end
    of March and diagnosed with diabetes by then (denominator), and those of them with all
    eight care processes recorded, anywhere, from 1 April to 31 March (numerator)."""
    marches = [p for p in periods if p.month == 3]
    if not marches:
        return pd.DataFrame(columns=[*KEYS, "numerator", "denominator"])
    people = aged(people_at_month_ends(data, marches), 17)
    on_register = people[diagnosed_by_the_day(data, people, "diabetes")].copy()
    processes = data.codes("nda_care_processes")
    wanted = set(processes.loc[processes["code_system"] == "activity", "code"])
    events = data.events[data.events["activity_type"].isin(wanted)]
    all_eight = []
    for row in on_register.itertuples():
        year_start = pd.Timestamp(row.period.year - 1, 4, 1)
        theirs = events[
            (events["patient_id"] == row.patient_id)
            & (events["date"] >= year_start)
            & (events["date"] <= row.day)
        ]
        all_eight.append(set(theirs["activity_type"]) == wanted)
    had_all = on_register[np.array(all_eight, dtype=bool)]
    return sides(count(had_all, "numerator"), count(on_register, "denominator"))


MEASURES = {
    "register_diabetes": register_diabetes,
    "register_dementia": register_dementia,
    "register_stroke_tia": register_stroke_tia,
    "dementia_diagnosis_rate": dementia_diagnosis_rate,
    "emergency_admissions_acsc": emergency_admissions_acsc,
    "cost_per_patient": cost_per_patient,
    "nda_all_eight_care_processes": nda_all_eight_care_processes,
}


# ------------------------------------------------------------------------ the figures


def figures(measure: Measure, found: pd.DataFrame) -> pd.DataFrame:
    """Rule "figures": a figure where the denominator is above zero (annual: March only),
    value = numerator / denominator x multiplier."""
    out = found.copy()
    for side in ("numerator", "denominator"):
        out[side] = out[side].astype(float).fillna(0.0) if side in out else 0.0
    out = out[out["denominator"] > 0]
    if measure.frequency == "annual":
        out = out[np.array([p.month == 3 for p in out["period"]], dtype=bool)]
    out = out.assign(
        measure=measure.id,
        value=out["numerator"] / out["denominator"] * measure.multiplier,
        organisation=out["organisation"].astype(str),
    )
    return out.sort_values(KEYS)[OUTPUT_COLUMNS].reset_index(drop=True)


def evaluate(
    data: Data | str | Path,
    *,
    measures: list[Measure] | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> pd.DataFrame:
    """The long measures table (no disclosure control), as ``run.evaluate`` gives it.

    Months default to those of the first and last events.
    """
    if not isinstance(data, Data):
        data = Data.read(data)
    measures = measures or library.load_library()
    dates = data.events["date"].dropna()
    if (first is None or last is None) and dates.empty:
        raise ValueError("no events with a date: give the first and last months")
    first = first or dates.min().date().replace(day=1)
    last = last or dates.max().date().replace(day=1)
    periods = months_between(first, last)
    frames = [figures(m, MEASURES[m.id](data, periods)) for m in measures]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    return pd.concat(frames, ignore_index=True)
