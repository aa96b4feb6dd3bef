"""The Spark engine: sized from the machine, quiet on the console, and plain about failures.

A user runs ``commissioning measures DIR --engine spark`` with no Spark knowledge, so the engine
chooses its own settings and explains in one paragraph what went wrong and what to change:

- **Driver memory.** Spark's own default (1 GB) is too small for an ICB's data; the engine gives
  the driver a quarter of this machine's memory (whole gigabytes, 1 to 31), or ``memory``
  (``--spark-memory``). In local mode the driver does all the work, so this is Spark's memory.
- **Processors.** ``local[N]`` with N = this machine's processors, unless a master is given.
- **Small tables broadcast, large ones never by mistake.** The codelists, reference rates and
  months were built from Python rows, for which Spark has no size statistics; it took them for
  huge tables and chose to broadcast the *events* to join them (Spark's estimate of a Parquet
  file's size is its compressed size, a small fraction of its size in memory), which ran the
  driver out of memory on 200,000 patients, and joined the months by Cartesian products. They
  are now inline tables of literals, whose size Spark knows, so it broadcasts them instead.
- **A quiet console.** The Java process's own output (Spark's warnings, its stack traces) goes
  to a log file, named in any failure message and removed after a run that worked.
- **Failures in plain words.** Spark's errors become a :class:`~commissioning.errors.UserError`
  with the cause and the option to change (``--spark-memory``, ``--spark-conf KEY=VALUE``,
  ``--spark-master``). An unreachable ``spark://`` master is found before Spark starts, and a
  cluster that gives the job no executor within ``wait`` seconds is a failure, not a silent hang.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from commissioning.errors import UserError

GB = 2**30
MEMORY = re.compile(r"^([1-9][0-9]*)\s*([kmgt])b?$", re.IGNORECASE)
UNITS = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
LOCAL = re.compile(r"^local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?$")
DEFAULT_WAIT = 120

# Spark's exception text, one line per exception: "java.lang.OutOfMemoryError: Java heap space",
# "Caused by: org.apache.spark.SparkException: ...".
EXCEPTION_LINE = re.compile(r"^(?:Caused by: |: )?(?:[A-Za-z_$][\w$]*\.)+[\w$]+: (.+)$")
MEMORY_SIGNS = (
    "OutOfMemoryError",
    "Java heap space",
    "GC overhead limit",
    "Not enough memory to build and broadcast",
    "INVALID_DRIVER_MEMORY",
    "Could not reserve enough space",
    "Invalid maximum heap size",
)
STOPPED_SIGNS = (
    "Answer from Java side is empty",
    "Error while sending or receiving",
    "Connection refused",
    "JAVA_GATEWAY_EXITED",
)


def machine_memory() -> int:
    """Bytes of memory this process may use: the machine's, or its control group's limit."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    return total


def default_memory() -> str:
    """A quarter of this machine's memory in whole gigabytes, at least 1g and at most 31g."""
    return f"{min(max(machine_memory() // 4 // GB, 1), 31)}g"


def default_master() -> str:
    return f"local[{os.cpu_count() or 2}]"


def parse_memory(text: str, option: str = "--spark-memory") -> str:
    """'6g', '6GB', '4096m' as Spark's spelling ('6g', '4096m'); refused beyond the machine."""
    match = MEMORY.match(text.strip())
    if not match:
        raise UserError(
            f"{option}: expected an amount of memory such as 6g or 4096m, found '{text}'"
        )
    amount, unit = int(match.group(1)), match.group(2).lower()
    have = machine_memory()
    if amount * UNITS[unit] > have:
        raise UserError(
            f"{option} {text} is more than this machine's memory ({have / GB:.0f} GB): "
            f"give Spark at most about half of it (the default is {default_memory()})"
        )
    return f"{amount}{unit}"


