"""Pages: the survey builder (commissioners), the public response form and the network page.

Access follows :mod:`commissioning.access.policy`: a community's commissioners build and run
its surveys, its viewers read them (and cannot change anything), providers and other
communities get "page not found". The response page ``/s/<token>/`` needs no account: the
one-time token is the respondent's only key, and it shows nothing but the question and their
own form.
"""

from __future__ import annotations

import math

import pandas as pd
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from commissioning.access import policy
from commissioning.access.communities import community_or_404, visible_communities
from commissioning.access.policy import ADD, CHANGE, scope_of
from commissioning.analytics.disclosure import configured_policy, suppress
from commissioning.errors import InputError
from commissioning.networks import drawing, logic, network
from commissioning.networks.forms import (
    NobodyForm,
    PeopleForm,
    SurveyForm,
    UploadForm,
    nomination_formset,
)
from commissioning.networks.models import Survey, SurveyRespondent, hash_token
from commissioning.store.audit import acting_as
from commissioning.store.models import Condition, Person, Role, RoleType
from commissioning.store.models.audit import Channel
from commissioning.tables import csv_text

ROLE_LABELS = dict(RoleType.choices)
TOKEN_FAILURES_ALLOWED = 20
TOKEN_WINDOW = 15 * 60
RESPONDENTS_CSV_HELP = (
    "Columns name, organisation_ods, role (for example gp) and, optionally, email. "
    "One row per person."
)
RESPONSES_CSV_HELP = (
    "Columns respondent (the name as listed), source, source_type (for example "
    "specialist_nurse) and weight (how often, 1 to 5). A respondent's rows replace any answer "
    "they gave before."
)


# ---------------------------------------------------------------------------------------------
# Helpers


def _community(request, code: str):
    scope = scope_of(request.user)
    if scope is not None and scope.role == Role.PROVIDER:
        raise Http404("Not found")
    return community_or_404(request.user, code)


def _survey(request, code: str, pk: int):
    community = _community(request, code)
    survey = policy.visible_or_404(
        request.user, Survey.objects.filter(community=community).select_related("condition"), pk=pk
    )
    return community, survey


def _require_edit(request, survey: Survey) -> None:
    if not policy.can_edit(request.user, survey, CHANGE):
        raise PermissionDenied("Only the community's commissioners change its surveys.")


