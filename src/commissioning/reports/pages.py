"""The in-app inbox, the subscriptions page, the Follow button and "Run my digest now".

Every page here is the signed-in user's own: another user's message or subscription answers
"page not found", exactly like one that does not exist. What a user may follow is limited to what
the access policy (:mod:`commissioning.access.policy`) lets them read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from commissioning.access.policy import visible
from commissioning.reports.alerts import KIND_LABELS, send_digests
from commissioning.reports.forms import FORMS
from commissioning.reports.models import InboxMessage, Subscription
from commissioning.store.models import CommissioningCommunity, Indicator, ServiceDevelopment

PER_PAGE = 25


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _own_messages(user):
    return InboxMessage.objects.filter(user=user).order_by("-created", "-pk")


# --- the inbox ------------------------------------------------------------------------------


def inbox(request):
    own = _own_messages(request.user)
    page = Paginator(own, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": own.filter(read=False).count(),
        "follows": Subscription.objects.filter(user=request.user).count(),
    }
    return render(request, "reports/inbox.html", context)


def _link(url) -> str:
    """Only a path inside the app becomes a link."""
    url = str(url or "")
    return url if url.startswith("/") and not url.startswith("//") else ""


def message(request, pk: int):
    msg = get_object_or_404(InboxMessage, pk=pk, user=request.user)
    if not msg.read:
        msg.read = True
        msg.save(update_fields=["read"])
    groups = []
    for kind, name in KIND_LABELS.items():
        items = [
            {**item, "url": _link(item.get("url"))}
            for item in msg.items
            if isinstance(item, dict) and item.get("kind") == kind
        ]
        if items:
            groups.append({"kind": kind, "label": name, "items": items})
    return render(request, "reports/message.html", {"msg": msg, "groups": groups})


@require_POST
def mark(request, pk: int):
    msg = get_object_or_404(InboxMessage, pk=pk, user=request.user)
    msg.read = request.POST.get("read") == "1"
    msg.save(update_fields=["read"])
    if _is_htmx(request):
        unread = _own_messages(request.user).filter(read=False).count()
        return render(request, "reports/_inbox_marked.html", {"msg": msg, "unread": unread})
    return redirect(_safe_next(request, reverse("reports:inbox")))


@require_POST
def run_digest(request):
    """Make the signed-in user's digest now (only theirs) and show the message it produced."""
    latest = _own_messages(request.user).values_list("pk", flat=True).first() or 0
    digests = send_digests(users=[request.user])
    if not digests:
        messages.info(request, "You follow nothing yet, so there is no digest to make.")
        return redirect("reports:subscriptions")
    digest = digests[0]
    new = _own_messages(request.user).filter(pk__gt=latest).first()
    if new is None:
        messages.info(request, "Nothing new since your last digest.")
        return redirect("reports:inbox")
    if digest.email_error:
        messages.warning(
            request,
            "Your digest is in your inbox, but the e-mail could not be sent "
            f"({digest.email_error}).",
        )
    elif digest.emailed:
        messages.info(request, "Your digest is in your inbox and was e-mailed to you.")
    return redirect("reports:message", pk=new.pk)


# --- subscriptions --------------------------------------------------------------------------


def follow_target(user, *, indicator=None, development=None, community=None) -> dict:
    """The fields of a subscription to these (a development is followed everywhere it is)."""
    if development is not None:
        return {"indicator": None, "development": development, "community": None}
    return {"indicator": indicator, "development": None, "community": community}


def start_following(user, target: dict) -> tuple[Subscription, bool]:
    existing = Subscription.objects.filter(user=user, **target).order_by("pk").first()
    if existing is not None:
        return existing, False
    sub = Subscription(user=user, **target)
    sub.full_clean(exclude=["user", "state"])
    sub.save()
    return sub, True


