"""``commissioning participation``: who commissions, at which stages, and how much."""

from __future__ import annotations

VIEWS = ("matrix", "activities", "groups", "clinical", "developments")


def register(sub) -> None:
    from commissioning.analytics.work.output import add_options
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "participation",
        help="who takes part in commissioning: stakeholders by stage, clinical involvement",
        description="The participation matrix (stakeholder type by stage of the commissioning "
        "cycle), the share of hours and of activities involving clinicians, and providers, GPs, "
        "third sector and patient representatives as doers.",
    )
    add_options(p)
    add_db_option(p)
    p.add_argument(
        "--view",
        choices=VIEWS,
        default="matrix",
        help="matrix: hours by stakeholder type and stage (default); activities: number of "
        "activities by stakeholder type and stage; groups: each stakeholder group as doers; "
        "clinical: share of hours and activities involving clinicians; developments: the "
        "groups taking part in each development",
    )
    p.add_argument(
        "--by",
        choices=("role_type", "group"),
        default=None,
        help="stakeholder type for the matrix and the doers: role (default for the matrix) or "
        "stakeholder group (default for --view groups)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd

    from commissioning.analytics.work import labour, participation
    from commissioning.analytics.work.output import emit, render, stack
    from commissioning.store.frames import load_communities

    by = args.by or ("group" if args.view == "groups" else "role_type")
    tables = []
    for f in load_communities(args.community, args.db):
        split = labour.stage_hours(f.activities, f.activity_stages, f.participations)
        if args.view in ("matrix", "activities"):
            value = "hours" if args.view == "matrix" else "activities"
            table = participation.matrix(split, by=by, value=value).reset_index()
        elif args.view == "groups":
            table = participation.doers(f.participations, f.activities, by=by)
        elif args.view == "clinical":
            table = pd.DataFrame([participation.clinical_share(f.participations)])
        else:
            table = f.developments[["development_id", "title"]].merge(
                participation.groups_by_development(f.participations, f.activities),
                on="development_id",
                how="left",
            )
        tables.append(table)
    emit(render(stack(tables, args.community), args.format), args.output)
    return 0
