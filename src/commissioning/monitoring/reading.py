"""Monitoring's observations read as arrays, for :func:`.arrays.work_out`.

:func:`_read` reads the observations' ``READ_FIELDS`` as numpy arrays (PostgreSQL sends the rows
as CSV through ``COPY``, which Arrow reads; other databases go through the ORM);
:func:`_extra_arrays` puts series made elsewhere (a grouping's totals) in the same shape; and
:func:`_names` reads the names of the organisations and services the series are of.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.core.exceptions import EmptyResultSet
from django.db import connections

from commissioning.monitoring.presenter import NUMBERS

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
