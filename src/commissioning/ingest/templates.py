"""Empty, documented templates for each kind, and the words that describe each column."""

from __future__ import annotations

from pathlib import Path

from commissioning.errors import UserError
from commissioning.ingest import values
from commissioning.ingest.kinds import KINDS, Kind
from commissioning.tables import new_workbook, write_csv

ABOUT_SHEET = "About this template"


def allowed(col) -> str:
    if not col.choices:
        return ""
    return "; ".join(f"{v} ({label})" if label.lower() != v else v for v, label in col.choices)


def described_columns(kind: Kind) -> list[dict[str, str]]:
    rows = []
    for col in kind.columns:
        what = (
            values.expected(col)
            if col.type not in ("choice", "list")
            else (
                "one of the allowed values"
                if col.type == "choice"
                else "items separated by semicolons"
            )
        )
        if col.type == "list" and col.choices:
            what = "allowed values separated by semicolons"
        rows.append(
            {
                "column": col.name,
                "required": "yes" if col.required else "no",
                "holds": what,
                "allowed values": allowed(col),
                "notes": col.help,
                "example": col.example,
            }
        )
    return rows


def write_template(kind: Kind, path: str | Path | None) -> None:
    """CSV: a header and an example row. XLSX: also an 'About this template' sheet."""
    example = [c.example for c in kind.columns]
    if path is None or str(path) == "-":
        write_csv([example], None, kind.names)
        return
    p = Path(path)
    if not p.parent.exists():
        raise UserError(f"{p}: the folder {p.parent} does not exist")
    if p.suffix.lower() == ".xlsx":
        from openpyxl.styles import Font

        wb = new_workbook()
        ws = wb.active
        ws.title = kind.name
        ws.append(kind.names)
        ws.append(example)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        about = wb.create_sheet(ABOUT_SHEET)
        about.append([f"{kind.title}: {kind.description}"])
        about.append(
            [
                "Replace the example row with your own. Dates as yyyy-mm-dd or "
                "dd/mm/yyyy. This sheet is ignored when the workbook is imported."
            ]
        )
        about.append([])
        cols = described_columns(kind)
        about.append(list(cols[0].keys()))
        for r in cols:
            about.append(list(r.values()))
        wb.save(p)
        return
    write_csv([example], p, kind.names)


def write_docs(folder: Path) -> list[Path]:
    """Write the page for every kind (docs/guide/import/KIND.md)."""
    from commissioning.ingest.names import ORDER

    paths = []
    for name in ORDER:
        p = Path(folder) / f"{name}.md"
        p.write_text(markdown(KINDS[name]), encoding="utf-8")
        paths.append(p)
    return paths


def markdown(kind: Kind) -> str:
    """The documentation page for one kind."""
    lines = [
        f"# Importing {kind.title.lower()}",
        "",
        kind.description,
        "",
        f"Kind name: `{kind.name}`"
        + (f" (also: {', '.join(f'`{a}`' for a in kind.aliases)})" if kind.aliases else "")
        + f". Start from a template: `commissioning template {kind.name} -o {kind.name}.csv` "
        f"(or `.xlsx`, which adds a sheet describing every column).",
        "",
        f"A record is identified by **{', '.join(kind.key)}**: importing a row with the same "
        "values there updates that record; a new combination adds one.",
        "",
        "| Column | Required | Holds | Allowed values | Notes | Example |",
        "|---|---|---|---|---|---|",
    ]
    for r in described_columns(kind):
        cells = [f"`{r['column']}`", *[r[k] for k in list(r)[1:]]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    refs = [
        f"- `{', '.join(ref.columns)}` must name one of the {KINDS[ref.target].title.lower()} "
        "already in the database or in the same import."
        for ref in kind.refs
    ] + [
        f"- each item of `{lst.column}` must name one of the {KINDS[lst.target].title.lower()} "
        "already in the database or in the same import."
        for lst in kind.lists
        if lst.target != "stages"
    ]
    if refs:
        lines += ["", "## References", "", *refs]
    checks = [
        f"- `{b.low}` is no larger than `{b.high}`, where both are given." for b in kind.bounds
    ]
    checks += [f"- {note}" for note in kind.notes]
    if checks:
        lines += ["", "## Checked between columns", "", *checks]
    if kind.community_scoped:
        lines += [
            "",
            "The `community` column may be left out (or left empty) when the command is given "
            "`--community CODE`.",
        ]
    lines += [
        "",
        "Choices accept the value or its label, in any case. Numbers may have thousands "
        "separators (1,250,000). Lists are separated by semicolons.",
        "",
        "A row that updates a stored record and leaves empty a column the record holds a value "
        "in is refused, unless the import is asked to empty stored values "
        "(`--allow-emptying`, or the import page's box).",
        "",
    ]
    return "\n".join(lines)
