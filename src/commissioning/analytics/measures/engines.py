"""The two engines that run the measure SQL: DuckDB (embedded default) and Spark.

Both expose the same three operations, so every measure runs unchanged on either:
``table(name, parquet_path)``, ``frame(name, dataframe)`` and ``sql(text) -> pandas``.
The Spark engine, with its settings and plain failure messages, is in ``spark.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from commissioning.analytics.measures.spark import DEFAULT_WAIT, SparkEngine
from commissioning.errors import UserError

__all__ = ["DuckDBEngine", "SparkEngine", "make_engine"]


class DuckDBEngine:
    """DuckDB with explicit resources, so a national run stays inside a laptop's memory.

    ``memory_limit`` (default 6GB) caps DuckDB's buffer pool; joins and aggregates beyond it
    spill to ``temp_directory`` (default: a fresh folder under the system temporary folder,
    removed on ``close``). ``threads`` defaults to the number of processors.
    """

    name = "duckdb"

    def __init__(
        self,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
        threads: int | None = None,
    ):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute(f"SET threads TO {threads or os.cpu_count() or 2}")
        self.con.execute(f"SET memory_limit = '{memory_limit or '6GB'}'")
        self._own_spill = temp_directory is None
        self.spill = temp_directory or tempfile.mkdtemp(prefix="commissioning-duckdb-")
        escaped = str(self.spill).replace("'", "''")
        self.con.execute(f"SET temp_directory = '{escaped}'")
        self.con.execute("SET preserve_insertion_order = false")

    def table(self, name: str, path: Path) -> None:
        escaped = str(path).replace("'", "''")
        self.con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{escaped}')"
        )

    def frame(self, name: str, df: pd.DataFrame, schema: str | None = None) -> None:
        self.con.register(f"_{name}_df", df)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}_df")

    def execute(self, text: str) -> None:
        self.con.execute(text)

    def sql(self, text: str) -> pd.DataFrame:
        return self.con.execute(text).df()

    def close(self) -> None:
        self.con.close()
        if self._own_spill:
            shutil.rmtree(self.spill, ignore_errors=True)


def make_engine(
    name: str,
    spark_master: str | None = None,
    *,
    spark_memory: str | None = None,
    spark_conf: dict[str, str] | None = None,
    spark_wait: float = DEFAULT_WAIT,
):
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(spark_master, memory=spark_memory, conf=spark_conf, wait=spark_wait)
    raise UserError(f"unknown engine '{name}': use duckdb or spark")
