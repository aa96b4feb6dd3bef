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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only the verb in module ``only`` (quicker to start: a verb's
    module may import heavy libraries)."""
    parser = argparse.ArgumentParser(
        prog="commissioning",
        description="A workbench for commissioning NHS care for people with long-term conditions.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or (only is not None and info.name != only):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse with only the named verb's module when there is one by that name, else with all."""
    words = sys.argv[1:] if argv is None else argv
    verb = words[0] if words else ""
    modules = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}
    if verb in modules:
        parser = build_parser(only=verb)
        if verb in _verbs(parser):
            return parser.parse_args(argv)
    return build_parser().parse_args(argv)


def _verbs(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
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
