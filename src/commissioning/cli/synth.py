"""``commissioning synth``: write a synthetic pseudonymised patient-level dataset."""

from __future__ import annotations

import datetime as dt


def register(sub) -> None:
    p = sub.add_parser(
        "synth",
        help="write a synthetic patient-level dataset (Parquet) of any size",
        description="Write synthetic patients, registrations, diagnoses and events as Parquet, "
        "streaming a chunk of patients at a time so memory stays flat however many you ask for. "
        "Every identifier and record is made up.",
    )
    p.add_argument("--patients", type=int, default=10_000, help="number of patients")
    p.add_argument("--months", type=int, default=60, help="length of the period in months")
    p.add_argument("--start", default="2019-04", help="first month, YYYY-MM (default 2019-04)")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    p.add_argument(
        "--events-per-patient", type=float, default=20.0, help="average events per patient"
    )
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into")
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.errors import UserError
    from commissioning.synth import SynthConfig, generate
    from commissioning.synth.patients import text_progress

    try:
        start = dt.datetime.strptime(args.start, "%Y-%m").date()
    except ValueError:
        raise UserError(f"--start: expected a month as YYYY-MM, found '{args.start}'") from None
    if args.patients < 1 or args.months < 1:
        raise UserError("--patients and --months must be 1 or more")
    cfg = SynthConfig(
        patients=args.patients,
        months=args.months,
        start=start,
        seed=args.seed,
        events_per_patient=args.events_per_patient,
    )
    rows = generate(cfg, args.output, text_progress("Writing synthetic patients"))
    summary = ", ".join(f"{n:,} {table}" for table, n in rows.items())
    print(f"Wrote {summary} to {args.output} (synthetic data).")
    return 0
