"""`commissioning measures --engine spark` as a user runs it: on a standalone cluster, with its
own settings, and with plain messages when Spark fails.

The commands run in their own processes (as a user runs them): a process has one Java gateway,
and the other Spark tests share one local session in this one. The cluster is a standalone
master and one worker started on loopback with the `spark-class` script PySpark ships; the
fixture stops both (and the executors the worker started) by their process groups.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from commissioning.analytics.measures import library, run
from commissioning.cli import main
from commissioning.synth import SynthConfig, generate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    # Spark otherwise advertises the machine's first network address, not loopback.
    return {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_DAEMON_MEMORY": "256m"}


def _command(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "commissioning", "measures", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
    )


def _plain(stderr: str) -> None:
    """No Python traceback and no Java stack trace reaches the user."""
    assert "Traceback" not in stderr
    assert not re.search(r"^\s+at [\w.$]+\(", stderr, re.M), stderr
    assert "WARN" not in stderr and "log4j" not in stderr


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("patients")
    cfg = SynthConfig(patients=1500, months=13, patients_per_practice=500, seed=3, chunk=500)
    generate(cfg, folder)
    return folder


@pytest.fixture(scope="module")
def standalone_cluster(tmp_path_factory):
    """A Spark standalone master and one worker (2 cores, 1 GB) on 127.0.0.1; yields the URL."""
    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    tmp = tmp_path_factory.mktemp("cluster")
    port, ui = _free_port(), _free_port()
    master_url = f"spark://127.0.0.1:{port}"
    procs = []

    def start(name: str, *args: str) -> None:
        log = open(tmp / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        procs.append(
            (
                subprocess.Popen(
                    ["bash", str(spark_class), *args],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=_env(),
                    start_new_session=True,  # its own process group: stopped with the executors
                ),
                log,
            )
        )

    def logs() -> str:
        return "\n".join((tmp / f"{n}.log").read_text()[-3000:] for n in ("master", "worker"))

    try:
        start(
            "master",
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)),
        )
        start(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            *("--host", "127.0.0.1", "--webui-port", str(_free_port())),
            *("--cores", "2", "--memory", "1g", "--work-dir", str(tmp / "work")),
            master_url,
        )
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as r:
                    if json.load(r).get("aliveworkers", 0) >= 1:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p, _ in procs):
                pytest.fail(f"the standalone master and worker did not start:\n{logs()}")
            time.sleep(1)
        yield {"url": master_url, "ui": f"http://127.0.0.1:{ui}", "logs": logs}
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, log in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            log.close()


def _plan_lines(engine, text: str) -> list[str]:
    return engine.spark.sql(text)._jdf.queryExecution().executedPlan().toString().splitlines()


def _under_broadcast(lines: list[str]) -> list[bool]:
    """For each line of a physical plan, whether it lies inside a BroadcastExchange's subtree."""
    depth = [len(ln) - len(ln.lstrip(" :+-")) for ln in lines]
    inside, open_at = [], []
    for i, line in enumerate(lines):
        while open_at and depth[i] <= open_at[-1]:
            open_at.pop()
        inside.append(bool(open_at))
        if "BroadcastExchange" in line:
            open_at.append(depth[i])
    return inside


@pytest.mark.spark
def test_spark_broadcasts_the_reference_tables_and_never_the_events(small_dataset, spark_engine):
    # The defect: Spark had no size for the codelists, rates and months (built from Python
    # rows), took them for huge tables and broadcast the events instead, which ran the driver
    # out of memory on 200,000 patients; joins with the months became Cartesian products.
    spark_engine.table("events", small_dataset / "events.parquet")
    lo, hi = run.data_months(spark_engine)
    run.prepare(spark_engine, small_dataset, lo, hi)
    sides = {
        run.side_sql(side, lo, hi)
        for m in library.load_library()
        for side in (m.numerator, m.denominator)
    }
    for text in sides:
        lines = _plan_lines(spark_engine, text)
        inside = _under_broadcast(lines)
        for line, broadcast in zip(lines, inside, strict=True):
            if "FileScan parquet" in line and "events.parquet" in line:
                assert not broadcast, "\n".join(lines)
            if "Scan ExistingRDD" in line or "LocalTableScan" in line:
                assert broadcast, "\n".join(lines)
        assert not any("CartesianProduct" in ln for ln in lines), "\n".join(lines)