def parse_conf(items: list[str] | None) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` options as a dict; a malformed one is a plain error."""
    conf = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key.startswith("spark.") or not value.strip():
            raise UserError(
                "--spark-conf: expected KEY=VALUE with a Spark setting, such as "
                f"spark.executor.memory=4g, found '{item}'"
            )
        conf[key] = value.strip()
    return conf


def _reachable(address: str) -> bool:
    host, _, port = address.strip().rpartition(":")
    if not host:
        host, port = port, "7077"
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            return True
    except (OSError, ValueError):
        return False


def check_master(master: str) -> None:
    """Refuse an unknown master, or a standalone master nobody answers at, before Spark starts."""
    if LOCAL.match(master) or master == "yarn" or master.startswith("k8s://"):
        return
    if not master.startswith("spark://"):
        raise UserError(
            f"--spark-master: unknown master '{master}': use local[N], spark://HOST:PORT "
            "(a standalone cluster), yarn or k8s://HOST:PORT"
        )
    addresses = [a for a in master[len("spark://") :].split(",") if a.strip()]
    if not addresses or not any(_reachable(a) for a in addresses):
        raise UserError(
            f"cannot reach the Spark master at {master}: check the address and port (the "
            "master's log and web page show its URL, spark://HOST:7077 by default), that the "
            "master is running, and that this machine may connect to it"
        )


def _java_missing() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return False
    return shutil.which("java") is None


@contextlib.contextmanager
def _output_to(path: Path):
    """Point this process's standard output and error at ``path`` (for the JVM it starts)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        saved = os.dup(1), os.dup(2)
    except OSError:  # no standard output or error to point elsewhere (a detached process)
        saved = None
    if saved is None:
        yield
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)


def _literal(value) -> str:
    """A Python or numpy value as a Spark SQL literal (text quoted, missing as NULL)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "NULL"
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value) + "D"  # a double literal, never a rounded decimal
    return str(int(value))


def spark_cause(text: str) -> str:
    """The most telling line of a Spark error: the deepest Java cause, without its codes."""
    found = []
    for line in text.splitlines():
        match = EXCEPTION_LINE.match(line.strip())
        if match:
            found.append(match.group(1).strip())
    useful = [f for f in found if not f.startswith("Exception thrown in awaitResult")]
    cause = useful[-1] if useful else (text.strip().splitlines() or ["unknown error"])[0]
    cause = re.sub(r"^\[[A-Z_.]+\]\s*", "", cause)
    cause = re.sub(r"\s*SQLSTATE: \w+\s*$", "", cause).rstrip(". ")
    return cause if len(cause) <= 400 else cause[:400] + "..."


class SparkEngine:
    """Spark behind the engines' three operations (``table``, ``frame``, ``sql``)."""

    name = "spark"

    def __init__(
        self,
        master: str | None = None,
        session=None,
        *,
        memory: str | None = None,
        conf: dict[str, str] | None = None,
        wait: float = DEFAULT_WAIT,
    ):
        self.master = master or default_master()
        self.memory = memory or default_memory()
        self.failed = False
        self.log: Path | None = None
        self.scratch: str | None = None
        self.settings: dict[str, str] = {}
        self._own = session is None
        if session is not None:
            self.spark = session
            return
        check_master(self.master)
        try:
            from pyspark import SparkContext
            from pyspark.sql import SparkSession
        except ImportError:
            raise UserError(
                "the Spark engine needs PySpark and Java 17: `pip install 'commissioning[spark]'` "
                "and install a Java runtime (Debian: openjdk-17-jre-headless)"
            ) from None
        if _java_missing():
            raise UserError(
                "the Spark engine needs a Java 17 runtime: install one (Debian: "
                "openjdk-17-jre-headless) or set JAVA_HOME"
            )
        # PySpark warns about pandas 3 on every conversion; the engines-agree test checks the
        # results against DuckDB's, so the warning tells a user nothing they can act on.
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        settings = {
            "spark.app.name": "commissioning-measures",
            "spark.driver.memory": self.memory,
            "spark.sql.session.timeZone": "UTC",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "8",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
        }
        if LOCAL.match(self.master):  # on a cluster each worker has its own scratch folders
            self.scratch = tempfile.mkdtemp(prefix="commissioning-spark-")
            settings["spark.local.dir"] = self.scratch
        settings.update(conf or {})
        self.memory = settings["spark.driver.memory"]
        self.settings = settings
        if SparkSession.getActiveSession() is not None:
            self._own = False  # a session this process already runs (the tests share one)
        # The first session of a process starts the Java process; its output goes to the log.
        starts_java = getattr(SparkContext, "_gateway", None) is None
        if starts_java:
            fd, name = tempfile.mkstemp(prefix="commissioning-spark-", suffix=".log")
            os.close(fd)
            self.log = Path(name)
        try:
            with self._plain_errors("to start"):
                builder = SparkSession.builder.master(self.master)
                for key, value in settings.items():
                    builder = builder.config(key, value)
                with _output_to(self.log) if self.log else contextlib.nullcontext():
                    self.spark = builder.getOrCreate()
            if self.master.startswith("spark://"):
                self._wait_for_executors(wait)
        except UserError:
            self.close()
            raise

    def describe(self) -> str:
        where = "this machine" if LOCAL.match(self.master) else "the cluster"
        text = f"Spark on {where} ({self.master}), driver memory {self.memory}"
        return text + (f"; Spark's log: {self.log}" if self.log else "")

    def _wait_for_executors(self, seconds: float) -> None:
        """A standalone cluster that has no room for the job would leave it waiting forever."""
        tracker = self.spark.sparkContext._jsc.sc().statusTracker()
        deadline = time.monotonic() + seconds
        while len(tracker.getExecutorInfos()) < 2:  # the driver itself is always listed
            if time.monotonic() > deadline:
                self.failed = True
                asked = self.settings.get("spark.executor.memory", "1g")
                raise UserError(
                    f"the Spark master at {self.master} gave this job no executor within "
                    f"{seconds:g} s: check that a worker is running and has the cores and "
                    f"memory the job asks for (executor memory {asked}: change it with "
                    "--spark-conf spark.executor.memory=...); the master's web page lists its "
                    "workers and their free memory. Wait longer with --spark-wait SECONDS."
                    + self._log_note()
                )
            time.sleep(0.5)

    def _log_note(self) -> str:
        return f" Spark's own log: {self.log}" if self.log else ""

    def explain(self, exc: BaseException, doing: str) -> str:
        """One paragraph for a user: what failed, the cause, and what to change."""
        text = f"{type(exc).__name__}: {exc}"
        if self.log and "JAVA_GATEWAY_EXITED" in text:  # the JVM said why on its own output
            with contextlib.suppress(OSError):
                text += "\n" + self.log.read_text(errors="replace")[-4000:]
        cause = spark_cause(text)
        if "JAVA_GATEWAY_EXITED" in text:
            lines = [ln for ln in text.splitlines() if "Invalid" in ln or "Could not" in ln]
            cause = lines[0].strip() if lines else "Spark's Java process did not start"
        if any(sign in text for sign in MEMORY_SIGNS):
            advice = (
                f"Spark ran short of memory: its driver has {self.memory} (this machine has "
                f"{machine_memory() / GB:.0f} GB). Change it with --spark-memory, for example "
                f"--spark-memory {self._more_memory()}"
            )
            if "broadcast" in text:
                advice += (
                    ", or stop Spark copying tables to every task with "
                    "--spark-conf spark.sql.autoBroadcastJoinThreshold=-1"
                )
            advice += "; for data beyond one machine, use a cluster (--spark-master)."
        elif "maxResultSize" in text:
            advice = (
                "The results are larger than Spark lets its driver collect: raise the limit "
                "with --spark-conf spark.driver.maxResultSize=4g (0 means no limit)."
            )
        elif "No space left on device" in text:
            advice = (
                "The disk Spark writes its temporary files to is full: point TMPDIR (or "
                "--spark-conf spark.local.dir=FOLDER) at a disk with more free space."
            )
        elif "All masters are unresponsive" in text or "Master removed our application" in text:
            advice = f"The Spark master at {self.master} stopped answering: check it is running."
        elif any(sign in text for sign in STOPPED_SIGNS) or "Py4JNetworkError" in text:
            advice = (
                "Spark's Java process stopped: most often the machine ran out of memory; give "
                f"Spark less with --spark-memory (now {self.memory}) or stop other large jobs."
            )
        elif any(s in text for s in ("PATH_NOT_FOUND", "FileNotFound", "FILE_NOT_EXIST")):
            advice = (
                "Spark could not read a file of the dataset; on a cluster, every worker must "
                "see the data folder at the same path as this machine."
            )
        else:
            advice = "Spark's own log below has the details."
        return f"Spark failed {doing}: {cause}. {advice}{self._log_note()}"

    def _more_memory(self) -> str:
        """Twice the driver's memory, but at most half the machine's."""
        match = MEMORY.match(self.memory)
        now = int(match.group(1)) * UNITS[match.group(2).lower()] // GB if match else 0
        return f"{min(max(2 * now, 1), max(machine_memory() // 2 // GB, 1))}g"

    @contextlib.contextmanager
    def _plain_errors(self, doing: str):
        """Spark's and Py4J's exceptions as a plain :class:`UserError` (no traceback)."""
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        try:
            with warnings.catch_warnings():
                # toPandas warns before it re-raises a failure; the failure is explained below.
                warnings.filterwarnings("ignore", message="toPandas attempted Arrow")
                yield
        except (Py4JError, PySparkException, ConnectionError) as exc:
            self.failed = True
            raise UserError(self.explain(exc, doing)) from None

    def table(self, name: str, path: Path) -> None:
        with self._plain_errors(f"while reading {Path(path).name}"):
            self.spark.read.parquet(str(Path(path).resolve())).createOrReplaceTempView(name)

    def frame(self, name: str, df: pd.DataFrame, schema: str) -> None:
        """A small reference table (codelists, rates, months) as an inline table of literals.

        Spark knows an inline table's size, so it broadcasts it to every join, however the SQL
        reaches it (through a WITH clause, say). A table made from Python rows has no size for
        Spark, which then took it for a huge one: see the module's notes.
        """
        columns = [part.split() for part in schema.split(",")]
        rows = [
            "(" + ", ".join(_literal(v) for v in row) + ")"
            for row in df.itertuples(index=False, name=None)
        ]
        select = ", ".join(
            f"CAST(c{i} AS {kind}) AS {col}" for i, (col, kind) in enumerate(columns)
        )
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        with self._plain_errors(f"while loading {name}"):
            self.spark.sql(
                f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT {select} "
                f"FROM VALUES {', '.join(rows)} AS t({names})"
            )

    def execute(self, text: str) -> None:
        with self._plain_errors("while preparing the dataset"):
            self.spark.sql(text)

    def sql(self, text: str) -> pd.DataFrame:
        with self._plain_errors("while working out the measures"):
            return self.spark.sql(text).toPandas()

    def close(self) -> None:
        """Stop the session this engine started, remove its scratch folder, and its log if all
        went well (a failure message names the log, so it is kept then)."""
        if self._own and getattr(self, "spark", None) is not None:
            with contextlib.suppress(Exception):
                self.spark.stop()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.log and not self.failed:
            self.log.unlink(missing_ok=True)
