"""Shared fixtures.

- ``demo``: the synthetic demo, built once per test session into the test database (SQLite, or
  PostgreSQL when DATABASE_URL points at one). Tests that use it must not need an empty database
  and must use the ordinary ``db`` fixture (each test runs in a transaction that is rolled back).
- ``demo_server``: for browser tests, the demo built into its own SQLite file and served by
  ``commissioning serve`` in a subprocess, exactly as a user would run it.
"""

from __future__ import annotations

import importlib.util
import os
import site
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings

# Tests never assert times: Hypothesis's default 200 ms deadline per example fails property
# tests on a loaded machine (the same example takes 54 ms on a second try), so it is off for
# every test; a test may still set its own settings.
settings.register_profile("commissioning", deadline=None)
settings.load_profile("commissioning")

# Playwright's synchronous API keeps an event loop open in the test thread for the whole session;
# Django would then refuse ORM calls from that thread. The tests are synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "synthetic-demo-Pa55"
REPOSITORY = Path(__file__).resolve().parents[1]
OUTSIDE_FILES = Path(__file__).resolve().parent / "outside_files"


# ------------------------------------------------------------------ what the tests need


def dev_dependency(name: str):
    """Import a dev dependency, or fail with a plain message (never skip): ``make test``
    installs every one of them (``pip install -e '.[dev]'``)."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pytest.fail(
            f"the dev dependency {name} cannot be imported ({exc}): run `make test`, or "
            "`.venv/bin/pip install -e '.[dev]'`",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def phstats():
    """OHID's PHStatsMethods, the peer package our needs-assessment methods are checked
    against."""
    return dev_dependency("PHStatsMethods")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server the tests that need one of their own use (they create and drop
    their own databases on it): COMMISSIONING_TEST_POSTGRES, which scripts/test-both-databases.sh
    sets for every pass, or DATABASE_URL when it is a PostgreSQL address. Fails plainly when
    neither is set or the server does not answer."""
    import dj_database_url

    url = os.environ.get("COMMISSIONING_TEST_POSTGRES") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail(
            "this test needs a PostgreSQL server: set COMMISSIONING_TEST_POSTGRES="
            "postgres://user@host:port/postgres (`make test` starts one with "
            "scripts/ensure-postgres.sh and sets it)",
            pytrace=False,
        )
    psycopg = dev_dependency("psycopg")
    cfg = dj_database_url.parse(url)
    server = f"postgresql://{cfg['USER']}@{cfg['HOST']}:{cfg['PORT'] or 5432}"
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"the PostgreSQL server at {cfg['HOST']}:{cfg['PORT']} (COMMISSIONING_TEST_POSTGRES "
            f"or DATABASE_URL) does not answer: {str(exc).strip()}",
            pytrace=False,
        )
    return server


# ------------------------------------------------------ files opened outside the clone


def _load_watch():
    spec = importlib.util.spec_from_file_location(
        "commissioning_test_outside_files", OUTSIDE_FILES / "sitecustomize.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WATCH = _load_watch()


def pytest_configure(config):
    """Watch, for the whole session, for files opened outside the clone and the temporary
    folders, in this process and in the Python subprocesses tests start
    (tests/outside_files/sitecustomize.py); the session fails at the end if any were."""
    if os.environ.get("COMMISSIONING_TEST_ALLOWED"):
        return  # a pytest run inside a test's subprocess: its parent watches
    basetemp = config.option.basetemp
    allowed = [
        str(REPOSITORY),
        tempfile.gettempdir(),
        os.path.abspath(basetemp) if basetemp else "",
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *site.getsitepackages(),
        site.getusersitepackages(),
    ]
    # the reference folder beside the clone is outside even when the clone is in a temporary
    # folder (its neighbours are then in an allowed one): tests copy what they need into tests/data
    denied = [str(REPOSITORY.parent / "shared")]
    log = tempfile.mkdtemp(prefix="commissioning-test-opens-")
    WATCH.configure(allowed, None, denied)  # this process records in WATCH.FOUND; children in log
    os.environ["COMMISSIONING_TEST_ALLOWED"] = os.pathsep.join(a for a in allowed if a)
    os.environ["COMMISSIONING_TEST_DENIED"] = os.pathsep.join(denied)
    os.environ["COMMISSIONING_TEST_OPENS_LOG"] = log
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(OUTSIDE_FILES), os.environ.get("PYTHONPATH", "")) if p
    )
    config._outside_log = log
    sys.addaudithook(WATCH.hook)


@pytest.fixture
def outside_files_watch():
    """The watch itself (tests/outside_files/sitecustomize.py), for the tests of it."""
    return WATCH


