"""From stored answers to the tables and drawings of the network page.

People are identified by :func:`commissioning.networks.logic.person_key` (so "Dr A. Example"
named by three colleagues is one node, and is the same node as the respondent of that name) and
shown only under their pseudonym; organisations and roles are shown by name. All measuring is
done by :mod:`commissioning.analytics.network`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from commissioning.analytics.network.coparticipation import (
    coparticipation_measures,
    coparticipation_network,
)
from commissioning.analytics.network.graph import build_network
from commissioning.analytics.network.measures import node_measures
from commissioning.analytics.network.reach import commissioner_reach
from commissioning.analytics.network.response import response_rates, sensitivity
from commissioning.analytics.network.source_types import by_source_type
from commissioning.networks.logic import person_key, pseudonyms
from commissioning.networks.models import Nomination, SurveyRespondent
from commissioning.store.models import Participation, RoleType

NO_ORGANISATION = "(no organisation given)"
ROLE_LABELS = dict(RoleType.choices)


@dataclass
class SurveyData:
    """A survey's (or several surveys') answers as the analytics want them."""

    edges: pd.DataFrame  # respondent, source, source_type, weight (person keys)
    invited: pd.DataFrame  # respondent, organisation, organisation_kind, role_type, responded
    types: dict[str, str]  # person key -> role
    organisations: dict[str, str]  # person key -> organisation name
    labels: dict[str, str] = field(default_factory=dict)  # person key -> pseudonym


def _mode(values: list[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    top = max(counts.values())
    return sorted(v for v, n in counts.items() if n == top)[0]


def survey_data(surveys, community_id: int, source_types: list[str] | None = None) -> SurveyData:
    """Edges and the invited list for ``surveys`` (a queryset), optionally of some source types."""
    respondents = list(
        SurveyRespondent.objects.filter(survey__in=surveys).select_related("organisation")
    )
    invited_rows = {}
    types: dict[str, list[str]] = {}
    orgs: dict[str, list[str]] = {}
    for r in respondents:
        key = person_key(r.name)
        org = r.organisation.name if r.organisation else NO_ORGANISATION
        kind = r.organisation.get_kind_display() if r.organisation else NO_ORGANISATION
        previous = invited_rows.get(key)
        responded = r.responded or bool(previous and previous["responded"])
        invited_rows[key] = {
            "respondent": key,
            "organisation": org,
            "organisation_kind": kind,
            "role_type": r.role_type,
            "responded": responded,
        }
        types.setdefault(key, []).append(r.role_type)
        orgs.setdefault(key, []).append(org if r.organisation else "")
    respondent_keys = set(invited_rows)
    rows = []
    named_types: dict[str, list[str]] = {}
    for n in Nomination.objects.filter(respondent__survey__in=surveys).select_related(
        "respondent", "source_organisation"
    ):
        who, source = person_key(n.respondent.name), person_key(n.source_name)
        if not source or source == who:
            continue
        rows.append((who, source, n.source_type, float(n.strength)))
        named_types.setdefault(source, []).append(n.source_type)
        if source not in respondent_keys:
            orgs.setdefault(source, []).append(
                n.source_organisation.name if n.source_organisation else ""
            )
    final_types = {k: _mode(v) for k, v in named_types.items()}
    final_types.update({k: _mode(v) for k, v in types.items()})  # a respondent's own role wins
    edges = pd.DataFrame(rows, columns=["respondent", "source", "source_type", "weight"])
    edges["source_type"] = edges["source"].map(final_types).fillna(edges["source_type"])
    if source_types:
        edges = edges[edges["source_type"].isin(set(source_types))].reset_index(drop=True)
    invited = pd.DataFrame(
        list(invited_rows.values()),
        columns=["respondent", "organisation", "organisation_kind", "role_type", "responded"],
    )
    everyone = respondent_keys | set(edges["source"])
    data = SurveyData(
        edges=edges,
        invited=invited,
        types=final_types,
        organisations={k: _mode(v) for k, v in orgs.items()},
    )
    data.labels = pseudonyms(community_id, everyone) if everyone else {}
    return data


def _label_nodes(table: pd.DataFrame, data: SurveyData) -> pd.DataFrame:
    out = table.copy()
    out["label"] = out["id"].map(lambda k: data.labels.get(k, k))
    out["organisation"] = out["id"].map(lambda k: data.organisations.get(k, ""))
    return out


@dataclass
class NetworkResult:
    nodes: pd.DataFrame
    links: pd.DataFrame
    by_type: pd.DataFrame
    reach: dict
    sensitivity: dict | None
    respondents: int
    invited: int


def analyse(data: SurveyData) -> NetworkResult:
    answered = data.invited.loc[data.invited["responded"], "respondent"].tolist()
    graph = build_network(data.edges, respondents=answered, types=data.types)
    nodes = _label_nodes(node_measures(graph), data)
    links = pd.DataFrame(
        [(u, v, d["weight"]) for u, v, d in graph.edges(data=True)],
        columns=["source", "target", "weight"],
    )
    sens = None
    if len(data.invited) and (~data.invited["responded"]).any() and graph.number_of_edges():
        tidy = data.edges.copy()
        sens = sensitivity(graph, tidy, data.invited[["respondent", "organisation", "responded"]])
        for scenario in ("dropped", "imputed"):
            part = sens[scenario]
            for name in ("top_observed", "top_recomputed"):
                part[name] = [data.labels.get(k, k) for k in part[name]]
    return NetworkResult(
        nodes=nodes,
        links=links,
        by_type=by_source_type(graph),
        reach=commissioner_reach(graph),
        sensitivity=sens,
        respondents=len(answered),
        invited=len(data.invited),
    )


def response_tables(invited: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Response rates by practice, by organisation type and by role, each with a total row."""
    out = {}
    for by, label in (
        ("organisation", "All organisations"),
        ("organisation_kind", "All organisation types"),
        ("role_type", "All roles"),
    ):
        frame = invited.rename(columns={by: "group"})[["group", "responded"]].copy()
        if by == "role_type":
            frame["group"] = frame["group"].map(lambda r: ROLE_LABELS.get(r, r))
        table = response_rates(frame.assign(organisation=frame["group"]))
        table.loc[table["organisation"] == "All organisations", "organisation"] = label
        out[by] = table.rename(columns={"organisation": "group"})[
            ["group", "invited", "responded", "response_rate"]
        ]
    return out


