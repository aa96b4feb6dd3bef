"""What a person sees of provider selection: the one place that works it out.

- :func:`record_report`: a decision record as a report (sections of tables), which the record
  page lays out in NHS.UK style and :mod:`commissioning.reports.pdf` prints for a review panel;
- :func:`register_report`: the register of awards (CSV, XLSX, the page's table);
- :func:`pipeline`: every contract ending in the next 18 months, the decision it needs and by
  when;
- :func:`steps`: deadlines and overdue steps, for the alert inbox.

Pages, the PDF, downloads, the API, the command line and alerts lay these out and work nothing
out themselves. Values a user may not see (viewers: estimated values and commercial scores;
providers: other providers' assessments) are left out here, by the access policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from commissioning.access import policy
from commissioning.document import DATE, MONEY, NUMBER, Report, Section, Table
from commissioning.provider_selection import records, rules
from commissioning.provider_selection.models import (
    Assessment,
    DecisionRecord,
    Process,
    Status,
)
from commissioning.provider_selection.standstill import latest_publication_for, standstill
from commissioning.store.models import Contract

PIPELINE_MONTHS = 18
SOON_DAYS = 14
NOT_SHOWN = "Not shown"


def _yes_no(value) -> str:
    return {True: "Yes", False: "No", None: "Not answered"}[value]


def _date(value: dt.date | None) -> str:
    return value.strftime("%-d %B %Y") if value else "Not yet"


def _money(value, hidden: bool) -> str:
    if hidden:
        return NOT_SHOWN
    return "Not given" if value is None else f"£{value:,.0f}"


def _facts_table(key: str, title: str, rows: list[tuple[str, str]], note: str = "") -> Table:
    return Table(key, title, ["What", "Record"], [list(r) for r in rows], note=note)


CONDITIONS = {
    Process.DIRECT_A: [
        ("only_existing_capable", "Only the existing provider can provide the services (6(3)(b))"),
        ("framework", "A framework agreement (must be no)"),
    ],
    Process.DIRECT_B: [
        ("patient_choice", "Patients are offered a choice of provider (6(4)(a))"),
        ("providers_unrestricted", "The number of providers is not restricted (6(4)(b))"),
        ("offered_to_all", "Contracts offered to all providers who qualify (6(4)(c))"),
        ("expressions_of_interest", "Providers can express an interest (6(4)(d))"),
    ],
    Process.DIRECT_C: [
        (
            "only_existing_capable",
            "Only the existing provider can provide the services (must be no)",
        ),
        ("patient_choice", "Unrestricted patient choice of provider (must be no)"),
        (
            "existing_satisfactory",
            "The existing provider is satisfying the contract and will likely satisfy the new one "
            "(6(5)(d))",
        ),
        ("materially_different", "Materially different in character (6(10); must be no)"),
        ("change_by_authority", "The change is the authority's decision (6(11))"),
    ],
    Process.MOST_SUITABLE: [
        ("can_identify_most_suitable", "The authority can identify the most suitable provider"),
        ("framework", "A framework agreement (must be no)"),
    ],
    Process.COMPETITIVE: [("framework", "A framework agreement")],
}


def record_report(user, record: DecisionRecord, *, today: dt.date | None = None) -> Report:
    """The record as a review panel reads it: the decision, why this process, the key criteria,
    each provider's assessment, who decided, conflicts of interest, the reasons, the dates and
    the standstill period, and the seal (hash chain) with the versions."""
    hidden = policy.hidden_fields(user, DecisionRecord)
    hide_scores = "score" in policy.hidden_fields(user, Assessment)
    facts = records.facts(record)
    services = ", ".join(s.name for s in record.services.order_by("name")) or "None named"
    summary = [
        ("Reference", f"{record.reference} (version {record.version})"),
        ("Status", record.get_status_display()),
        ("Services", services),
        ("Description", record.description or "Not given"),
        ("CPV code", record.cpv_code or "Not given"),
        ("Process", record.get_process_display()),
        ("Estimated lifetime value", _money(record.estimated_value, "estimated_value" in hidden)),
        ("Contract term", f"{_date(record.contract_start)} to {_date(record.contract_end)}"),
        (
            "Existing contract",
            f"{record.existing_contract.reference}: {record.existing_contract.title} "
            f"({record.existing_contract.provider.name}, ends "
            f"{_date(record.existing_contract.end_date)})"
            if record.existing_contract
            else "None",
        ),
        ("Provider chosen", record.chosen_provider.name if record.chosen_provider else "Not yet"),
        (
            "Contract in the register",
            record.awarded_contract.reference if record.awarded_contract else "Not yet",
        ),
    ]
    if record.amendment_reason:
        summary.append(("Reason for this amendment", record.amendment_reason))
    conditions = [
        (label, _yes_no(getattr(record, name)))
        for name, label in CONDITIONS.get(record.process, [])
    ]
    if record.process == Process.DIRECT_C:
        conditions.append(
            (
                "Existing contract's lifetime value",
                _money(record.existing_lifetime_value, "existing_lifetime_value" in hidden),
            )
        )
        change = rules.considerable_change(facts)
        conditions.append(
            (
                "Considerable change threshold met (6(10)-(12))",
                "Not worked out yet" if change is None else _yes_no(change),
            )
        )
    weights = Table(
        "weights",
        "Key criteria and their weights (regulation 5)",
        ["Key criterion", "Weight (%)", "How it was taken into account"],
        [
            [w.get_criterion_display(), float(w.weight), w.how_considered]
            for w in record.weights.order_by("criterion")
        ],
        formats={"Weight (%)": NUMBER},
    )
    assessment_tables = []
    for c in records.considered_for(user, record):
        rows = [
            [a.get_criterion_display(), None if hide_scores else float(a.score), a.comment]
            for a in c.assessments.all()
        ]
        chosen = " (chosen)" if c.provider_id == record.chosen_provider_id else ""
        assessment_tables.append(
            Table(
                f"assessment-{c.pk}",
                f"{c.provider.name}{chosen}",
                ["Key criterion", "Score (out of 100)", "Comment"],
                rows,
                formats={"Score (out of 100)": NUMBER},
                note=(
                    f"Basic selection criteria met: {_yes_no(c.meets_basic_selection)}. "
                    f"{c.basic_selection_notes} {c.summary}".strip()
                    + (" Scores are not shown to your role." if hide_scores else "")
                ),
            )
        )
    makers = Table(
        "decision-makers",
        "Decision makers",
        ["Name", "Role"],
        [[d.name, d.role] for d in record.decision_makers.order_by("name", "pk")],
        note=f"Forum: {record.forum or 'not given'}.",
    )
    conflicts = Table(
        "conflicts",
        "Conflicts of interest declared",
        ["Who", "Interest", "How it was managed"],
        [[c.person, c.interest, c.managed] for c in record.conflicts.order_by("person", "pk")],
        note="None were declared." if record.no_conflicts_declared else "",
    )
    dates = (
        [("Process notice", _date(record.process_notice))]
        if record.process
        in (
            Process.MOST_SUITABLE,
            Process.COMPETITIVE,
        )
        else []
    )
    if record.process in rules.WITH_STANDSTILL:
        dates.append(("Notice of intention to award published", _date(record.intention_published)))
        if record.intention_published:
            period = standstill(
                record.intention_published, record.representations, record.further_decision
            )
            dates += [
                ("Standstill period begins", _date(period.begins)),
                (
                    "Representations close (midnight, end of the 8th working day)",
                    _date(period.representations_close),
                ),
                ("Representations received", _date(record.representations)),
                (
                    "Further decision",
                    f"{record.get_further_decision_kind_display()} on "
                    f"{_date(record.further_decision)}"
                    if record.further_decision
                    else "None",
                ),
                (
                    "Standstill period ends (midnight at the end of)",
                    _date(period.ends) if period.ends else "Held open by representations",
                ),
            ]
    dates += [
        ("Contract awarded", _date(record.award_date)),
        ("Award notice published", _date(record.award_notice)),
        ("Award notice due by", _date(rules.award_notice_due(facts))),
        ("Contract starts", _date(record.contract_start)),
    ]
    versions = records.versions_of(user, record)
    seal = [
        ("Version", f"{record.version} of {len(versions)}"),
        (
            "Finalised",
            f"{timezone.localtime(record.finalised_at):%-d %B %Y %H:%M} by "
            f"{record.finalised_by.get_username() if record.finalised_by else 'the system'}"
            if record.finalised_at
            else "Not yet: this version is a draft",
        ),
        ("Content hash (SHA-256)", record.content_hash or "Not sealed"),
        ("Chain hash (SHA-256)", record.chain_hash or "Not sealed"),
    ]
    version_table = Table(
        "versions",
        "Versions",
        ["Version", "Status", "Finalised", "Reason for the amendment", "Chain hash"],
        [
            [
                v.version,
                v.get_status_display(),
                v.finalised_at.date() if v.finalised_at else None,
                v.amendment_reason,
                v.chain_hash,
            ]
            for v in versions
        ],
        formats={"Finalised": DATE},
    )
    sections = [
        Section("decision", "The decision", tables=[_facts_table("summary", "Summary", summary)]),
        Section(
            "conditions",
            f"Why {record.get_process_display()} (regulation 6)",
            tables=[_facts_table("conditions", "Conditions of the process", conditions)],
        ),
        Section("criteria", "Key criteria (regulation 5)", tables=[weights]),
        Section(
            "assessments",
            "Providers considered and their assessment (regulation 24)",
            paragraphs=[] if assessment_tables else ["No provider assessment you may see."],
            tables=assessment_tables,
        ),
        Section("decision-makers", "Who decided (regulation 24(d))", tables=[makers]),
        Section("conflicts", "Conflicts of interest (regulation 21)", tables=[conflicts]),
        Section("reasons", "Reasons for the decision", paragraphs=[record.reasons or "Not given"]),
        Section(
            "dates",
            "Dates, notices and the standstill period (regulation 12)",
            tables=[_facts_table("dates", "Dates", dates)],
        ),
        Section(
            "seal",
            "Versions and the seal",
            paragraphs=[
                "A finalised version is never changed; an amendment is a new version with its "
                "reason. The chain hash is worked out from this version's whole content and the "
                "chain hash of the version before it: check it against the app's verify page."
            ],
            tables=[_facts_table("seal", "Seal", seal), version_table],
        ),
    ]
    provider = record.chosen_provider.name if record.chosen_provider else "provider not chosen"
    return Report(
        title=f"Provider selection decision record: {record.title}",
        subtitle=f"{record.community.name}. {record.get_process_display()}; {provider}.",
        synthetic=record.community.synthetic,
        generated=timezone.now(),
        sources=[("Decision record", f"{record.reference}, version {record.version}")],
        suppression="No patient counts are in this record.",
        sections=sections,
        key_figures=[
            ("Status", record.get_status_display()),
            ("Chain hash", (record.chain_hash[:16] + "…") if record.chain_hash else "Not sealed"),
        ],
        audience=getattr(user, "get_username", lambda: "")() or "a signed-in user",
    )


REGISTER_COLUMNS = [
    "Reference",
    "Version",
    "Title",
    "Process",
    "Provider",
    "Services",
    "Estimated lifetime value",
    "Contract start",
    "Contract end",
    "Intention published",
    "Standstill ended",
    "Awarded",
    "Award notice",
    "Contract in the register",
    "Chain hash",
]


def _ends(record) -> dt.date | None:
    if record.process not in rules.WITH_STANDSTILL or record.intention_published is None:
        return None
    return standstill(
        record.intention_published, record.representations, record.further_decision
    ).ends


def register_table(user, community) -> Table:
    """Every finalised award in the community, its latest version (viewers: no values)."""
    hide = "estimated_value" in policy.hidden_fields(user, DecisionRecord)
    rows = []
    for r in records.visible_records(user, community):
        if r.status != Status.FINALISED:
            final = [v for v in records.versions_of(user, r) if v.is_final]
            if not final:
                continue
            r = final[-1]
        rows.append(
            [
                r.reference,
                r.version,
                r.title,
                r.get_process_display(),
                r.chosen_provider.name if r.chosen_provider else "",
                "; ".join(s.name for s in r.services.order_by("name")),
                None if hide else r.estimated_value,
                r.contract_start,
                r.contract_end,
                r.intention_published,
                _ends(r),
                r.award_date,
                r.award_notice,
                r.awarded_contract.reference if r.awarded_contract else "",
                r.chain_hash,
            ]
        )
    formats = {c: DATE for c in REGISTER_COLUMNS if c.startswith(("Contract s", "Contract e"))}
    formats.update(
        {
            "Intention published": DATE,
            "Standstill ended": DATE,
            "Awarded": DATE,
            "Award notice": DATE,
            "Estimated lifetime value": MONEY,
        }
    )
    note = "Estimated values are not shown to your role." if hide else ""
    return Table("awards", "Register of awards", REGISTER_COLUMNS, rows, formats, note)


def register_report(user, community) -> Report:
    table = register_table(user, community)
    return Report(
        title=f"Register of awards: {community.name}",
        subtitle="Contracts awarded under the Provider Selection Regime (SI 2023/1348)",
        synthetic=community.synthetic,
        generated=timezone.now(),
        sources=[("Decision records", f"{len(table.rows)} finalised awards")],
        suppression="No patient counts are in this register.",
        sections=[Section("awards", "Register of awards", tables=[table])],
        audience=getattr(user, "get_username", lambda: "")() or "a signed-in user",
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class PipelineRow:
    contract: str
    title: str
    provider: str
    ends: dt.date
    decision: str
    by_when: dt.date | None
    overdue: bool
    record: str = ""  # the record's reference, when there is one
    record_url: str = ""


@dataclass
class Pipeline:
    today: dt.date
    until: dt.date
    rows: list[PipelineRow] = field(default_factory=list)

    def table(self) -> Table:
        return Table(
            "pipeline",
            f"Contracts ending by {self.until:%-d %B %Y}",
            ["Contract", "Title", "Provider", "Ends", "Decision needed", "By", "Overdue", "Record"],
            [
                [
                    r.contract,
                    r.title,
                    r.provider,
                    r.ends,
                    r.decision,
                    r.by_when,
                    r.overdue,
                    r.record,
                ]
                for r in self.rows
            ],
            formats={"Ends": DATE, "By": DATE},
        )


def _next_step(record, contract, today) -> tuple[str, dt.date | None]:
    """The next step of a record replacing ``contract``, and by when."""
    start = contract.end_date + dt.timedelta(days=1)
    label = record.get_process_display()
    if record.is_final:
        if record.award_notice is None and record.award_date:
            return "Publish the award notice", rules.award_notice_due(records.facts(record))
        return f"Awarded ({label}) to {record.chosen_provider.name}", None
    if record.process in rules.WITH_STANDSTILL:
        if record.intention_published is None:
            return f"{label}: publish the notice of intention to award", latest_publication_for(
                start
            )
        period = standstill(
            record.intention_published, record.representations, record.further_decision
        )
        if period.ends is None:
            return "Representations received: make the further decision", None
        if today <= period.ends:
            return "Standstill period: wait until it ends", period.ends
    return f"{label}: award the contract and finalise the record", contract.end_date


def pipeline(user, community, today: dt.date) -> Pipeline:
    """Every contract the user may see ending in the next 18 months: the decision it needs and
    by when (for contracts without a record: the latest day to publish a notice of intention so
    that the standstill ends before the contract does)."""
    until = _add_months(today, PIPELINE_MONTHS)
    contracts = (
        policy.visible(user, Contract)
        .filter(community=community, end_date__gte=today, end_date__lte=until)
        .select_related("provider")
        .order_by("end_date", "reference")
    )
    latest = {}
    for r in records.visible_records(user, community):
        if r.existing_contract_id:
            latest[r.existing_contract_id] = r
    out = Pipeline(today, until)
    awarded = set(
        DecisionRecord.objects.filter(community=community)
        .exclude(awarded_contract=None)
        .values_list("awarded_contract_id", flat=True)
    )
    for c in contracts:
        if c.pk in awarded:  # a contract this app awarded: its own decision is years away
            continue
        record = latest.get(c.pk)
        if record is None:
            decision = (
                "Choose a process (direct award C if the provider is satisfying the contract) "
                "and start a decision record"
            )
            by = latest_publication_for(c.end_date + dt.timedelta(days=1))
            row = PipelineRow(
                c.reference, c.title, c.provider.name, c.end_date, decision, by, False
            )
        else:
            decision, by = _next_step(record, c, today)
            row = PipelineRow(
                c.reference,
                c.title,
                c.provider.name,
                c.end_date,
                decision,
                by,
                False,
                record.reference,
                reverse("provider-selection-record", args=[community.code, record.reference]),
            )
        row.overdue = row.by_when is not None and row.by_when < today
        out.rows.append(row)
    return out


@dataclass
class Step:
    kind: str  # "deadline" (due within SOON_DAYS) or "overdue"
    title: str
    detail: str
    url: str
    key: str  # stable, so the inbox reports each once


def steps(user, community, today: dt.date) -> list[Step]:
    """Deadlines in the next fortnight and overdue steps of the pipeline."""
    out = []
    for row in pipeline(user, community, today).rows:
        if row.by_when is None or row.by_when > today + dt.timedelta(days=SOON_DAYS):
            continue
        kind = "overdue" if row.overdue else "deadline"
        url = row.record_url or reverse("provider-selection", args=[community.code])
        out.append(
            Step(
                kind,
                f"{row.contract}: {row.title}",
                f"{row.decision}, by {row.by_when:%-d %B %Y} (contract ends {row.ends:%-d %B %Y})",
                url,
                f"psr:{kind}:{community.pk}:{row.contract}:{row.decision}:{row.by_when}",
            )
        )
    return out


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def as_data(report: Report) -> dict:
    """A presenter report as JSON-ready data (for the API and the command line)."""
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "paragraphs": s.paragraphs,
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "columns": t.columns,
                        "rows": [[_json_value(v) for v in row] for row in t.rows],
                        "note": t.note,
                    }
                    for t in s.tables
                ],
            }
            for s in report.sections
        ],
    }