@pytest.mark.spark
def test_measures_command_on_a_standalone_cluster(small_dataset, standalone_cluster, tmp_path):
    # Two measures, one of each kind (coverage intervals; events), keep it quick; the
    # engines-agree and spec tests run every measure on Spark in local mode.
    spark_out, duck_out = tmp_path / "spark.parquet", tmp_path / "duckdb.parquet"
    two = ["--measures", "register_diabetes,emergency_admissions_acsc"]
    done = _command(
        str(small_dataset),
        *("-o", str(spark_out), "--engine", "spark", "--spark-master", standalone_cluster["url"]),
        *("--spark-memory", "1g", "--spark-conf", "spark.sql.shuffle.partitions=2"),
        *("--spark-conf", "spark.executor.memory=512m", *two),
    )
    assert done.returncode == 0, done.stderr + standalone_cluster["logs"]()
    _plain(done.stderr)
    assert f"Started Spark on the cluster ({standalone_cluster['url']})" in done.stderr
    assert "Measure 1 of 2" in done.stderr and "Measure 2 of 2" in done.stderr
    # The job ran on the cluster: the master lists it as a completed application.
    with urllib.request.urlopen(f"{standalone_cluster['ui']}/json/", timeout=10) as r:
        apps = json.load(r)["completedapps"]
    assert [a["name"] for a in apps].count("commissioning-measures") >= 1
    # ... and gave the same table, disclosure control applied, as DuckDB on this machine.
    assert main(["measures", str(small_dataset), "-o", str(duck_out), *two]) == 0
    duck, spark = pd.read_parquet(duck_out), pd.read_parquet(spark_out)
    assert len(duck) > 0 and duck["measure"].nunique() == 2
    pd.testing.assert_frame_equal(duck, spark)


@pytest.mark.spark
def test_a_cluster_with_no_room_for_the_job_is_a_plain_failure(small_dataset, standalone_cluster):
    # The worker has 1 GB; an executor of 4 GB never starts, and Spark would wait for ever.
    done = _command(
        str(small_dataset),
        *("-o", os.devnull, "--engine", "spark", "--spark-master", standalone_cluster["url"]),
        *("--spark-memory", "1g", "--spark-conf", "spark.executor.memory=4g"),
        *("--spark-wait", "5"),
    )
    assert done.returncode == 1
    _plain(done.stderr)
    assert "gave this job no executor within 5 s" in done.stderr
    assert "spark.executor.memory" in done.stderr and "executor memory 4g" in done.stderr
    Path(re.search(r"Spark's own log: (\S+)", done.stderr).group(1)).unlink()


@pytest.mark.spark
def test_too_little_driver_memory_is_a_plain_failure_with_what_to_change(small_dataset):
    done = _command(
        str(small_dataset), "-o", os.devnull, "--engine", "spark", "--spark-memory", "100m"
    )
    assert done.returncode == 1
    _plain(done.stderr)
    err = done.stderr
    assert "commissioning measures: Spark failed to start" in err
    assert "its driver has 100m" in err and "--spark-memory 1g" in err
    log = Path(re.search(r"Spark's own log: (\S+)", err).group(1))
    assert "INVALID_DRIVER_MEMORY" in log.read_text()  # the details are kept for whoever asks
    log.unlink()


@pytest.mark.spark
def test_a_failure_during_a_query_is_a_plain_message(spark_engine, tmp_path):
    # The shared session (no Java process to start): a file that goes missing after it was
    # checked and registered makes the query itself fail inside Spark.
    from commissioning.analytics.measures.engines import SparkEngine
    from commissioning.errors import UserError

    generate(SynthConfig(patients=50, months=12, chunk=50), tmp_path)
    engine = SparkEngine(session=spark_engine.spark)
    engine.table("events_gone", tmp_path / "events.parquet")
    (tmp_path / "events.parquet").unlink()
    with pytest.raises(UserError) as caught:
        engine.sql("SELECT COUNT(*) AS n FROM events_gone")
    text = str(caught.value)
    assert text.startswith("Spark failed while working out the measures: ")
    assert "events.parquet" in text and "does not exist" in text
    assert "every worker must see the data folder at the same path" in text
    assert "\n" not in text and "\tat " not in text


