"""Gather a report's sections as plain data, from the engines, for one reader.

Three reports:

- :func:`community_report`: needs, money and the review programme, monitoring (SPC), impact,
  labour and participation, the scorecard and evidence highlights of one community;
- :func:`development_report`: one service development: its objectives, monitoring of their
  indicators, impact, labour;
- :func:`across_report`: the key figures of every community side by side.

With a ``user``, only what the access policy lets them read is included (a community they may
not read is reported as unknown; money is left out for viewers). Without one the report is
made as an administrator, as the command line does.
"""

from __future__ import annotations

import pandas as pd
from django.utils import timezone

from commissioning.access.policy import reader
from commissioning.analytics.disclosure import configured_policy
from commissioning.document import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    PERCENT_2DP,
    Chart,
    Report,
    Section,
    Table,
    label,
)
from commissioning.errors import UserError
from commissioning.monitoring.presenter import VARIATIONS
from commissioning.monitoring.records import observation_table
from commissioning.reports.needs import needs_section
from commissioning.reports.sections import evidence_section, impact_section, monitoring_section
from commissioning.reports.work import labour_section, money_section, scorecard_section
from commissioning.store import models as m
from commissioning.work.overview import as_of_date, contract_total
from commissioning.work.presenter import STATUSES, scorecard_across, status_counts

SYNTHETIC_NOTE = "SYNTHETIC DATA — made up for demonstration; no real patient or person."


class NotFound(UserError):
    exit_status = 2


def _communities(user):
    qs = m.CommissioningCommunity.objects.all()
    if user is not None:
        from commissioning.access.policy import scope_of, visible

        scope = scope_of(user)
        if scope is not None and scope.role == m.Role.PROVIDER:
            return qs.none()  # reports are of commissioning work, which providers do not see
        qs = visible(user, qs)
    return qs


def get_community(code: str, user=None):
    community = _communities(user).filter(code=code).first()
    if community is None:
        codes = ", ".join(_communities(user).order_by("code").values_list("code", flat=True))
        raise NotFound(f"no community '{code}' (communities: {codes or 'none'})")
    return community


def shows_money(user) -> bool:
    if user is None:
        return True
    from commissioning.access.policy import hidden_fields

    return "annual_value" not in hidden_fields(user, m.Contract)


def _frames(community, user):
    from commissioning.store.frames import load_community

    frames = load_community(community.code)
    if user is not None:
        from commissioning.access.policy import visible

        contracts = set(visible(user, m.Contract).values_list("pk", flat=True))
        services = set(visible(user, m.Service).values_list("pk", flat=True))
        frames.contracts = frames.contracts[frames.contracts["contract_id"].isin(contracts)]
        frames.services = frames.services[frames.services["service_id"].isin(services)]
        frames.spend = frames.spend[frames.spend["service_id"].isin(services)]
    return frames


def _sources(community, observations: pd.DataFrame, as_of) -> list[tuple[str, str]]:
    out = []
    reg = m.ConditionRegister.objects.filter(organisation__communities=community)
    if reg.exists():
        years = sorted({d.year for d in reg.values_list("period_end", flat=True)})
        out.append(
            (
                "Condition registers of the community's GP practices",
                f"years ending {years[0]} to {years[-1]}",
            )
        )
    if not observations.empty:
        first, last = observations["date"].min(), observations["date"].max()
        sources = sorted(
            m.Indicator.objects.filter(pk__in=observations["indicator_id"].unique())
            .exclude(source="")
            .values_list("source", flat=True)
        )
        sources = sorted(set(sources))
        out.append(
            (
                "Indicator observations" + (f" ({'; '.join(sources)})" if sources else ""),
                f"{first:%b %Y} to {last:%b %Y}",
            )
        )
    out.append(("Services, contracts, spend, developments, activities", f"as of {as_of:%-d %B %Y}"))
    return out