def describe(sub: Subscription, communities: set, developments: set) -> dict:
    """What a subscription follows, in words, with a link to its page if the user may read it."""
    if sub.development_id:
        dev = sub.development
        url = ""
        if dev.pk in developments:
            url = reverse("development", args=[dev.community.code, dev.slug])
        return {
            "what": "Service development",
            "name": dev.title,
            "where": dev.community.name,
            "url": url,
        }
    if sub.indicator_id:
        where = sub.community.name if sub.community_id else "Every community you can see"
        url = ""
        if sub.community_id and sub.community_id in communities:
            url = reverse("community-monitoring", args=[sub.community.code])
        return {"what": "Indicator", "name": sub.indicator.name, "where": where, "url": url}
    url = ""
    if sub.community_id in communities:
        url = reverse("community", args=[sub.community.code])
    return {"what": "Commissioning community", "name": sub.community.name, "where": "", "url": url}


def _name(sub: Subscription) -> str:
    what = describe(sub, set(), set())
    if sub.indicator_id and not sub.community_id:
        return f"{what['name']} in every community you can see"
    return what["name"] + (f" in {what['where']}" if what["where"] else "")


def subscriptions(request):
    user = request.user
    forms = {kind: form(user) for kind, form in FORMS.items()}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in FORMS:
            return HttpResponseBadRequest(
                "Choose what to follow: an indicator, a development or a community.",
                content_type="text/plain; charset=utf-8",
            )
        form = FORMS[kind](user, request.POST)
        forms[kind] = form
        if form.is_valid():
            sub, created = start_following(user, follow_target(user, **form.target()))
            name = _name(sub)
            if created:
                messages.success(request, f"You now follow {name}.")
            else:
                messages.info(request, f"You already follow {name}.")
            return redirect("reports:subscriptions")
        status = 400
    communities = set(visible(user, CommissioningCommunity).values_list("pk", flat=True))
    developments = set(visible(user, ServiceDevelopment).values_list("pk", flat=True))
    rows = [
        {"sub": sub, **describe(sub, communities, developments)}
        for sub in Subscription.objects.filter(user=user)
        .select_related("indicator", "development__community", "community")
        .order_by("pk")
    ]
    errors = [(f, f.errors) for f in forms.values() if f.is_bound and f.errors]
    context = {"rows": rows, "forms": forms, "errors": errors, "has_email": bool(user.email)}
    return render(request, "reports/subscriptions.html", context, status=status)


@require_POST
def remove(request, pk: int):
    sub = get_object_or_404(
        Subscription.objects.select_related("indicator", "development__community", "community"),
        pk=pk,
        user=request.user,
    )
    name = _name(sub)
    sub.delete()
    messages.success(request, f"You no longer follow {name}.")
    return redirect("reports:subscriptions")


@require_POST
def toggle_email(request, pk: int):
    sub = get_object_or_404(Subscription, pk=pk, user=request.user)
    sub.by_email = request.POST.get("by_email") == "1"
    sub.save(update_fields=["by_email"])
    return redirect("reports:subscriptions")


# --- the Follow button ----------------------------------------------------------------------


def _posted_id(request, name: str) -> int | None:
    raw = request.POST.get(name, "")
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404("Not found") from None


def _visible_one(user, model, pk):
    if pk is None:
        return None
    obj = visible(user, model).filter(pk=pk).first()
    if obj is None:
        raise Http404("Not found")
    return obj


@require_POST
def follow(request):
    """Follow or unfollow (``action``) an indicator in a community, a development or a community."""
    user = request.user
    indicator = _visible_one(user, Indicator, _posted_id(request, "indicator"))
    development = _visible_one(user, ServiceDevelopment, _posted_id(request, "development"))
    community = _visible_one(user, CommissioningCommunity, _posted_id(request, "community"))
    if not (indicator or development or community) or (indicator and development):
        return HttpResponseBadRequest(
            "Follow an indicator, a development or a community.",
            content_type="text/plain; charset=utf-8",
        )
    target = follow_target(user, indicator=indicator, development=development, community=community)
    if request.POST.get("action") == "unfollow":
        Subscription.objects.filter(user=user, **target).delete()
    else:
        start_following(user, target)
    next_url = _safe_next(request, reverse("reports:subscriptions"))
    if _is_htmx(request):
        context = {
            "follow_indicator": indicator,
            "follow_development": development,
            "follow_community": community,
            "follow_next": next_url,
        }
        return render(request, "reports/_follow.html", context)
    return redirect(next_url)
