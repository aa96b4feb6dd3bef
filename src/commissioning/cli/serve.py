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


def settle() -> int:
    """Load every page's code, then set aside (``gc.freeze``) the objects that live as long as
    the server, returning how many.

    Python's full garbage collection walks every object; with Django, pandas and Altair loaded
    that is about 250,000 and took about 170 ms, in which no thread of the process answers.
    Frozen, they are left out of it (34 ms), and pre-forked processes share their memory pages.
    """
    import gc

    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # imports every view and the analytics they use
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def serve(host: str, port: int) -> None:
    import waitress

    from commissioning.wsgi import application

    settle()
    waitress.serve(application, host=host, port=port, threads=8, ident="commissioning")


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
                "worker_class": "gthread",
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
