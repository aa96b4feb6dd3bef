"""``commissioning serve``: serve the web app on an existing database."""

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
    p.set_defaults(func=run)


def serve(host: str, port: int) -> None:
    import waitress

    from commissioning.wsgi import application

    waitress.serve(application, host=host, port=port, threads=8, ident="commissioning")


def run(args) -> int:
    import os

    if args.https:
        os.environ["COMMISSIONING_HTTPS"] = "1"
    from commissioning.store.runtime import setup

    setup(args.db)
    print(f"Serving on http://{args.host}:{args.port}/ (press Ctrl+C to stop)", flush=True)
    serve(args.host, args.port)
    return 0
