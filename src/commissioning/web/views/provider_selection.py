"""Provider selection pages: the pipeline and register, decision records, their PDF and
verification, downloads of the register (CSV, XLSX) and of the OCDS release package.

Everything shown comes from :mod:`commissioning.provider_selection.presenter`; records are read
and written through :mod:`commissioning.provider_selection.records`, which asks the access
policy. Commissioners (and administrators) write drafts; viewers and providers read finalised
versions only, providers seeing no other provider's assessment and viewers no values or scores.
Every form works without JavaScript and shows the NHS.UK error summary.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from commissioning.access import policy
from commissioning.access.communities import community_or_404
from commissioning.document import Report, Section, table_csv
from commissioning.errors import UserError
from commissioning.provider_selection import ocds, presenter, records
from commissioning.provider_selection.effort import effort_table
from commissioning.provider_selection.models import (
    Assessment,
    ConflictOfInterest,
    Criterion,
    CriterionWeight,
    DecisionMaker,
    DecisionRecord,
    ProviderConsidered,
)
from commissioning.reports.html import context as report_context
from commissioning.store.models import Contract, Organisation, Service

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]
BOOLEAN_FIELDS = [
    "only_existing_capable",
    "patient_choice",
    "providers_unrestricted",
    "offered_to_all",
    "expressions_of_interest",
    "existing_satisfactory",
    "materially_different",
    "change_by_authority",
    "can_identify_most_suitable",
]


def style(form: forms.Form) -> None:
    """NHS.UK frontend classes on the widgets."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
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


def _yes_no(value: str):
    return {"yes": True, "no": False}.get(value)


class RecordForm(forms.ModelForm):
    """A draft record: what is being awarded, by which process, to whom, and the dates."""

    class Meta:
        model = DecisionRecord
        fields = [
            "reference",
            "title",
            "description",
            "services",
            "cpv_code",
            "estimated_value",
            "contract_start",
            "contract_end",
            "process",
            "existing_contract",
            "chosen_provider",
            "framework",
            *BOOLEAN_FIELDS,
            "existing_lifetime_value",
            "forum",
            "reasons",
            "no_conflicts_declared",
            "process_notice",
            "intention_published",
            "representations",
            "further_decision",
            "further_decision_kind",
            "award_date",
            "award_notice",
        ]
        labels = {
            "estimated_value": "Estimated lifetime value (£)",
            "existing_lifetime_value": "Lifetime value of the existing contract (£)",
            "chosen_provider": "Provider chosen",
            "framework": "This concludes a framework agreement",
            "only_existing_capable": "Can only the existing provider provide these services?",
            "patient_choice": "Are patients offered a choice of provider?",
            "providers_unrestricted": "Is the number of providers unrestricted?",
            "offered_to_all": "Are contracts offered to every provider who qualifies?",
            "expressions_of_interest": "Can providers express an interest?",
            "existing_satisfactory": (
                "Is the existing provider satisfying the contract, and likely to satisfy the new "
                "one?"
            ),
            "materially_different": (
                "Is the new contract materially different in character from the existing one?"
            ),
            "change_by_authority": "Is the change in the services the authority's decision?",
            "can_identify_most_suitable": (
                "Can you identify the most suitable provider without a competition?"
            ),
            "forum": "Committee or forum that decided",
            "reasons": "Reasons for the decision",
            "no_conflicts_declared": "No conflicts of interest were declared",
            "process_notice": (
                "Process notice published (most suitable provider or contract notice)"
            ),
            "intention_published": "Notice of intention to award published",
            "representations": "Representations received",
            "further_decision": "Further decision sent",
            "further_decision_kind": "Further decision",
            "award_date": "Contract awarded",
            "award_notice": "Award notice published",
        }
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "process": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["services"].queryset = policy.visible(user, Service).filter(community=community)
        self.fields["existing_contract"].queryset = policy.visible(user, Contract).filter(
            community=community
        )
        self.fields["chosen_provider"].queryset = policy.visible(user, Organisation).filter(
            pk__in=policy.community_organisation_ids(community.pk)
        )
        for name in BOOLEAN_FIELDS:
            initial = getattr(self.instance, name)
            self.fields[name] = forms.TypedChoiceField(
                label=self.Meta.labels[name],
                choices=YES_NO,
                coerce=_yes_no,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial={True: "yes", False: "no"}.get(initial, ""),
            )
        for f in self.fields.values():
            if isinstance(f, forms.DateField):
                f.widget = DateInput(format="%Y-%m-%d")
        self.fields["process"].choices = [c for c in self.fields["process"].choices if c[0]]
        style(self)

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        taken = DecisionRecord.objects.filter(community=self.community, reference=reference)
        if self.instance.pk:
            taken = taken.exclude(reference=self.instance.reference)
        if taken.exists():
            raise forms.ValidationError("Another record in this community has this reference")
        return reference


