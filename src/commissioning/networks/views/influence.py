"""The network page: a community's influence network from its surveys (who people go to for
advice, with the centralities and how much they depend on who answered) and its co-participation
network (people who took part in the same recorded activities), and the drawing as SVG or PNG.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from commissioning.access import policy
from commissioning.access.communities import community_or_404, visible_communities
from commissioning.networks import drawing, network
from commissioning.networks.models import Survey
from commissioning.networks.records import community_for
from commissioning.networks.tables import ROLE_LABELS, frame_table
from commissioning.store.models import Condition, RoleType

NODE_COLUMNS = {
    "label": "Person (pseudonym)",
    "type": "Role",
    "organisation": "Organisation",
    "respondent": "Answered",
    "in_degree": "Named by",
    "weighted_in_degree": "Weighted",
    "pagerank": "PageRank",
    "betweenness": "Betweenness",
    "brokerage": "Brokerage",
}
TYPE_COLUMNS = {
    "source_type": "Source type",
    "sources": "Sources",
    "ties": "Ties",
    "share_of_ties": "Share of ties",
    "share_of_weight": "Share of weight",
}
COPARTICIPATION_COLUMNS = {
    "label": "Person (pseudonym)",
    "type": "Role",
    "organisation": "Organisation",
    "degree": "People met",
    "weighted_degree": "Shared activities",
    "pagerank": "PageRank",
    "betweenness": "Betweenness",
}


def _filters(request, community):
    surveys = policy.visible(request.user, Survey).filter(community=community)
    survey_id = request.GET.get("survey", "")
    condition = request.GET.get("condition", "")
    source_types = [t for t in request.GET.getlist("source_type") if t in ROLE_LABELS]
    size = request.GET.get("size", "pagerank")
    if size not in drawing.SIZE_FIELDS:
        size = "pagerank"
    chosen = surveys.none()
    what = ""
    if survey_id.isdigit() and surveys.filter(pk=int(survey_id)).exists():
        chosen = surveys.filter(pk=int(survey_id))
        what = chosen.first().title
    elif condition and surveys.filter(condition__slug=condition).exists():
        chosen = surveys.filter(condition__slug=condition)
        what = f"every survey on {chosen.first().condition.name}"
        survey_id = ""
    else:
        latest = surveys.filter(respondents__responded_at__isnull=False).first() or surveys.first()
        if latest is not None:
            chosen = surveys.filter(pk=latest.pk)
            what = latest.title
            survey_id = str(latest.pk)
        condition = ""
    return {
        "all_surveys": surveys,
        "surveys": chosen,
        "survey_id": survey_id,
        "condition": condition,
        "source_types": source_types,
        "size": size,
        "what": what,
    }


def _query(filters) -> str:
    from urllib.parse import urlencode

    pairs = [("survey", filters["survey_id"]), ("condition", filters["condition"])]
    pairs += [("source_type", t) for t in filters["source_types"]]
    pairs.append(("size", filters["size"]))
    return urlencode([(k, v) for k, v in pairs if v])


@require_GET
def network_page(request, code: str):
    community = community_for(request, code)
    wanted = request.GET.get("community")
    if wanted and wanted != community.code:
        other = community_or_404(request.user, wanted)
        query = request.GET.copy()
        query.pop("community")
        query.pop("survey", None)
        url = reverse("surveys:network", args=[other.code])
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    f = _filters(request, community)
    ctx = {
        "community": community,
        "filters": f,
        "communities": visible_communities(request.user),
        "conditions": Condition.objects.filter(surveys__community=community).distinct(),
        "role_choices": RoleType.choices,
        "size_choices": list(drawing.SIZE_FIELDS.items()),
        "query": _query(f),
        "has_survey": f["surveys"].exists(),
    }
    if ctx["has_survey"]:
        data = network.survey_data(f["surveys"], community.pk, f["source_types"] or None)
        result = network.analyse(data)
        spec = drawing.network_spec(result.nodes, result.links, size=f["size"])
        ranked = result.nodes.copy()
        ranked.insert(0, "rank", range(1, len(ranked) + 1))
        ctx.update(
            {
                "result": result,
                "spec": spec,
                "nodes_table": frame_table(ranked, {"rank": "Rank", **NODE_COLUMNS}),
                "top_table": frame_table(
                    ranked.head(10), {"rank": "Rank", "label": "Person", "type": "Role"}
                ),
                "types_table": frame_table(result.by_type, TYPE_COLUMNS),
                "sensitivity": _sensitivity_rows(result.sensitivity),
                "description": (
                    f"Influence network for {f['what']}: {len(result.nodes)} people and teams, "
                    f"{len(result.links)} ties, {result.respondents} of {result.invited} invited "
                    "answered. Each dot is a person, coloured by role and sized by "
                    f"{drawing.SIZE_FIELDS[f['size']]}."
                ),
            }
        )
    co_nodes, co_links = network.coparticipation(community.pk)
    if len(co_nodes):
        ctx["co_spec"] = drawing.network_spec(co_nodes, co_links, size="pagerank", directed=False)
        ctx["co_table"] = frame_table(co_nodes, COPARTICIPATION_COLUMNS)
        ctx["co_description"] = (
            f"Co-participation network: {len(co_nodes)} people who took part in recorded "
            f"activities, joined when they took part in the same activity ({len(co_links)} ties)."
        )
    return render(request, "surveys/network.html", ctx)


def _sensitivity_rows(sens: dict | None) -> list[dict]:
    if not sens:
        return []
    rows = []
    for key, label in (
        ("dropped", "Non-respondents dropped"),
        ("imputed", "Non-respondents' answers imputed"),
    ):
        part = sens[key]
        rows.append(
            {
                "scenario": label,
                "nodes": part["nodes"],
                "spearman": "" if part["spearman"] is None else f"{part['spearman']:.2f}",
                "kendall": "" if part["kendall"] is None else f"{part['kendall']:.2f}",
                "top": f"{part['top_overlap']} of {part['top_n']}",
                "imputed_ties": part.get("imputed_ties", ""),
            }
        )
    return rows


@require_GET
def network_export(request, code: str, fmt: str):
    community = community_for(request, code)
    if fmt not in {"svg", "png"}:
        raise Http404("Not found")
    f = _filters(request, community)
    if not f["surveys"].exists():
        raise Http404("No survey")
    data = network.survey_data(f["surveys"], community.pk, f["source_types"] or None)
    result = network.analyse(data)
    spec = drawing.network_spec(
        result.nodes,
        result.links,
        size=f["size"],
        interactive=False,
        title=f"{community.name}: {f['what']}",
    )
    if fmt == "svg":
        response = HttpResponse(drawing.drawing_svg(spec), content_type="image/svg+xml")
    else:
        response = HttpResponse(drawing.drawing_png(spec), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{community.code}-network.{fmt}"'
    return response
