"""The audit trail pages for administrators: filter by person, record and date; export CSV;
the history of imports, one import's changes, and undoing an import."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from commissioning.access.policy import is_admin, may_undo_imports
from commissioning.errors import UserError
from commissioning.ingest.undo import (
    UndoRefused,
    counts_text,
    find_conflicts,
    refusal,
    undo,
    when_text,
)
from commissioning.store.models import AuditRecord, Import
from commissioning.store.models.audit import Action, Channel
from commissioning.tables import write_csv


class AuditFilter(forms.Form):
    person = forms.CharField(required=False, max_length=150, label="Person (user name)")
    record = forms.CharField(
        required=False,
        max_length=250,
        label="Record",
        help_text="Part of the record's name, its kind (for example store.contract) or its id",
    )
    action = forms.ChoiceField(required=False, choices=[("", "Any")] + Action.choices)
    channel = forms.ChoiceField(
        required=False, choices=[("", "Any")] + Channel.choices, label="Made through"
    )
    date_from = forms.DateField(
        required=False, label="From (dd/mm/yyyy)", input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    date_to = forms.DateField(
        required=False, label="To (dd/mm/yyyy)", input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data


def filtered(form: AuditFilter):
    records = AuditRecord.objects.all()
    if not form.is_valid():
        return records.none()
    data = form.cleaned_data
    if data["person"]:
        records = records.filter(username__icontains=data["person"])
    if data["record"]:
        term = data["record"]
        records = (
            records.filter(object_repr__icontains=term)
            | records.filter(model__iexact=term)
            | records.filter(object_id=term)
        )
    if data["action"]:
        records = records.filter(action=data["action"])
    if data["channel"]:
        records = records.filter(channel=data["channel"])
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz)
        records = records.filter(when__gte=start)
    if data["date_to"]:
        end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        records = records.filter(when__lt=end)
    return records.order_by("-when", "-id")


def audit(request):
    if not is_admin(request.user):
        raise Http404("No such page")
    form = AuditFilter(request.GET or None)
    records = filtered(form) if request.GET else AuditRecord.objects.order_by("-when", "-id")
    if request.GET.get("format") == "csv" and (form.is_valid() or not request.GET):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        rows = (
            [
                timezone.localtime(r.when).isoformat(timespec="seconds"),
                r.username,
                r.channel,
                r.action,
                r.model,
                r.object_id,
                r.object_repr,
                "" if r.before is None else str(r.before),
                "" if r.after is None else str(r.after),
            ]
            for r in records.iterator()
        )
        columns = ["when", "person", "made through", "action", "kind", "id", "record"]
        write_csv(rows, response, [*columns, "before", "after"], lineterminator="\r\n")
        return response
    status = 400 if request.GET and not form.is_valid() else 200
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "web/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )


# -- imports: their history and undo -----------------------------------------------------------

IMPORTS_PAGE = 50
CHANGES_PAGE = 25
CONFLICTS_SHOWN = 50


def _imports_allowed(request) -> None:
    if not may_undo_imports(request.user):
        raise Http404("No such page")


def _status(imp) -> dict:
    """What became of an import: undone (by whom, when), an undo, or standing."""
    if imp.is_undo:
        return {"text": f"Undo of import {imp.undoes_id}", "link": imp.undoes_id}
    done = imp.undo
    if done is not None:
        return {
            "text": f"Undone on {when_text(done.when)} by {done.username or 'system'}",
            "link": done.pk,
        }
    return {"text": "", "link": None}


def _count_rows(imp) -> list[dict]:
    from commissioning.ingest.kinds import ALL_KINDS

    rows = []
    for name, c in (imp.counts or {}).items():
        kind = ALL_KINDS.get(name)
        rows.append({"name": name, "title": kind.title if kind else name, **c})
    return rows


def imports(request):
    """Every import that changed anything, newest first: who, when, files, counts."""
    _imports_allowed(request)
    records = Import.objects.select_related("undoes").order_by("-when", "-id")
    page = Paginator(records, IMPORTS_PAGE).get_page(request.GET.get("page"))
    rows = [{"imp": imp, "counts": counts_text(imp), "status": _status(imp)} for imp in page]
    return render(request, "web/imports.html", {"page": page, "rows": rows})


def import_detail(request, number: int):
    """One import: its files and counts, and each record it updated, before and after."""
    _imports_allowed(request)
    imp = get_object_or_404(Import.objects.select_related("undoes"), pk=number)
    page = Paginator(imp.changes.order_by("id"), CHANGES_PAGE).get_page(request.GET.get("page"))
    added = sum(c.get("added", 0) for c in (imp.counts or {}).values())
    return render(
        request,
        "web/import_detail.html",
        {
            "imp": imp,
            "status": _status(imp),
            "count_rows": _count_rows(imp),
            "added": added,
            "page": page,
            "changes": [{"change": c, "fields": c.fields()} for c in page],
            "can_undo": refusal(imp) is None,
            "undone": request.GET.get("undone") == "1",
        },
    )


def import_undo(request, number: int):
    """Undo one import: what would stand in the way, then (POST) the undo itself."""
    _imports_allowed(request)
    imp = get_object_or_404(Import.objects.select_related("undoes"), pk=number)
    context = {"imp": imp, "status": _status(imp), "count_rows": _count_rows(imp)}
    why = refusal(imp)
    if why:
        context["refusal"] = why
        return render(request, "web/import_undo.html", context, status=409)
    if request.method == "POST":
        try:
            done = undo(imp, override=request.POST.get("override") == "yes")
        except UndoRefused as exc:
            context.update(_conflicts(exc.conflicts))
            context["error"] = str(exc).splitlines()[0]
            return render(request, "web/import_undo.html", context, status=409)
        except UserError as exc:
            context["error"] = str(exc)
            return render(request, "web/import_undo.html", context, status=400)
        return redirect(reverse("import-detail", args=[done.pk]) + "?undone=1")
    context.update(_conflicts(find_conflicts(imp)))
    return render(request, "web/import_undo.html", context)


def _conflicts(conflicts) -> dict:
    hard = [c for c in conflicts if not c.overridable]
    soft = [c for c in conflicts if c.overridable]
    return {
        "blocking": hard,
        "conflicts": soft[:CONFLICTS_SHOWN],
        "conflicts_more": max(0, len(soft) - CONFLICTS_SHOWN),
        "conflicts_total": len(soft),
    }