class WeightForm(forms.Form):
    criterion = forms.ChoiceField(label="Key criterion", choices=Criterion.choices)
    weight = forms.DecimalField(label="Weight (%)", min_value=0, max_value=100, decimal_places=2)
    how_considered = forms.CharField(
        label="How it was taken into account", widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessmentForm(forms.Form):
    provider = forms.ModelChoiceField(label="Provider", queryset=Organisation.objects.none())
    meets_basic_selection = forms.TypedChoiceField(
        label="Does the provider meet the basic selection criteria?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="The assessment in words", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = policy.visible(user, Organisation).filter(
            pk__in=policy.community_organisation_ids(community.pk)
        )
        for key, label in Criterion.choices:
            self.fields[f"score_{key}"] = forms.DecimalField(
                label=f"{label}: score out of 100",
                min_value=0,
                max_value=100,
                decimal_places=2,
                required=False,
            )
        style(self)


class MakerForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    role = forms.CharField(label="Role", max_length=200, required=False)


class ConflictForm(forms.Form):
    person = forms.CharField(label="Who declared it", max_length=200)
    interest = forms.CharField(label="The interest", widget=forms.Textarea(attrs={"rows": 2}))
    managed = forms.CharField(label="How it was managed", widget=forms.Textarea(attrs={"rows": 2}))


class AmendForm(forms.Form):
    reason = forms.CharField(
        label="Why is the record being amended?", widget=forms.Textarea(attrs={"rows": 3})
    )


ANCHORS = {"weight": "weights", "assessment": "assessments", "maker": "decision_makers"}
PART_FORMS = {
    "weight": WeightForm,
    "assessment": AssessmentForm,
    "maker": MakerForm,
    "conflict": ConflictForm,
}


def _today() -> dt.date:
    return timezone.localdate()


def _community(request, code):
    return community_or_404(request.user, code)


def _must_change(request, community) -> None:
    if not records.can_change(request.user, community):
        raise PermissionDenied("Only the community's commissioners can change decision records")


def _version(request) -> int | None:
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() and len(value) < 6 else None


def index(request, code: str):
    community = _community(request, code)
    user = request.user
    drafts = [r for r in records.visible_records(user, community) if not r.is_final]
    effort = effort_table(user, community) if records.sees_drafts(user) else None
    context = {
        "community": community,
        "pipeline": presenter.pipeline(user, community, _today()),
        "register": report_context(presenter.register_report(user, community))["sections"][0],
        "drafts": drafts,
        "effort": _laid_out(effort) if effort is not None else None,
        "can_change": records.can_change(user, community),
    }
    return render(request, "web/provider_selection/index.html", context)


def _laid_out(table) -> dict:
    """One presenter table formatted as the report machinery formats it."""
    report = Report(
        title=table.title,
        subtitle="",
        synthetic=False,
        generated=timezone.now(),
        sources=[],
        suppression="",
        sections=[Section(table.key, table.title, tables=[table])],
    )
    return report_context(report)["sections"][0]["tables"][0]


def new(request, code: str):
    community = _community(request, code)
    _must_change(request, community)
    form = RecordForm(request.POST or None, community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.community = community
        record.save()
        form.save_m2m()
        messages.success(request, f"Started the decision record {record.reference}.")
        return redirect(
            "provider-selection-record", code=community.code, reference=record.reference
        )
    return render(
        request,
        "web/provider_selection/form.html",
        {"community": community, "form": form, "heading": "Start a decision record"},
        status=400 if form.is_bound else 200,  # refused: the form again, as on every page
    )


def _draft(request, code, reference):
    community = _community(request, code)
    _must_change(request, community)
    record = records.record_or_404(request.user, community, reference)
    if record.is_final:
        raise Http404("This version is finalised")
    return community, record


def edit(request, code: str, reference: str):
    community, record = _draft(request, code, reference)
    form = RecordForm(request.POST or None, instance=record, community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = form.save()
        messages.success(request, "Saved the record.")
        return redirect(
            "provider-selection-record", code=community.code, reference=record.reference
        )
    return render(
        request,
        "web/provider_selection/form.html",
        {"community": community, "form": form, "record": record, "heading": "Change the record"},
        status=400 if form.is_bound else 200,  # refused: the form again, as on every page
    )


def _part_forms(community, user, data=None, part=None) -> dict:
    out = {}
    for name, cls in PART_FORMS.items():
        bound = data if name == part else None
        kwargs = {"community": community, "user": user} if cls is AssessmentForm else {}
        form = cls(bound, prefix=name, **kwargs)
        if cls is not AssessmentForm:
            style(form)
        out[name] = form
    return out


def record(request, code: str, reference: str, *, forms_=None, problems=None, status=200):
    community = _community(request, code)
    user = request.user
    record = records.record_or_404(user, community, reference, _version(request))
    records.opened(user, record)
    report = presenter.record_report(user, record, today=_today())
    editable = not record.is_final and records.can_change(user, community)
    latest = records.latest_version(record)
    context = {
        "community": community,
        "record": record,
        "report": report,
        "sections": report_context(report)["sections"],
        "editable": editable,
        "can_amend": record.is_final
        and records.can_change(user, community)
        and latest.pk == record.pk,
        "newer": latest.version if latest.pk != record.pk and records.sees_drafts(user) else None,
        "forms": forms_ or (_part_forms(community, user) if editable else {}),
        "problems": problems,
        "still_missing": records.problems(record) if editable and problems is None else [],
        "amend_form": AmendForm(),
        "considered": records.considered_for(user, record),
    }
    return render(request, "web/provider_selection/record.html", context, status=status)


@require_POST
def add_part(request, code: str, reference: str, part: str):
    community, rec = _draft(request, code, reference)
    if part not in PART_FORMS:
        raise Http404("Not found")
    found = _part_forms(community, request.user, request.POST, part)
    form = found[part]
    if not form.is_valid():
        return record(request, code, reference, forms_=found, status=400)
    d = form.cleaned_data
    if part == "weight":
        CriterionWeight.objects.update_or_create(
            record=rec,
            criterion=d["criterion"],
            defaults={"weight": d["weight"], "how_considered": d["how_considered"]},
        )
    elif part == "assessment":
        considered, _ = ProviderConsidered.objects.update_or_create(
            record=rec,
            provider=d["provider"],
            defaults={"meets_basic_selection": d["meets_basic_selection"], "summary": d["summary"]},
        )
        for key, _label in Criterion.choices:
            score = d.get(f"score_{key}")
            if score is not None:
                Assessment.objects.update_or_create(
                    considered=considered, criterion=key, defaults={"score": score}
                )
    elif part == "maker":
        DecisionMaker.objects.create(record=rec, name=d["name"], role=d["role"])
    else:
        ConflictOfInterest.objects.create(
            record=rec, person=d["person"], interest=d["interest"], managed=d["managed"]
        )
    messages.success(request, "Added to the record.")
    return redirect(
        reverse("provider-selection-record", args=[community.code, rec.reference])
        + f"#{ANCHORS.get(part, 'conflicts')}"
    )


@require_POST
def finalise(request, code: str, reference: str):
    community, rec = _draft(request, code, reference)
    try:
        records.finalise(rec, request.user)
    except records.NotReady as refused:
        return record(request, code, reference, problems=refused.problems, status=400)
    messages.success(request, f"Finalised version {rec.version}. It can no longer be changed.")
    return redirect("provider-selection-record", code=community.code, reference=rec.reference)


@require_POST
def amend(request, code: str, reference: str):
    community = _community(request, code)
    _must_change(request, community)
    rec = records.record_or_404(request.user, community, reference)
    form = AmendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for the amendment.")
        return redirect("provider-selection-record", code=community.code, reference=reference)
    try:
        new = records.amend(rec, form.cleaned_data["reason"], request.user)
    except records.NotReady as refused:
        messages.error(request, str(refused))
        return redirect("provider-selection-record", code=community.code, reference=reference)
    messages.success(request, f"Version {new.version} is a draft: change it, then finalise it.")
    return redirect("provider-selection-record", code=community.code, reference=reference)


def verify(request, code: str, reference: str):
    community = _community(request, code)
    rec = records.record_or_404(request.user, community, reference, _version(request))
    result = records.verify(rec)
    return render(
        request,
        "web/provider_selection/verify.html",
        {"community": community, "record": rec, "result": result},
    )


def assessment(request, code: str, reference: str, pk: int):
    """One provider's assessment: only readers of that provider's assessments may open it."""
    community = _community(request, code)
    rec = records.record_or_404(request.user, community, reference, _version(request))
    considered = records.considered_for(request.user, rec).filter(pk=pk).first()
    if considered is None:
        raise Http404("Not found")
    hide = "score" in policy.hidden_fields(request.user, Assessment)
    return render(
        request,
        "web/provider_selection/assessment.html",
        {"community": community, "record": rec, "considered": considered, "hide_scores": hide},
    )


def record_pdf(request, code: str, reference: str):
    from commissioning.reports.pdf import render_pdf

    community = _community(request, code)
    rec = records.record_or_404(request.user, community, reference, _version(request))
    records.opened(request.user, rec)
    try:
        data = render_pdf(presenter.record_report(request.user, rec, today=_today()))
    except UserError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{community.code}-{rec.reference}-v{rec.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def register_download(request, code: str, fmt: str):
    from commissioning.reports.xlsx import render_xlsx

    community = _community(request, code)
    if fmt not in CONTENT_TYPES:
        raise Http404("Not found")
    report = presenter.register_report(request.user, community)
    body = render_xlsx(report) if fmt == "xlsx" else table_csv(report.tables()[0])
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"{community.code}-awards-{_today().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def ocds_package(request, code: str):
    community = _community(request, code)
    try:
        package = ocds.release_package(
            request.user, community, base=request.build_absolute_uri("/")
        )
    except UserError as exc:  # nothing finalised yet: OCDS packages hold at least one release
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    response = JsonResponse(package, json_dumps_params={"indent": 2})
    name = f"{community.code}-ocds-release-package.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
