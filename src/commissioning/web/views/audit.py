"""The audit trail page for administrators: filter by person, record and date; export CSV."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from commissioning.access.policy import is_admin
from commissioning.store.models import AuditRecord
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
