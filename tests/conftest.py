"""Shared fixtures.

- ``demo``: the synthetic demo, built once per test session into the test database (SQLite, or
  PostgreSQL when DATABASE_URL points at one). Tests that use it must not need an empty database
  and must use the ordinary ``db`` fixture (each test runs in a transaction that is rolled back).
- ``demo_server``: for browser tests, the demo built into its own SQLite file and served by
  ``commissioning serve`` in a subprocess, exactly as a user would run it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# Playwright's synchronous API keeps an event loop open in the test thread for the whole session;
# Django would then refuse ORM calls from that thread. The tests are synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "synthetic-demo-Pa55"


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
    from commissioning.analytics.measures.engines import SparkEngine

    engine = SparkEngine("local[2]", memory="1g")
    engine.spark.conf.set("spark.sql.shuffle.partitions", "2")
    yield engine
    engine.close()