def _label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _cell(value, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column in {"type", "source_type", "role_type"}:
        return ROLE_LABELS.get(value, str(value))
    if column.endswith("rate") or column.startswith("share"):
        return value if isinstance(value, str) else f"{float(value):.0%}"
    if isinstance(value, float):
        return (
            f"{value:.3f}"
            if column in {"pagerank", "betweenness", "eigenvector"}
            else (f"{value:,.0f}" if value == int(value) else f"{value:,.2f}")
        )
    return str(value)


def frame_table(df: pd.DataFrame, columns: dict[str, str]) -> dict:
    """Headers and formatted rows for ``web/_frame_table.html``; ``columns`` maps to labels."""
    numeric = {c for c in columns if c in df and pd.api.types.is_numeric_dtype(df[c])}
    numeric -= {"respondent"}
    return {
        "headers": [{"label": label, "numeric": c in numeric} for c, label in columns.items()],
        "rows": [
            [{"text": _cell(row[c], c), "numeric": c in numeric} for c in columns]
            for _, row in df.iterrows()
        ],
    }


# ---------------------------------------------------------------------------------------------
# The builder


@require_GET
def survey_list(request, code: str):
    community = _community(request, code)
    surveys = policy.visible(request.user, Survey).filter(community=community)
    rows = []
    for s in surveys.select_related("condition"):
        invited = s.respondents.count()
        answered = s.respondents.filter(responded_at__isnull=False).count()
        rows.append({"survey": s, "invited": invited, "answered": answered})
    return render(
        request,
        "surveys/list.html",
        {
            "community": community,
            "rows": rows,
            "can_add": policy.editable(request.user, Survey, ADD),
        },
    )


def survey_create(request, code: str):
    community = _community(request, code)
    if not policy.editable(request.user, Survey, ADD):
        raise PermissionDenied("Only the community's commissioners create surveys.")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = form.save(commit=False)
        survey.community = community
        survey.created_by = request.user
        if not policy.can_edit(request.user, survey, ADD):
            raise PermissionDenied("Only the community's commissioners create surveys.")
        survey.save()
        messages.success(request, "Survey created. Now add the people to invite.")
        return redirect("surveys:detail", code=community.code, pk=survey.pk)
    return render(request, "surveys/create.html", {"community": community, "form": form})


def _detail_context(request, community, survey, **extra) -> dict:
    respondents = list(survey.respondents.select_related("organisation"))
    people = Person.objects.filter(communities=community).select_related("organisation")
    can_edit = policy.can_edit(request.user, survey, CHANGE)
    answered = sum(1 for r in respondents if r.responded)
    return {
        "community": community,
        "survey": survey,
        "respondents": respondents,
        "answered": answered,
        "without_link": sum(1 for r in respondents if not r.responded and not r.token_hash),
        "can_edit": can_edit,
        "people_form": PeopleForm(people=people) if can_edit else None,
        "respondents_upload": UploadForm(help_text=RESPONDENTS_CSV_HELP),
        "responses_upload": UploadForm(help_text=RESPONSES_CSV_HELP),
        "is_open": survey.is_open_on(timezone.localdate()),
        **extra,
    }


@require_GET
def survey_detail(request, code: str, pk: int):
    community, survey = _survey(request, code, pk)
    return render(request, "surveys/detail.html", _detail_context(request, community, survey))


@require_POST
def add_people(request, code: str, pk: int):
    community, survey = _survey(request, code, pk)
    _require_edit(request, survey)
    people = Person.objects.filter(communities=community).select_related("organisation")
    form = PeopleForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, "Choose at least one person to invite.")
        return redirect("surveys:detail", code=code, pk=pk)
    added = logic.add_respondents(
        survey,
        [(p.name, p.organisation, p.role_type, p.email) for p in form.cleaned_data["people"]],
    )
    messages.success(
        request, f"Added {added.added} people; {added.already_listed} were already listed."
    )
    return redirect("surveys:detail", code=code, pk=pk)


def _upload(request, community, survey, action, what: str):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        ctx = _detail_context(request, community, survey, problems=problems, problem_title=what)
        return None, render(request, "surveys/detail.html", ctx, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = action(upload.read(), upload.name)
    except InputError as exc:
        problems = [str(p) for p in exc.problems]
        if exc.more:
            problems.append(f"... and {exc.more} more problems")
        ctx = _detail_context(request, community, survey, problems=problems, problem_title=what)
        return None, render(request, "surveys/detail.html", ctx, status=400)
    return result, None


@require_POST
def upload_respondents(request, code: str, pk: int):
    community, survey = _survey(request, code, pk)
    _require_edit(request, survey)
    organisations = _organisations(community)
    result, failed = _upload(
        request,
        community,
        survey,
        lambda data, name: logic.respondents_from_csv(survey, data, name, organisations),
        "The list of respondents was not added",
    )
    if failed:
        return failed
    messages.success(
        request,
        f"Added {result.added} people from the file; {result.already_listed} were already listed.",
    )
    return redirect("surveys:detail", code=code, pk=pk)


def _organisations(community):
    from commissioning.store.models import Organisation

    return Organisation.objects.filter(pk__in=policy.community_organisations(community.pk))


@require_POST
def import_responses(request, code: str, pk: int):
    community, survey = _survey(request, code, pk)
    _require_edit(request, survey)
    result, failed = _upload(
        request,
        community,
        survey,
        lambda data, name: logic.responses_from_csv(survey, data, name),
        "The answers were not imported: nothing was changed",
    )
    if failed:
        return failed
    messages.success(
        request,
        f"Imported {result['nominations']} answers from {result['respondents']} respondents.",
    )
    return redirect("surveys:detail", code=code, pk=pk)


def _link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("surveys:respond", args=[token]))