def community_report(code: str, user=None, *, charts: bool = True) -> Report:
    community = get_community(code, user)
    frames = _frames(community, user)
    as_of = as_of_date(frames)
    money = shows_money(user)
    observations = observation_table(community)
    needs, registers = needs_section(community, user, charts=charts)
    monitor, found = monitoring_section(reader(user), community, charts=charts)
    developments = list(
        community.developments.prefetch_related("objectives").order_by("start_date", "title")
    )
    score, card = scorecard_section(frames, money, charts=charts)
    sections = [
        needs,
        money_section(frames, as_of, money),
        monitor,
        impact_section(reader(user), developments),
        labour_section(frames, money=money),
        score,
    ]
    evidence = evidence_section(community, user)
    if evidence is not None:
        sections.append(evidence)
    key = [("Population", f"{community.population:,}" if community.population else "not recorded")]
    for r in registers:  # each condition's headline, counts as shown
        shown = r["register"]
        key.append((f"{r['condition']} register", f"{shown:,}" if shown != "*" else shown))
    if money:
        key.append(("Contracts in force (a year)", f"£{contract_total(frames, as_of):,.0f}"))
    if found.series:
        concern = sum(s.summary["variation"] == "special_cause_concern" for s in found.series)
        key.append(
            ("Indicator series showing special-cause concern", f"{concern} of {len(found.series)}")
        )
    met = status_counts(card)[STATUSES[0]]
    key.append(("Scorecard measures met", f"{met} of {len(card.measures)}"))
    return Report(
        title=f"{community.name}: commissioning report",
        subtitle=f"Commissioning community {community.code}, as of {as_of:%-d %B %Y}",
        synthetic=bool(community.synthetic),
        generated=timezone.now(),
        sources=_sources(community, observations, as_of),
        suppression=configured_policy().describe(),
        sections=sections,
        key_figures=key,
        audience="administrator" if user is None else user.get_username(),
    )


def development_report(code: str, slug: str, user=None, *, charts: bool = True) -> Report:
    community = get_community(code, user)
    dev = community.developments.filter(slug=slug).prefetch_related("objectives").first()
    if dev is None:
        slugs = ", ".join(community.developments.order_by("slug").values_list("slug", flat=True))
        raise NotFound(f"no development '{slug}' in {code} (developments: {slugs or 'none'})")
    frames = _frames(community, user)
    as_of = as_of_date(frames)
    objectives = list(dev.objectives.select_related("indicator"))
    indicator_ids = {o.indicator_id for o in objectives if o.indicator_id}
    observations = observation_table(community, indicator_ids)
    service_names = set(dev.services.values_list("name", flat=True))
    summary_section = Section("development", "The development")
    summary_section.paragraphs.append(dev.summary or "No summary recorded.")
    summary_section.tables.append(
        Table(
            "development",
            "Facts",
            ["Item", "Value"],
            [
                ["Status", dev.get_status_display()],
                ["Size of change", label(dev.size_of_change) or "not recorded"],
                ["Start", dev.start_date],
                ["Go-live", dev.go_live_date],
                ["End", dev.end_date],
                ["Services", ", ".join(sorted(service_names)) or "none"],
                ["Conditions", ", ".join(dev.conditions.values_list("name", flat=True))],
            ],
        )
    )
    summary_section.tables.append(
        Table(
            "objectives",
            "Objectives",
            ["Objective", "Indicator", "Baseline", "Target", "Target date"],
            [
                [
                    o.description,
                    o.indicator.name if o.indicator else "",
                    o.baseline_value,
                    o.target_value,
                    o.target_date,
                ]
                for o in objectives
            ],
            {"Target date": DATE},
        )
    )
    monitor, _ = monitoring_section(reader(user), community, indicator_ids, charts=charts)
    sections = [
        summary_section,
        monitor,
        impact_section(reader(user), [dev]),
        labour_section(frames, development_id=dev.pk, money=shows_money(user)),
    ]
    return Report(
        title=f"{dev.title}",
        subtitle=f"Service development in {community.name} ({community.code}), "
        f"as of {as_of:%-d %B %Y}",
        synthetic=bool(community.synthetic),
        generated=timezone.now(),
        sources=_sources(community, observations, as_of),
        suppression=configured_policy().describe(),
        sections=sections,
        key_figures=[("Status", dev.get_status_display()), ("Objectives", str(len(objectives)))],
        audience="administrator" if user is None else user.get_username(),
    )


