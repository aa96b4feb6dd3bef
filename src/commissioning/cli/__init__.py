"""The ``commissioning`` command.

Each verb lives in its own module in this package and exposes ``register(subparsers)``, which
adds its sub-parser and sets ``func`` to a callable taking the parsed arguments and returning an
exit status. Modules are found automatically, so adding a verb means adding one file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from commissioning.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commissioning",
        description="A workbench for commissioning NHS care for people with long-term conditions.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        status = args.func(args)
    except UserError as exc:
        print(f"commissioning {args.verb}: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print(f"commissioning {args.verb}: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return int(status or 0)


def run() -> None:
    sys.exit(main())
