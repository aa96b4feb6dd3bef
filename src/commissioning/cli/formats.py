"""``commissioning formats``: the NHS published files that `commissioning import` reads."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "formats",
        help="list the NHS published file formats that can be imported",
        description="List the NHS published files (ODS, GP registrations, QOF) that "
        "`commissioning import FILE` reads directly, by name, with what each gives. The format "
        "is found from the file's first rows; `--format NAME` names it instead.",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.ingest.names import ensure_django

    ensure_django()
    from commissioning.ingest.formats.formats import FORMATS

    width = max(len(name) for name in FORMATS)
    for name, module in FORMATS.items():
        print(f"{name.ljust(width)}  {module.TITLE}")
    return 0
