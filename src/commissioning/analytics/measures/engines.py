"""The two engines that run the measure SQL: DuckDB (embedded default) and Spark.

Both expose the same three operations, so every measure runs unchanged on either:
``table(name, parquet_path)``, ``frame(name, dataframe)`` and ``sql(text) -> pandas``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from commissioning.errors import UserError


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


class SparkEngine:
    name = "spark"

    def __init__(self, master: str | None = None, session=None):
        if session is not None:
            self.spark = session
            return
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise UserError(
                "the Spark engine needs PySpark and Java 17: run `make test` or "
                "`pip install pyspark` and install a Java runtime (Debian: openjdk-17-jre-headless)"
            ) from None
        try:
            self.spark = (
                SparkSession.builder.master(master or "local[2]")
                .appName("commissioning-measures")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
            self.spark.sparkContext.setLogLevel("ERROR")
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(f"cannot start Spark ({first})") from None

    def table(self, name: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def frame(self, name: str, df: pd.DataFrame, schema: str | None = None) -> None:
        rows = [
            tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row)
            for row in df.itertuples(index=False, name=None)
        ]
        self.spark.createDataFrame(rows, schema=schema).createOrReplaceTempView(name)

    def execute(self, text: str) -> None:
        self.spark.sql(text)

    def sql(self, text: str) -> pd.DataFrame:
        return self.spark.sql(text).toPandas()

    def close(self) -> None:
        pass


def make_engine(name: str, spark_master: str | None = None):
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(spark_master)
    raise UserError(f"unknown engine '{name}': use duckdb or spark")