@require_POST
def make_links(request, code: str, pk: int):
    """New one-time links, shown once (page) or downloaded once (CSV); never stored."""
    community, survey = _survey(request, code, pk)
    _require_edit(request, survey)
    which = request.POST.get("which", "new")
    pending = survey.respondents.filter(responded_at__isnull=True).select_related("organisation")
    if which == "new":
        chosen = pending.filter(token_hash__isnull=True)
    elif which == "unanswered":
        chosen = pending
    else:
        try:
            chosen = pending.filter(pk=int(which))
        except ValueError:
            raise Http404("Not found") from None
    with transaction.atomic():
        links = [(r, _link(request, logic.issue_link(r))) for r in chosen]
    if request.POST.get("format") == "csv":
        rows = [
            [r.name, r.organisation.name if r.organisation else "", r.email, link]
            for r, link in links
        ]
        body = csv_text(rows, ["name", "organisation", "email", "link"], lineterminator="\r\n")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-links.csv"'
    else:
        response = render(
            request,
            "surveys/links.html",
            {"community": community, "survey": survey, "links": links},
        )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def send_reminders(request, code: str, pk: int):
    """Remind the chosen non-responders: by e-mail with a new link where we have an address,
    otherwise recorded as reminded (the commissioner reminds them another way)."""
    community, survey = _survey(request, code, pk)
    _require_edit(request, survey)
    ids = [int(i) for i in request.POST.getlist("respondent") if i.isdigit()]
    chosen = survey.respondents.filter(pk__in=ids, responded_at__isnull=True)
    emailed = by_hand = failed = 0
    for r in chosen:
        if r.email:
            try:
                with transaction.atomic():
                    link = _link(request, logic.issue_link(r))
                    send_mail(
                        f"Reminder: {survey.title}",
                        f"{survey.question}\n\nPlease answer here (the link works once):\n{link}\n",
                        None,
                        [r.email],
                    )
                    logic.record_reminder(r)
                emailed += 1
            except Exception:  # an unreachable or refusing mail server: nothing is changed
                failed += 1
        else:
            logic.record_reminder(r)
            by_hand += 1
    text = (
        f"Reminders: {emailed} sent by e-mail with a new link, {by_hand} recorded to give by hand."
    )
    if failed:
        text += f" {failed} e-mails could not be sent (the mail server did not accept them)."
    messages.success(request, text)
    return redirect("surveys:rates", code=code, pk=pk)


@require_GET
def response_rates(request, code: str, pk: int):
    community, survey = _survey(request, code, pk)
    data = network.survey_data(Survey.objects.filter(pk=survey.pk), community.pk)
    tables = network.response_tables(data.invited) if len(data.invited) else {}
    columns = {
        "group": "Group",
        "invited": "Invited",
        "responded": "Responded",
        "response_rate": "Response rate",
    }
    non_responders = survey.respondents.filter(responded_at__isnull=True).select_related(
        "organisation"
    )
    return render(
        request,
        "surveys/rates.html",
        {
            "community": community,
            "survey": survey,
            "tables": {k: frame_table(v, columns) for k, v in tables.items()},
            "non_responders": non_responders,
            "can_edit": policy.can_edit(request.user, survey, CHANGE),
            "invited": len(data.invited),
            "answered": int(data.invited["responded"].sum()) if len(data.invited) else 0,
            "suppression": configured_policy().describe(),
        },
    )


