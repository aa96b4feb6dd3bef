"""Finding the contract and line of each row of an Aggregate Contract Monitoring file.

Used by :mod:`commissioning.ingest.formats.acm` (which reads the layout); the rules are
described there. Each row gets our contract's reference and the line's code, or a located
problem (or, with ``allow_unmatched``, is left out and counted).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from commissioning.contracts.models import ContractLine
from commissioning.store.models import Contract

SHOWN = 20


@dataclass
class Found:
    reference: pd.Series  # our contract reference, "" where not found
    line: pd.Series  # the line's code, "" where not found
    left_out: str = ""


def _contract(contracts: list[Contract], local: str, month) -> tuple[Contract | None, str]:
    if local:
        chosen = [c for c in contracts if c.reference == local]
        if chosen:
            return chosen[0], ""
    running = [c for c in contracts if c.start_date <= month <= c.end_date]
    if len(running) == 1:
        return running[0], ""
    if not running:
        return None, "no contract between this commissioner and provider runs in that month"
    refs = ", ".join(c.reference for c in running)
    return None, (
        f"several contracts between this commissioner and provider run in that month ({refs}): "
        "give LOCAL CONTRACT CODE as the contract's reference"
    )


def _line(lines: list[ContractLine], code: str, pod: str, tfc: str) -> tuple[str, str]:
    if code:
        if any(ln.code == code for ln in lines):
            return code, ""
        return "", f"the contract has no line '{code}' (LOCAL CONTRACT MONITORING CODE)"
    pod = pod.upper()
    exact = [
        ln for ln in lines if ln.point_of_delivery.upper() == pod and ln.treatment_function == tfc
    ]
    if not exact and tfc:
        exact = [
            ln for ln in lines if ln.point_of_delivery.upper() == pod and not ln.treatment_function
        ]
    if len(exact) == 1:
        return exact[0].code, ""
    what = f"point of delivery {pod}" + (f" and treatment function {tfc}" if tfc else "")
    if not exact:
        return "", f"the contract has no line for {what}: add it to the contract's lines first"
    return "", (
        f"the contract has several lines for {what} "
        f"({', '.join(ln.code for ln in exact)}): give LOCAL CONTRACT MONITORING CODE"
    )


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def find_lines(frame: pd.DataFrame, table, problems, *, allow_unmatched: bool = False) -> Found:
    from commissioning.ingest.formats.acm import (
        COMMISSIONER,
        CONTRACT,
        LINE,
        POD,
        PROVIDER,
        TFC,
        _label,
    )

    pairs = set(zip(frame[COMMISSIONER], frame[PROVIDER], strict=True))
    contracts: dict[tuple[str, str], list[Contract]] = {}
    for c in Contract.objects.filter(
        commissioner__ods_code__in={a for a, _ in pairs},
        provider__ods_code__in={b for _, b in pairs},
    ).select_related("commissioner", "provider"):
        contracts.setdefault((c.commissioner.ods_code, c.provider.ods_code), []).append(c)
    lines: dict[int, list[ContractLine]] = {}
    for ln in ContractLine.objects.filter(
        contract__in=[c for cs in contracts.values() for c in cs]
    ):
        lines.setdefault(ln.contract_id, []).append(ln)
    references, codes, unmatched = [], [], []
    cache: dict[tuple, tuple[str, str, str, str | None]] = {}
    wanted = [COMMISSIONER, PROVIDER, CONTRACT, "__month", LINE, POD, TFC]
    for r in frame[wanted].to_dict("records"):
        key = (r[COMMISSIONER], r[PROVIDER], r[CONTRACT], r["__month"], r[LINE], r[POD], r[TFC])
        if key not in cache:
            contract, why = _contract(
                contracts.get((r[COMMISSIONER], r[PROVIDER]), []), r[CONTRACT], r["__month"]
            )
            if contract is None:
                cache[key] = ("", "", why, COMMISSIONER)
            else:
                code, why = _line(lines.get(contract.pk, []), r[LINE], r[POD], r[TFC])
                cache[key] = (
                    contract.reference if code else "",
                    code,
                    why,
                    LINE if r[LINE] else POD,
                )
        reference, code, why, column = cache[key]
        references.append(reference)
        codes.append(code)
        if not code:
            unmatched.append((why, column))
    found = Found(
        pd.Series(references, index=frame.index, dtype=str),
        pd.Series(codes, index=frame.index, dtype=str),
    )
    missing = found.line == ""
    if not missing.any():
        return found
    if allow_unmatched:
        reasons = frame.loc[missing].assign(__why=[u[0] for u in unmatched])
        counted = reasons["__why"].value_counts()
        shown = "; ".join(f"{_rows(n)}: {why}" for why, n in counted.head(SHOWN).items())
        found.left_out = (
            f"{table.file}: {_rows(int(missing.sum()))} not matched, left out ({shown})"
        )
        return found
    frame = frame.assign(__why=[""] * len(frame))
    frame.loc[missing, "__why"] = [u[0] for u in unmatched]
    columns = pd.Series([""] * len(frame), index=frame.index)
    columns[missing] = [u[1] for u in unmatched]
    for column in (COMMISSIONER, LINE, POD):
        problems.add_rows(
            frame,
            missing & (columns == column),
            _label(table, column),
            lambda r: r["__why"],
        )
    return found