def test_spark_failures_name_what_to_change():
    from commissioning.analytics.measures.spark import SparkEngine

    engine = SparkEngine(session=object(), memory="2g")  # explain() needs no Spark
    java = "An error occurred while calling o1.getResult.\n: org.apache.spark.SparkException: {}"
    broadcast = engine.explain(
        Exception(java.format("Not enough memory to build and broadcast the table")), "while x"
    )
    assert "its driver has 2g" in broadcast and "--spark-memory 4g" in broadcast
    assert "spark.sql.autoBroadcastJoinThreshold=-1" in broadcast
    heap = engine.explain(Exception("Caused by: java.lang.OutOfMemoryError: Java heap space"), "x")
    assert "Java heap space" in heap and "--spark-memory 4g" in heap and "Threshold" not in heap
    result = engine.explain(
        Exception(java.format("Total size of serialized results is bigger than maxResultSize")),
        "x",
    )
    assert "--spark-conf spark.driver.maxResultSize=4g" in result
    disk = engine.explain(Exception("java.io.IOException: No space left on device"), "x")
    assert "TMPDIR" in disk and "spark.local.dir" in disk


def test_spark_options_are_checked_before_spark_starts(tmp_path, capsys):
    generate(SynthConfig(patients=50, months=12, chunk=50), tmp_path)
    base = ["measures", str(tmp_path), "-o", str(tmp_path / "out.csv")]
    closed = _free_port()  # nothing listens there
    assert main([*base, "--engine", "spark", "--spark-master", f"spark://127.0.0.1:{closed}"]) == 1
    assert main([*base, "--engine", "spark", "--spark-master", "mesos://x"]) == 1
    assert main([*base, "--engine", "spark", "--spark-memory", "lots"]) == 1
    assert main([*base, "--engine", "spark", "--spark-memory", "100t"]) == 1
    assert main([*base, "--engine", "spark", "--spark-conf", "executor.memory"]) == 1
    assert main([*base, "--spark-memory", "4g"]) == 1
    err = capsys.readouterr().err
    assert f"cannot reach the Spark master at spark://127.0.0.1:{closed}" in err
    assert "unknown master 'mesos://x'" in err
    assert "expected an amount of memory such as 6g or 4096m, found 'lots'" in err
    assert "--spark-memory 100t is more than this machine's memory" in err
    assert "--spark-conf: expected KEY=VALUE" in err
    assert "--spark-memory: only with --engine spark" in err
    assert "Traceback" not in err and "Starting Spark" in err
    assert "Started Spark" not in err


def test_default_driver_memory_is_a_quarter_of_the_machine():
    from commissioning.analytics.measures import spark

    total_gb = spark.machine_memory() / 2**30
    size = int(spark.default_memory().rstrip("g"))
    assert 1 <= size <= 31 and (size == 1 or size <= total_gb / 4 < size + 1)
    assert spark.default_master() == f"local[{os.cpu_count() or 2}]"
    assert spark.parse_memory("6GB") == "6g" and spark.parse_memory("4096m") == "4096m"
    assert spark.parse_conf(["spark.a=1", "spark.b = x=y"]) == {"spark.a": "1", "spark.b": "x=y"}


def test_spark_cause_reads_the_deepest_java_cause():
    from commissioning.analytics.measures.spark import spark_cause

    text = (
        "An error occurred while calling o229.getResult.\n"
        ": org.apache.spark.SparkException: Exception thrown in awaitResult: \n"
        "\tat org.apache.spark.util.SparkThreadUtils$.awaitResult(SparkThreadUtils.scala:56)\n"
        "Caused by: org.apache.spark.SparkException: [INVALID_DRIVER_MEMORY.SYSTEM_MEMORY] "
        "Not enough memory to build and broadcast the table. SQLSTATE: F0000\n"
        "\tat org.apache.spark.sql.execution.exchange.BroadcastExchangeExec.x(B.scala:1)\n"
    )
    assert spark_cause(text) == "Not enough memory to build and broadcast the table"
    assert spark_cause("[TABLE_OR_VIEW_NOT_FOUND] The table x cannot be found.") == (
        "The table x cannot be found"
    )
