"""The public response page ``/s/<token>/``: a respondent's one-time link to the survey.

It needs no account: the one-time token is the respondent's only key, and the page shows
nothing but the question and their own form. Too many links that do not work from one address
and it refuses for a while.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from commissioning.networks import logic
from commissioning.networks.forms import NobodyForm, nomination_formset
from commissioning.networks.models import SurveyRespondent, hash_token
from commissioning.networks.records import organisations_of
from commissioning.store.audit import acting_as
from commissioning.store.models.audit import Channel

TOKEN_FAILURES_ALLOWED = 20
TOKEN_WINDOW = 15 * 60


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
    organisations = organisations_of(survey.community).order_by("name")
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