def across_report(user=None, *, charts: bool = True) -> Report:
    communities = list(_communities(user).order_by("code"))
    if not communities:
        raise NotFound("there are no communities to report on")
    money = shows_money(user)
    rows, matrix_rows, score_rows = [], [], []
    conditions: list[str] = []
    per_community = []
    synthetic = False
    latest = None
    for c in communities:
        synthetic = synthetic or c.synthetic
        frames = _frames(c, user)
        as_of = as_of_date(frames)
        latest = as_of if latest is None else max(latest, as_of)
        _, registers = needs_section(c, user, charts=False)
        _, found = monitoring_section(reader(user), c, charts=False)
        _, card = scorecard_section(frames, money, charts=False)
        per_community.append((c, frames, as_of, registers, found, card))
        for r in registers:
            if r["condition"] not in conditions:
                conditions.append(r["condition"])
    for c, frames, as_of, registers, found, card in per_community:
        prev = {r["condition"]: r["prevalence"] for r in registers}  # as the needs pages show
        rows.append(
            [
                c.code,
                c.name,
                c.population,
                *[prev.get(k) for k in conditions],
                contract_total(frames, as_of) if money else None,
            ]
        )
        if found.series:
            by_cell = {
                (row["variation"], cell["assurance"]): len(cell["series"])
                for row in found.matrix
                for cell in row["cells"]
            }
            matrix_rows.append(
                [c.code, len(found.series)]
                + [sum(n for (v, _), n in by_cell.items() if v == key) for key, _ in VARIATIONS]
                + [
                    sum(n for (_, a), n in by_cell.items() if a == key)
                    for key in ("consistent_pass", "consistent_fail")
                ]
            )
        score_rows.append([c.code, *status_counts(card).values()])
    key_section = Section(
        "communities",
        "Communities side by side",
        tables=[
            Table(
                "communities",
                "Population, recorded prevalence and contracts",
                [
                    "Code",
                    "Community",
                    "Population",
                    *[f"{k} prevalence" for k in conditions],
                    "Contracts in force (a year)",
                ],
                rows,
                {
                    "Population": COUNT,
                    "Contracts in force (a year)": MONEY,
                    **{f"{k} prevalence": PERCENT_2DP for k in conditions},
                },
                note="Recorded prevalence is crude: communities differ in age structure."
                + ("" if money else " Contract values are not shown to your role."),
            )
        ],
    )
    monitor = Section(
        "monitoring",
        "Monitoring across communities",
        tables=[
            Table(
                "monitoring_across",
                "Indicator series by latest variation, and assurance against target",
                [
                    "Community",
                    "Series",
                    *[name for _, name in VARIATIONS],
                    "Consistent pass",
                    "Consistent fail",
                ],
                matrix_rows,
                {name: COUNT for _, name in VARIATIONS},
            )
        ],
        paragraphs=[
            "Judged by XmR charts of each community's own series, not by ranking "
            "communities against each other."
        ],
    )
    spread = scorecard_across([card for *_, card in per_community])
    codes = spread["communities"]
    spread_rows = [
        [
            r["name"],
            *[_percent(v) for v in r["values"]],
            _percent(r["lowest"]),
            _percent(r["highest"]),
        ]
        for r in spread["rows"]
    ]
    scores = Section(
        "scorecard",
        "Effective-commissioning scorecard across communities",
        tables=[
            Table(
                "scorecard_across",
                "Scorecard measures by status",
                ["Community", "Met", "Partly met", "Not met", "No data"],
                score_rows,
                {k: COUNT for k in ("Met", "Partly met", "Not met", "No data")},
            ),
            Table(
                "scorecard_spread",
                "Each measure's value in each community, and its spread",
                ["Measure", *codes, "Lowest", "Highest"],
                spread_rows,
                {k: PERCENT for k in (*codes, "Lowest", "Highest")},
                note="Each community's card runs to its own latest record; a blank is a "
                "measure with nothing to measure.",
            ),
        ],
    )
    if charts:
        scores.charts.append(across_figure(spread))
    sources = [
        (
            "Condition registers, indicator observations, services, contracts, spend, "
            "developments and activities of each community",
            f"as of {latest:%-d %B %Y}" if latest is not None else "",
        )
    ]
    return Report(
        title="Commissioning communities compared",
        subtitle=f"{len(communities)} communities, as of {latest:%-d %B %Y}"
        if latest is not None
        else "",
        synthetic=synthetic,
        generated=timezone.now(),
        sources=sources,
        suppression=configured_policy().describe(),
        sections=[key_section, monitor, scores],
        key_figures=[("Communities", str(len(communities)))],
        audience="administrator" if user is None else user.get_username(),
    )


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def across_figure(spread: dict) -> Chart:
    """The dot plot of each measure across communities, drawn from the figures of the table of
    each measure's value in each community, with its text alternative."""
    from commissioning.charts import spec_svg
    from commissioning.charts.scorecard import across_chart, describe_across

    description = describe_across(spread)
    return Chart(
        "Each measure in each community",
        spec_svg(across_chart(spread, description=description)),
        description,
    )
