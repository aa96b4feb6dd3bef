"""Contract performance pages: the community's contracts board, one contract's performance
(lines against plan, money, forecast, incentives, variations, challenges), one line's SPC chart,
downloads (XLSX, CSV), the import of plans and actuals, and recording variations, challenges and
milestone achievement.

Everything shown comes from :mod:`commissioning.contracts.presenter`; records are read and
written through :mod:`commissioning.contracts.records`, which asks the access policy (providers
see their own contracts, viewers no money). Every chart has its figures in a table beside it;
every form works without JavaScript and shows the NHS.UK error summary.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning.access import policy
from commissioning.access.communities import community_or_404
from commissioning.contracts import importing, presenter, records
from commissioning.contracts.models import (
    ActivityChallenge,
    ContractLine,
    ContractVariation,
    Milestone,
    MilestoneStatus,
)
from commissioning.document import table_csv
from commissioning.errors import InputError, UserError
from commissioning.monitoring.presenter import variation_icon

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None


def _performance(request, code: str, reference: str):
    community = community_or_404(request.user, code)
    contract = records.contract_or_404(request.user, community, reference)
    perf = presenter.performance(request.user, contract, _year(request))
    return community, contract, perf


def _icons(perf) -> None:
    """Each line's Making Data Count variation icon (monitoring's icons and colours)."""
    for line in perf.lines:
        line.icon = variation_icon(line.point_type, line.signal)


def index(request, code: str):
    community = community_or_404(request.user, code)
    board = presenter.board(request.user, community)
    for perf in board:
        _icons(perf)
    context = {
        "community": community,
        "board": board,
        "sees_money": records.sees_money(request.user),
        "can_import": _can_import(request.user, community),
    }
    return render(request, "web/contracts/index.html", context)


def _can_import(user, community) -> bool:
    probe = ContractLine(contract=records.contracts(user, community).first())
    return probe.contract_id is not None and policy.can_edit(user, probe, policy.ADD)


def contract(request, code: str, reference: str, *, forms_=None, status=200):
    community, contract_, perf = _performance(request, code, reference)
    _icons(perf)
    can_change = records.can_change(request.user, contract_)
    context = {
        "community": community,
        "contract": contract_,
        "perf": perf,
        "can_change": can_change,
        "forms": forms_ or (_forms(contract_, perf) if can_change else {}),
        "variance_spec": presenter.variance_chart(perf),
        "variance_description": presenter.describe_variance(perf),
    }
    return render(request, "web/contracts/contract.html", context, status=status)


def line(request, code: str, reference: str, line: str):
    community, contract_, perf = _performance(request, code, reference)
    found = perf.line(line)
    if found is None:
        raise Http404("Not found")
    found.icon = variation_icon(found.point_type, found.signal)
    chart = presenter.line_chart(found)
    context = {
        "community": community,
        "contract": contract_,
        "perf": perf,
        "line": found,
        "points": chart.points,
        "chart": chart.spec,
        "description": chart.description,
    }
    return render(request, "web/contracts/line.html", context)


def download(request, code: str, reference: str, fmt: str):
    from commissioning.reports.xlsx import render_xlsx

    if fmt not in CONTENT_TYPES:
        raise Http404("Not found")
    community, contract_, perf = _performance(request, code, reference)
    report = presenter.report(request.user, perf)
    if fmt == "xlsx":
        body = render_xlsx(report)
        name = f"{contract_.reference}-performance-{perf.year}.xlsx"
    else:
        table = presenter.months_table(perf)
        if request.GET.get("table") != "months":
            table = presenter.lines_table(perf)
        body = table_csv(table)
        name = f"{contract_.reference}-{table.key}-{perf.year}.csv"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_safe(name)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)


# ---------------------------------------------------------------------------------------------
# Import of plans and actuals (the template or the Aggregate Contract Monitoring layout)


def import_page(request, code: str):
    community = community_or_404(request.user, code)
    user = request.user
    context = {"community": community, "errors": {}, "kinds": importing.KIND_NAMES}
    if not _can_import(user, community):
        context["refusal"] = (
            "Your login cannot change this community's contracts, so it cannot import their "
            "plans and activity."
        )
        return render(request, "web/contracts/import.html", context, status=403)
    if request.method != "POST":
        return render(request, "web/contracts/import.html", context)
    uploads = request.FILES.getlist("file")
    dry_run = request.POST.get("dry_run") == "yes"
    context["dry_run"] = dry_run
    if not uploads:
        context["errors"]["file"] = "Choose a CSV or Excel (.xlsx) file to import."
        return render(request, "web/contracts/import.html", context, status=400)
    with tempfile.TemporaryDirectory(prefix="commissioning-contracts-") as folder:
        paths = []
        for i, upload in enumerate(uploads):
            sub = Path(folder) / str(i)
            sub.mkdir()
            path = sub / _upload_name(upload.name)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths.append(path)
        prefixes = [f"{p.parent}/" for p in paths]

        def plain(text: str) -> str:
            for prefix in prefixes:
                text = text.replace(prefix, "")
            return text

        try:
            result = importing.import_performance(
                paths, community=community, user=user, dry_run=dry_run
            )
        except InputError as exc:
            context["problems"] = [
                dataclasses.replace(p, file=plain(p.file), message=plain(p.message))
                for p in exc.problems
            ]
            context["more"] = exc.more
            return render(request, "web/contracts/import.html", context, status=400)
        except UserError as exc:
            context["message"] = plain(str(exc))
            return render(request, "web/contracts/import.html", context, status=400)
    context["counts"] = result.counts
    context["notes"] = [plain(n) for n in result.notes]
    return render(request, "web/contracts/import.html", context)


def _upload_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    base = "".join(c if c.isalnum() or c in "._ ()-" else "_" for c in base).strip(" .")
    return (base or "upload")[-120:]


# ---------------------------------------------------------------------------------------------
# Recording variations, challenges and milestone achievement


def style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            continue
        if isinstance(widget, forms.Textarea):
            css = "nhsuk-textarea"
        elif isinstance(widget, forms.Select):
            css = "nhsuk-select"
        else:
            css = "nhsuk-input"
        widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"


class VariationForm(forms.ModelForm):
    class Meta:
        model = ContractVariation
        fields = [
            "title",
            "kind",
            "status",
            "proposed",
            "signed",
            "effective",
            "value_change",
            "new_end_date",
            "description",
            "reason",
        ]
        labels = {
            "title": "Title of the variation",
            "kind": "What it changes",
            "status": "Status",
            "proposed": "Proposed on",
            "signed": "Signed on",
            "effective": "Takes effect on",
            "value_change": "Change to the annual value (£ a year)",
            "new_end_date": "New end date",
            "description": "What changed",
            "reason": "Why",
        }
        widgets = {
            "proposed": DateInput(),
            "signed": DateInput(),
            "effective": DateInput(),
            "new_end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, sees_money: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_money:
            del self.fields["value_change"]
        style(self)

    def clean(self):
        data = super().clean()
        if data.get("status") == "signed" and not data.get("signed"):
            self.add_error("signed", "Give the date it was signed")
        return data


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = ActivityChallenge
        fields = [
            "reference",
            "raised",
            "line",
            "month",
            "kind",
            "description",
            "value",
            "status",
            "value_agreed",
            "outcome",
            "closed",
        ]
        labels = {
            "reference": "Challenge reference",
            "raised": "Raised on",
            "line": "Contract line",
            "month": "Activity month challenged (first day of the month)",
            "kind": "About",
            "description": "What is challenged",
            "value": "Value challenged (£)",
            "status": "Status",
            "value_agreed": "Credit agreed (£)",
            "outcome": "Outcome",
            "closed": "Closed on",
        }
        widgets = {
            "raised": DateInput(),
            "month": DateInput(),
            "closed": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = ContractLine.objects.filter(contract=contract)
        self.fields["line"].empty_label = "Whole contract"
        self.contract = contract
        style(self)

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and month.day != 1:
            raise forms.ValidationError("Give the first day of the month, e.g. 2012-09-01")
        return month

    def clean_reference(self):
        ref = self.cleaned_data["reference"]
        if ActivityChallenge.objects.filter(contract=self.contract, reference=ref).exists():
            raise forms.ValidationError("This contract already has a challenge with this reference")
        return ref


class MilestoneForm(forms.Form):
    milestone = forms.TypedChoiceField(label="Milestone", coerce=int)
    status = forms.ChoiceField(
        label="Achievement", choices=MilestoneStatus.choices, widget=forms.RadioSelect
    )
    achieved_share = forms.DecimalField(
        label="Share of the milestone's value earned (%), when partly met",
        required=False,
        min_value=0,
        max_value=100,
    )
    achieved_value = forms.FloatField(label="Value reached", required=False)
    recorded = forms.DateField(label="Agreed on", widget=DateInput())
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, perf=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [
            (m.pk, f"{s.name} {s.year_label}, {i.code}: {m.description} (due {m.due:%-d %b %Y})")
            for s in perf.schemes
            for i in s.indicators
            for m in i.milestones
        ]
        style(self)

    def clean(self):
        data = super().clean()
        if data.get("status") == MilestoneStatus.PARTLY_MET and data.get("achieved_share") is None:
            self.add_error("achieved_share", "Give the share earned for a partly met milestone")
        return data


def _forms(contract, perf, data=None, part=None) -> dict:
    out = {
        "variation": VariationForm(
            data if part == "variation" else None,
            prefix="variation",
            sees_money=perf.sees_money,
        ),
        "challenge": ChallengeForm(
            data if part == "challenge" else None, prefix="challenge", contract=contract
        ),
    }
    if any(i.milestones for s in perf.schemes for i in s.indicators):
        out["milestone"] = MilestoneForm(
            data if part == "milestone" else None, prefix="milestone", perf=perf
        )
    return out


@require_POST
def record(request, code: str, reference: str, part: str):
    community, contract_, perf = _performance(request, code, reference)
    if part not in ("variation", "challenge", "milestone"):
        raise Http404("Not found")
    if not records.can_change(request.user, contract_):
        raise PermissionDenied("Your login cannot change this contract")
    forms_ = _forms(contract_, perf, request.POST, part)
    form = forms_.get(part)
    if form is None:
        raise Http404("Not found")
    if not form.is_valid():
        forms_["problem"] = part
        return contract(request, code, reference, forms_=forms_, status=400)
    if part == "variation":
        variation = form.save(commit=False)
        variation.contract = contract_
        last = ContractVariation.objects.filter(contract=contract_).order_by("-number").first()
        variation.number = (last.number if last else 0) + 1
        variation.save()
        messages.success(request, f"Variation {variation.number} recorded.")
    elif part == "challenge":
        challenge = form.save(commit=False)
        challenge.contract = contract_
        challenge.save()
        messages.success(request, f"Challenge {challenge.reference} recorded.")
    else:
        milestone = policy.visible_or_404(
            request.user,
            Milestone.objects.filter(indicator__scheme__contract=contract_),
            pk=form.cleaned_data["milestone"],
        )
        for name in ("status", "achieved_share", "achieved_value", "recorded", "note"):
            setattr(milestone, name, form.cleaned_data[name])
        milestone.save()
        messages.success(request, "Milestone achievement recorded.")
    anchor = {"variation": "variations", "challenge": "challenges", "milestone": "incentives"}
    url = reverse("contract", args=[community.code, contract_.reference])
    return redirect(f"{url}#{anchor[part]}")