def opened_outside(config) -> list[str]:
    """Every file opened outside the allowed folders so far, in this process and its Python
    subprocesses, one line each."""
    lines = [f"{event}\t{path}\t(pytest)" for event, path in WATCH.FOUND]
    log = getattr(config, "_outside_log", None)
    if log and os.path.isdir(log):
        for name in sorted(os.listdir(log)):
            with open(os.path.join(log, name), encoding="utf-8") as fh:
                lines += [line.rstrip("\n") for line in fh if line.strip()]
    return lines


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    found = opened_outside(session.config)
    session.config._opened_outside = found
    if found and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    found = getattr(config, "_opened_outside", [])
    if not found:
        return
    terminalreporter.section("files opened outside the clone and the temporary folders", red=True)
    terminalreporter.write_line(
        "Tests must read only files inside the repository (tests/data) and write only to "
        "temporary folders. Opened (event, path, process):"
    )
    for line in found[:50]:
        terminalreporter.write_line("  " + line.replace("\t", "  "))
    if len(found) > 50:
        terminalreporter.write_line(f"  ... and {len(found) - 50} more")


#: Fixtures that reach the test database: a test using one of them is marked ``database``.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "django_db_setup",
    "live_server",
    "demo",
    "client",
    "admin_client",
}


def pytest_itemcollected(item):
    """Mark every test that touches the test database ``database``: a ``django_db`` mark or a
    fixture of :data:`DATABASE_FIXTURES`, directly or through another fixture. The PostgreSQL
    pass of ``make test`` runs exactly these (``-m database``), so it is chosen by what a test
    does, not by the folder it lives in."""
    if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
        getattr(item, "fixturenames", ())
    ):
        item.add_marker(pytest.mark.database)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the tests that use the session-wide demo last.

    The demo is built once, lazily, into the test database and stays there; tests that build
    their own small worlds (and transactional tests, which empty the database) must therefore
    run before it exists. This runs after pytest-django's own ordering and keeps it otherwise.
    """
    items[:] = [i for i in items if "demo" not in i.fixturenames] + [
        i for i in items if "demo" in i.fixturenames
    ]


@pytest.fixture(autouse=True)
def _nothing_kept_from_other_tests():
    """Each test starts with no results kept from another test's records (store.computed): a
    rolled-back test can leave the same latest audit record number behind on SQLite."""
    from django.core.cache import cache

    from commissioning.store.computed import forget_shared

    cache.clear()
    forget_shared()


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    from commissioning.demo import build_demo

    with django_db_blocker.unblock():
        return build_demo(password=DEMO_PASSWORD)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(args: list[str], env: dict, seconds: float = 180) -> tuple[subprocess.Popen, str]:
    """Start ``commissioning serve ARGS --port P`` and wait until it answers /health.

    Returns the process and its base URL. Loading every page's code before serving takes a
    few seconds, many more on a machine running the other test passes beside this one.
    """
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "commissioning", "serve", *args, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"the server did not start:\n{out}") from None
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> str:
    """Stop a server started by ``_serve``; returns what it printed."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


class _Servers:
    """``start(args, env) -> (process, base URL)`` and ``stop(process) -> its output``."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict) -> tuple[subprocess.Popen, str]:
        proc, base = _serve(args, env)
        self.started.append(proc)
        return proc, base

    stop = staticmethod(_stop)


@pytest.fixture
def serve_app():
    """Start ``commissioning serve`` processes; any still running are stopped at the end."""
    servers = _Servers()
    yield servers
    for proc in servers.started:
        if proc.poll() is None:
            _stop(proc)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """Build the demo into a fresh SQLite file and serve it; yields the base URL."""
    folder: Path = tmp_path_factory.mktemp("demo-server")
    db = f"sqlite:///{folder / 'demo.sqlite3'}"
    env = {**os.environ, "COMMISSIONING_DATA": str(folder)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "commissioning", "demo", "--db", db]
        + ["--password", DEMO_PASSWORD, "--no-serve"],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    proc, base = _serve(["--db", db], env)
    yield base
    _stop(proc)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a browser Playwright downloads)."""
    dev_dependency("playwright")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        opened = b.new_context

        def new_context(**options):
            # CI runs three test processes on two cores: a heavy page can take longer than
            # Playwright's default 30 s to arrive. Tests check what a page shows, never how fast.
            context = opened(**options)
            context.set_default_navigation_timeout(120_000)
            context.set_default_timeout(60_000)
            return context

        b.new_context = new_context
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def spark_engine():
    """One local Spark session shared by every Spark test, so the suite stays quick."""
    import shutil

    dev_dependency("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail(
            "Spark needs a Java 17 runtime and none is installed: run `make test` "
            "(scripts/ensure-java.sh installs Debian's)",
            pytrace=False,
        )
    from commissioning.analytics.measures.engines import SparkEngine

    engine = SparkEngine("local[2]", memory="1g")
    engine.spark.conf.set("spark.sql.shuffle.partitions", "2")
    yield engine
    engine.close()
