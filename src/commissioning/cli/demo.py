"""``commissioning demo``: build the synthetic demo database, show the logins and serve it."""

from __future__ import annotations

import time


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "demo",
        help="build the synthetic demo (four made-up communities, in two eras) and serve it",
        description="Build the synthetic demo into a database (replacing any earlier demo), "
        "print the logins, then serve the web app. Refuses a database that holds real "
        "commissioning communities.",
    )
    add_db_option(p)
    p.add_argument("--password", help="one password for every demo login (default: random)")
    p.add_argument("--seed", type=int, default=2010, help="random seed (default 2010)")
    p.add_argument("--no-serve", action="store_true", help="build and print the logins only")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.demo import SYNTHETIC_NOTICE, build_demo

    started = time.monotonic()
    result = build_demo(
        seed=args.seed,
        password=args.password,
        progress=lambda message: print(f"  {message}...", flush=True),
    )
    took = time.monotonic() - started
    counts = result.counts
    print(
        f"Built the demo in {took:.0f} s: {counts['communities']} communities, "
        f"{counts['practices']} practices, {counts['developments']} service developments, "
        f"{counts['activities']} activities, {counts['observations']} observations."
    )
    print()
    print(f"Open http://{_shown(args.host)}:{args.port}/ and sign in with one of these logins:")
    print()
    print(login_table(result.logins))
    print()
    print(SYNTHETIC_NOTICE, flush=True)
    if args.no_serve:
        return 0
    from commissioning.cli.serve import serve

    print(f"Serving on http://{args.host}:{args.port}/ (press Ctrl+C to stop)", flush=True)
    serve(args.host, args.port)
    return 0


def _shown(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def login_table(logins) -> str:
    rows = [("Username", "Password", "Role", "Community")]
    rows += [(x.username, x.password, x.role, x.community or "all") for x in logins]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