def coparticipation(community_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (measures, pseudonymised) and links of the co-participation network."""
    rows = [
        {
            "activity": str(p["activity_id"]),
            "person": person_key(p["person__name"]),
            "hours": float(p["hours"]),
            "date": p["activity__date"],
            "person_type": p["person__role_type"],
            "organisation_type": p["person__organisation__kind"] or "",
            "organisation": p["person__organisation__name"] or "",
        }
        for p in Participation.objects.filter(activity__community_id=community_id).values(
            "activity_id",
            "person__name",
            "hours",
            "activity__date",
            "person__role_type",
            "person__organisation__kind",
            "person__organisation__name",
        )
    ]
    if not rows:
        empty = pd.DataFrame(columns=["id", "label", "type", "organisation", "degree"])
        return empty, pd.DataFrame(columns=["source", "target", "weight"])
    df = pd.DataFrame(rows)
    graph = coparticipation_network(df, weight="activities")
    table = coparticipation_measures(graph)
    labels = pseudonyms(community_id, table["id"])
    organisation = dict(zip(df["person"], df["organisation"], strict=False))
    table["label"] = table["id"].map(lambda k: labels.get(person_key(k), k))
    table["organisation"] = table["id"].map(lambda k: organisation.get(k, ""))
    table["respondent"] = True
    table["in_degree"] = table["degree"]
    links = pd.DataFrame(
        [(u, v, d["weight"]) for u, v, d in graph.edges(data=True)],
        columns=["source", "target", "weight"],
    )
    return table, links
