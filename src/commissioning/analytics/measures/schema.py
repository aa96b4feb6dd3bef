"""The documented input schema of a patient-level dataset, checked before any measure runs."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from commissioning.errors import InputError, Problem, UserError

# table: {column: kind}; kinds are checked loosely (string, date, integer, number).
SCHEMA = {
    "patients": {
        "patient_id": "string",
        "sex": "string",
        "birth_date": "date",
        "imd_decile": "integer",
    },
    "registrations": {
        "patient_id": "string",
        "practice": "string",
        "start_date": "date",
        "end_date": "date",
    },
    "diagnoses": {
        "patient_id": "string",
        "code_system": "string",
        "code": "string",
        "date": "date",
    },
    "events": {
        "patient_id": "string",
        "date": "date",
        "setting": "string",
        "pod": "string",
        "activity_type": "string",
        "diagnosis_code": "string",
        "cost": "number",
    },
}


def _kind(arrow_type) -> str:
    import pyarrow as pa

    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type):
        return "date"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "number"
    return str(arrow_type)


def check_dataset(folder: Path) -> None:
    """Every table present with the expected columns and types, or one located error listing all."""
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder (expected a folder of Parquet files)")
    problems = []
    for table, columns in SCHEMA.items():
        path = folder / f"{table}.parquet"
        if not path.exists():
            problems.append(Problem(str(path), None, None, "file is missing"))
            continue
        try:
            schema = pq.read_schema(path)
        except Exception as exc:
            problems.append(Problem(str(path), None, None, f"is not a Parquet file ({exc})"))
            continue
        for column, kind in columns.items():
            if column not in schema.names:
                problems.append(Problem(str(path), None, column, f"column is missing ({kind})"))
                continue
            found = _kind(schema.field(column).type)
            ok = found == kind or (kind == "number" and found == "integer")
            if not ok:
                problems.append(
                    Problem(str(path), None, column, f"expected {kind} values, found {found}")
                )
    if problems:
        raise InputError(problems)
