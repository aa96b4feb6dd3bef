"""The evidence pages: list and search, add, detail and coding, framework matrix, calendar."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from commissioning.access.communities import community_or_404
from commissioning.access.policy import ADD, editable, visible
from commissioning.errors import UserError
from commissioning.evidence import calendar, framework
from commissioning.evidence.codebook import THEME, codes_for
from commissioning.evidence.forms import CalendarForm, CodingForm, UploadForm
from commissioning.evidence.log import add_evidence, code_quote
from commissioning.evidence.models import Evidence, ProposalStatus, ProposedActivity
from commissioning.evidence.search import search


def _evidence_of(request, community):
    return visible(request.user, Evidence.objects.filter(community=community))


def can_change(user, community) -> bool:
    """Commissioners of the community (which they must see) and administrators add and code
    evidence and review calendar proposals."""
    return editable(user, Evidence, ADD)


def _must_change(request, community) -> None:
    if not can_change(request.user, community):
        raise PermissionDenied("Only the community's commissioners can do this")


def evidence_list(request, code):
    community = community_or_404(request.user, code)
    evidence = _evidence_of(request, community).select_related("development")
    query = request.GET.get("q", "").strip()
    theme = request.GET.get("code", "")
    codes = codes_for(community)
    if theme:
        evidence = evidence.filter(passages__codes__key=theme).distinct()
    results = search(query, evidence) if query else [(ev, None) for ev in evidence]
    return render(
        request,
        "evidence/list.html",
        {
            "community": community,
            "results": results,
            "query": query,
            "theme": theme,
            "codes": codes,
            "can_change": can_change(request.user, community),
        },
    )


@require_http_methods(["GET", "POST"])
def evidence_add(request, code):
    community = community_or_404(request.user, code)
    _must_change(request, community)
    form = UploadForm(request.POST or None, request.FILES or None, community=community)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        d = form.cleaned_data
        try:
            evidence = add_evidence(
                community,
                upload.name,
                data,
                kind=d["kind"] or None,
                confidentiality=d["confidentiality"],
                development=d["development"],
                activity=d["activity"],
                title=d["title"],
                author=d["author"],
                date=d["date"],
                user=request.user,
            )
        except UserError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"Added “{evidence.title}”.")
            return redirect("evidence:detail", code=community.code, pk=evidence.pk)
    return render(request, "evidence/add.html", {"community": community, "form": form})


def _segments(evidence, passages) -> list[tuple[str, bool]]:
    """The text cut into stretches, each marked as coded or not."""
    text = evidence.text
    coded = [False] * len(text)
    for p in passages:
        for i in range(p.start, min(p.end, len(text))):
            coded[i] = True
    out: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or coded[i] != coded[start]:
            out.append((text[start:i], coded[start]))
            start = i
    return out


@require_http_methods(["GET", "POST"])
def evidence_detail(request, code, pk):
    community = community_or_404(request.user, code)
    evidence = _evidence_of(request, community).filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence")
    allowed = can_change(request.user, community)
    form = CodingForm(request.POST or None, codes=codes_for(community))
    if request.method == "POST":
        _must_change(request, community)
        if form.is_valid():
            try:
                code_quote(
                    evidence,
                    form.cleaned_data["quote"],
                    form.cleaned_data["codes"],
                    form.cleaned_data["memo"],
                )
            except UserError as exc:
                form.add_error("quote", str(exc))
            else:
                messages.success(request, "Passage coded.")
                return redirect("evidence:detail", code=community.code, pk=evidence.pk)
    passages = list(evidence.passages.prefetch_related("codes"))
    return render(
        request,
        "evidence/detail.html",
        {
            "community": community,
            "evidence": evidence,
            "passages": passages,
            "segments": _segments(evidence, passages),
            "form": form if allowed else None,
        },
    )


def evidence_file(request, code, pk):
    community = community_or_404(request.user, code)
    evidence = _evidence_of(request, community).filter(pk=pk).first()
    if evidence is None or not evidence.filename:
        raise Http404("No such evidence")
    response = HttpResponse(bytes(evidence.content), content_type="application/octet-stream")
    name = evidence.filename.replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def framework_matrix(request, code):
    community = community_or_404(request.user, code)
    codes = codes_for(community).filter(group=THEME)
    matrix = framework.build(_evidence_of(request, community), codes)
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        framework.to_xlsx(matrix, buffer, title=f"{community.name}: framework matrix")
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{community.code}-framework.xlsx"'
        return response
    return render(
        request,
        "evidence/framework.html",
        {"community": community, "matrix": matrix, "table": matrix.table()},
    )


@require_http_methods(["GET", "POST"])
def calendar_review(request, code):
    community = community_or_404(request.user, code)
    _must_change(request, community)
    proposals = (
        ProposedActivity.objects.filter(community=community)
        .select_related("development")
        .prefetch_related("people")
    )
    form = CalendarForm()
    action = request.POST.get("action")
    if request.method == "POST" and action == "import":
        form = CalendarForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            upload = d["file"]
            try:
                rules = calendar.parse_rules(d["rules"], "rules", community) if d["rules"] else []
                result = calendar.propose(
                    community, upload.name, upload.read(), rules, d["since"], d["until"]
                )
            except UserError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"{len(result.proposals)} events: {result.added} new, {result.updated} "
                    f"brought up to date, {result.kept} already reviewed.",
                )
                return redirect("evidence:calendar", code=community.code)
    elif request.method == "POST" and action in ("review", "apply"):
        waiting = proposals.filter(status__in=[ProposalStatus.PROPOSED, ProposalStatus.APPROVED])
        for proposal in waiting:
            decision = request.POST.get(f"decision-{proposal.pk}")
            if (
                decision
                in (ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.PROPOSED)
                and decision != proposal.status
            ):
                proposal.status = decision
                proposal.save(update_fields=["status"])
        if action == "apply":
            made = calendar.apply(proposals.filter(status=ProposalStatus.APPROVED))
            messages.success(request, f"Saved {len(made)} activities.")
        else:
            messages.success(request, "Decisions saved.")
        return redirect(reverse("evidence:calendar", kwargs={"code": community.code}))
    return render(
        request,
        "evidence/calendar.html",
        {"community": community, "form": form, "proposals": proposals},
    )
