"""``commissioning serve``: serve the web app on an existing database.

One process (waitress, 8 threads) by default. Python runs one thread at a time in a process, so
on a machine with several cores ``--workers N`` serves with N processes instead (gunicorn, each
with 4 threads; not on Windows). Each process keeps its own worked-out results
(store.computed).
"""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser("serve", help="serve the web app")
    add_db_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--https", action="store_true", help="behind a TLS proxy: secure cookies and HSTS"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes serving requests (default 1; use the number of cores on a busy server)",
    )
    p.set_defaults(func=run)


# Python's garbage collector looks for reference cycles after every 700 objects made and not yet
# freed; a request for a heavy page makes tens of thousands, which the young collections then
# promote towards the oldest generation while the request still holds them, and a full
# collection followed every few seconds (10-18 in 40 s in each server process under 50 users,
# 25-60 ms of processor time each, with every thread of the process stopped). Objects are still
# freed as soon as nothing refers to them; only cycles wait for a collection. 50,000 new objects
# between young collections leaves one or two full ones in 40 s (docs/benchmarks.md).
GC_THRESHOLDS = (50_000, 20, 100)


def settle() -> int:
    """Load every page's code, then set aside (``gc.freeze``) the objects that live as long as
    the server, returning how many, and collect cycles less often (:data:`GC_THRESHOLDS`).

    Python's full garbage collection walks every object; with Django, pandas and Altair loaded
    that is about 250,000 and took about 170 ms, in which no thread of the process answers.
    Frozen, they are left out of it (34 ms), and pre-forked processes share their memory pages.
    """
    import gc

    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # imports every view and the analytics they use
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return gc.get_freeze_count()


def serve(host: str, port: int) -> None:
    import waitress

    from commissioning.wsgi import application

    settle()
    waitress.serve(application, host=host, port=port, threads=8, ident="commissioning")


def worker_class():
    """gunicorn's threaded worker, in which a new connection waits for its first request in the
    worker's poller, as kept-alive connections do, rather than in one of its 4 threads.

    Since gunicorn 24 the stock worker hands each new connection to a thread at once, and the
    thread waits up to 5 s for the request (gunicorn issues #3518 and #3634). Browsers open
    connections before they need them, and people pause before their first click: a handful of
    such connections held every thread, and requests on the other connections queued behind
    them (50 users: p99 above 1 s on every page, all of it in the first seconds;
    docs/benchmarks.md). Here a connection takes a thread only once its request has arrived;
    one that sends nothing is closed after the keep-alive time, as an idle kept-alive one is.
    gunicorn before 24 (which already waited in the poller) and any later worker without the
    hooks used here get the stock worker.
    """
    import errno
    import selectors
    import time
    from functools import partial

    from gunicorn.workers import gthread

    stock = gthread.ThreadWorker
    if not all(hasattr(stock, name) for name in ("on_pending_socket_readable", "enqueue_req")):
        return stock

    class Worker(stock):
        def accept(self, listener):
            try:
                sock, client = listener.accept()
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                    return
                raise
            self.nr_conns += 1
            conn = gthread.TConn(self.cfg, sock, client, listener.getsockname())  # non-blocking
            conn.timeout = time.monotonic() + self.cfg.keepalive
            self.pending_conns.append(conn)  # closed by murder_pending if nothing comes
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
            )

    Worker.__name__ = Worker.__qualname__ = "PollingThreadWorker"
    return Worker


def serve_processes(host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` processes (gunicorn, pre-forked, 4 threads each)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from commissioning.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": worker_class(),  # gthread, new connections in the poller
                "threads": 4,
                "timeout": 300,
                # keep idle connections open as browsers expect (gunicorn's 2 s default closes
                # them while a user reads the page, and their next request fails)
                "keepalive": 75,
                "graceful_timeout": 10,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "commissioning",
                # each process opens its own database connections
                "post_fork": lambda server, worker: connections.close_all(),
            }
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    connections.close_all()  # none may be shared with the processes about to start
    settle()
    Server().run()


def run(args) -> int:
    import os
    import sys

    from commissioning.errors import UserError

    if args.workers < 1:
        raise UserError(f"--workers must be 1 or more, not {args.workers}")
    if args.workers > 1 and sys.platform == "win32":
        raise UserError("--workers above 1 needs Linux or macOS; on Windows serve with one")
    if args.https:
        os.environ["COMMISSIONING_HTTPS"] = "1"
    from commissioning.store.runtime import setup

    setup(args.db)
    how = f" with {args.workers} processes" if args.workers > 1 else ""
    print(f"Serving on http://{args.host}:{args.port}/{how} (press Ctrl+C to stop)", flush=True)
    if args.workers > 1:
        serve_processes(args.host, args.port, args.workers)
    else:
        serve(args.host, args.port)
    return 0
