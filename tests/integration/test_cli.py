"""The command line speaks plain English and never shows a traceback."""

import subprocess
import sys

import pytest


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "commissioning", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_help_lists_verbs():
    r = run("--help")
    assert r.returncode == 0
    assert "serve" in r.stdout


def test_an_unsupported_database_address_is_one_plain_line():
    r = run("serve", "--db", "mysql://someone@somewhere/db")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "not one we support" in r.stderr


def test_an_unreachable_database_is_one_plain_line_with_the_password_hidden():
    r = run("serve", "--db", "postgres://user:secret@127.0.0.1:1/nowhere")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "cannot reach the database" in r.stderr
    assert "secret" not in r.stderr


def test_serve_with_several_processes_answers_pages_from_each(tmp_path, serve_app):
    """`--workers 2`: two processes serve, each with its own database connections."""
    import os
    import time
    import urllib.request

    env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    db = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    proc, base = serve_app.start(["--db", db, "--workers", "2"], env)

    def children() -> list[str]:
        found = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        return found.stdout.split()

    # the first process may answer before the second has started (a busy machine)
    deadline = time.monotonic() + 120
    while len(children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(children()) == 2, serve_app.stop(proc)  # what the server said, if not
    for _ in range(6):  # several requests, whichever process takes each
        with urllib.request.urlopen(f"{base}/login/", timeout=30) as r:
            assert r.status == 200 and b"Sign in" in r.read()
    out = serve_app.stop(proc)
    assert "with 2 processes" in out
    assert "Traceback" not in out


def test_serve_refuses_no_processes():
    r = run("serve", "--workers", "0")
    assert r.returncode == 1
    assert "--workers must be 1 or more" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("keepalive", [75, 0])
def test_a_new_connection_waits_for_its_request_without_holding_a_thread(keepalive):
    """`serve --workers N`: a connection that has sent nothing yet (a browser's early connection,
    a user reading before the first click) waits in the worker's poller and takes one of its
    threads only once its request has come; one that never sends anything is closed after the
    keep-alive time. gunicorn's own worker (since 24) gave it a thread at once, for up to 5 s:
    a few silent connections held all four threads while other users' requests queued (p99 over
    1 s at 50 users). Failed on the stock worker (submitted on accept)."""
    import concurrent.futures
    import os
    import selectors
    import socket

    from gunicorn.config import Config

    from commissioning.cli.serve import worker_class

    class Threads:  # the worker's thread pool, recording what it is given
        def __init__(self):
            self.given = []

        def submit(self, fn, conn):
            self.given.append(conn)
            return concurrent.futures.Future()

    cfg = Config()
    cfg.set("keepalive", keepalive)
    worker = worker_class()(0, os.getpid(), [], None, 30, cfg, None)
    worker.tpool, worker.poller = Threads(), selectors.DefaultSelector()
    worker.method_queue.init()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        try:
            worker.accept(listener)
            assert worker.tpool.given == []  # no thread waits on a silent connection
            assert len(worker.pending_conns) == 1 and worker.nr_conns == 1
            if keepalive:
                client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                worker.wait_for_and_dispatch_events(30)
                assert len(worker.tpool.given) == 1  # its request came: now a thread takes it
                assert worker.tpool.given[0].data_ready and not worker.pending_conns
            else:  # nothing came within the keep-alive time: closed, as idle connections are
                worker.murder_pending()
                assert not worker.pending_conns and worker.nr_conns == 0
                assert client.recv(1) == b""  # the server's end is closed
        finally:
            client.close()
            worker.poller.close()
            worker.method_queue.close()
            worker.tmp.close()


def test_settle_loads_every_view_and_sets_long_lived_objects_aside(db):
    """Before serving: the pages' code is loaded and its objects left out of garbage collection."""
    import gc
    import sys

    from commissioning.cli.serve import GC_THRESHOLDS, settle

    before = ["made before settling"]
    thresholds = gc.get_threshold()
    try:
        frozen = settle()
        after = ["made after settling"]
        assert frozen == gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == GC_THRESHOLDS  # young collections after 50,000 objects
        assert "commissioning.web.views.monitoring" in sys.modules
        collected = gc.get_objects()  # what a full collection walks
        assert any(o is after for o in collected)
        assert not any(o is before for o in collected)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_exit_statuses_are_as_documented(tmp_path):
    """2: what was given cannot be used (an unknown community, commissioner or indicator code,
    a value a role needs); 1: the request is refused (a password the rules refuse). One plain
    line each, never a traceback. Before, `export --community` with an unknown code exited with
    1, unlike `scorecard` and `report` (2, as documented)."""
    import os

    env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    cases = [
        (["export", "organisations", "--community", "nowhere", *db], 2, "no community"),
        (["monitoring", "--community", "nowhere", *db], 2, "no community with the code"),
        (["area", "create", "--commissioner", "ZZZ", *db], 2, "no organisation has the ODS"),
        (["user", "add", "ann", "--role", "viewer", "--password-stdin", *db], 2, "needs a"),
        (["user", "add", "ann", "--role", "viewer", "--community", "x", "--password-stdin", *db],
         2, "there is no community with the code 'x'"),
        (["user", "add", "ada", "--role", "administrator", "--password-stdin", *db], 1,
         "the password is refused"),
    ]  # fmt: skip
    for args, status, message in cases:
        r = subprocess.run(
            [sys.executable, "-m", "commissioning", *args],
            input="short\n" if status == 1 else "Long-enough-Pa55\n",
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert (r.returncode, r.stderr.count("\n")) == (status, 1), (args, r.stderr)
        assert message in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