@require_GET
def response_rates_csv(request, code: str, pk: int):
    """Response rates for reports: by organisation type and overall, small counts suppressed."""
    community, survey = _survey(request, code, pk)
    data = network.survey_data(Survey.objects.filter(pk=survey.pk), community.pk)
    if not len(data.invited):
        raise Http404("Nobody is invited yet")
    table = network.response_tables(data.invited)["organisation_kind"]
    shown = suppress(
        table,
        ["invited", "responded"],
        derived={"response_rate": ("responded", "invited")},
        policy=configured_policy(),
    )
    response = HttpResponse(csv_text(shown), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-response.csv"'
    return response


# ---------------------------------------------------------------------------------------------
# The public response page


def _throttled(request) -> bool:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return (cache.get(f"surveys:bad-token:{address}") or 0) >= TOKEN_FAILURES_ALLOWED


def _bad_token(request) -> None:
    key = f"surveys:bad-token:{request.META.get('REMOTE_ADDR') or 'unknown'}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, TOKEN_WINDOW)


def _message(request, title: str, text: str, status: int):
    response = render(
        request, "surveys/respond_message.html", {"title": title, "text": text}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def respond(request, token: str):
    if _throttled(request):
        return _message(
            request,
            "Too many attempts",
            "Too many links that do not work have been tried from this computer. Wait 15 "
            "minutes, then use the link you were sent.",
            429,
        )
    respondent = logic.respondent_for_token(token)
    if respondent is None:
        used = (
            len(token) <= 100
            and SurveyRespondent.objects.filter(used_token_hash=hash_token(token)).exists()
        )
        if used:
            return _message(
                request,
                "This link has already been used",
                "Thank you: an answer has already been given with this link, and each link "
                "works once. If you need to change your answer, ask the person who sent it.",
                410,
            )
        _bad_token(request)
        return _message(
            request,
            "This link does not work",
            "Check that you copied the whole link. It may have been replaced by a newer one: "
            "use the latest link you were sent.",
            404,
        )
    survey = respondent.survey
    today = timezone.localdate()
    if survey.closes and today > survey.closes:
        return _message(
            request,
            "This survey has closed",
            f"It closed on {survey.closes:%-d %B %Y}. Thank you for your interest.",
            410,
        )
    if survey.opens and today < survey.opens:
        return _message(
            request, "This survey is not open yet", f"It opens on {survey.opens:%-d %B %Y}.", 200
        )
    organisations = _organisations(survey.community).order_by("name")
    FormSet = nomination_formset(survey.max_sources)
    kwargs = {"organisations": organisations, "own_name": respondent.name}
    if request.method == "POST":
        formset = FormSet(request.POST, prefix="n", form_kwargs=kwargs)
        nobody = NobodyForm(request.POST)
        if formset.is_valid() and nobody.is_valid():
            answers = [
                logic.Answer(
                    f.cleaned_data["source_name"],
                    f.cleaned_data["source_type"],
                    f.cleaned_data.get("source_organisation"),
                    f.cleaned_data["strength"],
                )
                for f in formset.forms
                if f.cleaned_data.get("source_name")
            ]
            if not answers and not nobody.cleaned_data["nobody"]:
                nobody.add_error(
                    "nobody",
                    "Name at least one person or team, or tick to say you go to nobody.",
                )
            else:
                with transaction.atomic():
                    locked = (
                        SurveyRespondent.objects.select_for_update()
                        .filter(pk=respondent.pk, token_hash=hash_token(token))
                        .first()
                    )
                    if locked is None:
                        return _message(
                            request,
                            "This link has already been used",
                            "An answer has already been given with this link.",
                            410,
                        )
                    # no account: the audit trail names the respondent by pseudonym only
                    with acting_as(
                        None, Channel.WEB, username=f"survey respondent {locked.pseudonym}"
                    ):
                        logic.save_answer(locked, answers, "web")
                return _message(
                    request,
                    "Thank you",
                    "Your answer has been recorded. You can close this page.",
                    200,
                )
    else:
        formset = FormSet(prefix="n", form_kwargs=kwargs)
        nobody = NobodyForm()
    response = render(
        request,
        "surveys/respond.html",
        {"survey": survey, "formset": formset, "nobody": nobody},
        status=400 if request.method == "POST" else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The network page


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
    community = _community(request, code)
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
    community = _community(request, code)
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
