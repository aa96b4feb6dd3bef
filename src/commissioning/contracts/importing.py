"""Importing contract lines, plans and actual activity: the template or the ACM layout.

:func:`import_performance` checks every CSV file for damage first (rows with more or fewer
fields than the header, a file cut short: :mod:`commissioning.contracts.files`), then reads the
files through the import machinery (:mod:`commissioning.ingest`: our templates of the kinds
``contract_lines``, ``contract_plans`` and ``contract_actuals``, or a file in the Aggregate
Contract Monitoring layout, :mod:`commissioning.ingest.formats.acm`), checks every row (located
problems, all at once), refuses rows of contracts outside the community or the user's reach,
and writes everything in one transaction or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from commissioning.access import policy
from commissioning.contracts.files import check_csv
from commissioning.errors import InputError, Problem, UserError
from commissioning.store.models import Contract

KIND_NAMES = ("contract_lines", "contract_plans", "contract_actuals")
REFERENCE = {"contract_lines": "contract_reference"}


@dataclass
class Result:
    counts: list[dict] = field(default_factory=list)  # kind title, name, counts
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False


def check_files(paths) -> None:
    """Every CSV file whole, or InputError locating each damaged row."""
    problems: list[Problem] = []
    for path in paths:
        p = Path(path)
        if p.is_file() and p.suffix.lower() in (".csv", ".txt"):
            try:
                check_csv(p.read_bytes(), str(p))
            except InputError as exc:
                problems += exc.problems
    if problems:
        raise InputError(problems[:100], more=max(0, len(problems) - 100))


def scope_problems(user, community, batches) -> list[Problem]:
    """Rows this upload may not hold: other kinds, or contracts outside ``community`` or the
    contracts ``user`` may change."""
    problems = []
    ours = set(
        policy.visible(user, Contract)
        .filter(community=community)
        .values_list("reference", flat=True)
    )
    for name, batch in batches.items():
        if name not in KIND_NAMES:
            for file in batch.files:
                problems.append(
                    Problem(
                        file,
                        None,
                        None,
                        f"holds {batch.kind.title.lower()}: import those on the community's "
                        "import page (this page takes contract lines, plans and activity)",
                    )
                )
            continue
        frame = batch.frame
        outside = ~frame["contract_reference"].astype(str).isin(ours)
        for _, r in frame.loc[outside].head(100).iterrows():
            problems.append(
                Problem(
                    str(r["__file"]),
                    int(r["__row"]),
                    "contract_reference",
                    f"is not a contract of {community.name} that you can change",
                )
            )
    return problems


def import_performance(
    paths,
    *,
    community,
    user,
    dry_run: bool = False,
    format: str | None = None,
    allow_unmatched: bool = False,
    channel: str | None = None,
) -> Result:
    """Check then load ``paths`` as one unit for ``community``, as ``user`` (InputError with
    every located problem, or UserError)."""
    from commissioning.contracts.models import ContractLine
    from commissioning.ingest.formats.convert import read_upload
    from commissioning.ingest.kinds import KINDS
    from commissioning.ingest.load import load
    from commissioning.ingest.validate import check_upload
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel

    if not policy.editable(user, ContractLine, policy.ADD):
        raise UserError("your login cannot change contracts, so it cannot import their activity")
    check_files(paths)
    sheets, notes = read_upload(paths, format=format, allow_unmatched=allow_unmatched)
    # references only to what the user may read: another community's contract is answered
    # as one that does not exist, in the same words
    batches = check_upload(sheets, community=community.code, readable=policy.referable(user))
    outside = scope_problems(user, community, batches)
    if outside:
        raise InputError(outside[:100], more=max(0, len(outside) - 100))
    with acting_as(user, channel or Channel.IMPORT):
        counts = load(batches, dry_run=dry_run)
    if not counts:
        raise UserError("the files hold no contract lines, plans or activity")
    return Result(
        [{"kind": KINDS[name].title, "name": name, "counts": c} for name, c in counts.items()],
        notes,
        dry_run,
    )
