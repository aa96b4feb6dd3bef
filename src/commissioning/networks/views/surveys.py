"""Pages of the survey builder: a community's surveys, a new survey, one survey (the people
invited, lists and answers uploaded, one-time links, reminders) and its response rates.

A community's commissioners build and run its surveys; its viewers read them (and cannot change
anything); providers and other communities get "page not found".
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from commissioning.access import policy
from commissioning.access.policy import ADD, CHANGE
from commissioning.analytics.disclosure import configured_policy, suppress
from commissioning.errors import InputError
from commissioning.networks import logic, network
from commissioning.networks.forms import PeopleForm, SurveyForm, UploadForm
from commissioning.networks.models import Survey
from commissioning.networks.records import (
    community_for,
    organisations_of,
    require_edit,
    survey_for,
)
from commissioning.networks.tables import frame_table
from commissioning.store.models import Person
from commissioning.tables import csv_text

RESPONDENTS_CSV_HELP = (
    "Columns name, organisation_ods, role (for example gp) and, optionally, email. "
    "One row per person."
)
RESPONSES_CSV_HELP = (
    "Columns respondent (the name as listed), source, source_type (for example "
    "specialist_nurse) and weight (how often, 1 to 5). A respondent's rows replace any answer "
    "they gave before."
)


@require_GET
def survey_list(request, code: str):
    community = community_for(request, code)
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
    community = community_for(request, code)
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
    community, survey = survey_for(request, code, pk)
    return render(request, "surveys/detail.html", _detail_context(request, community, survey))


@require_POST
def add_people(request, code: str, pk: int):
    community, survey = survey_for(request, code, pk)
    require_edit(request, survey)
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
    community, survey = survey_for(request, code, pk)
    require_edit(request, survey)
    organisations = organisations_of(community)
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


@require_POST
def import_responses(request, code: str, pk: int):
    community, survey = survey_for(request, code, pk)
    require_edit(request, survey)
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
    community, survey = survey_for(request, code, pk)
    require_edit(request, survey)
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
    community, survey = survey_for(request, code, pk)
    require_edit(request, survey)
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
    community, survey = survey_for(request, code, pk)
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
    community, survey = survey_for(request, code, pk)
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
