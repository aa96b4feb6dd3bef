"""The forms that record the work of commissioning: what they check, default and save.

**One set of rules.** Every form checks what was typed with the importer's own rules and words
(:func:`commissioning.ingest.validate.check_record` runs the very checks of an uploaded row):
a development is checked as a row of the ``developments`` kind, an objective as one of
``objectives`` (so it is saved only with an indicator, a baseline, a target value and a target
date), an activity as one of ``activities`` and each participant as one of ``participants``. The
records of this app (decisions, their options and interests, risks, benefits) have no import
file, but their columns are declared the same way (:data:`DECISIONS`, :data:`RISKS`, ...) and
checked by the same function, so a date, a number or a missing value gets the same words
everywhere. Fields are plain text to the browser and are read only through those rules, so the
form never adds words of its own for a value the importer would judge; what only a form can get
wrong (a record from a list that is not on it, the same person twice, a parent that is the
development's own task) has its own message.

**Quick entry.** A new activity starts from the development's last meeting (its title, kind,
nature, stages, participants and their hours), dated today; a participant's hours left empty
are the meeting's length.

**Not overwriting each other.** Each form that changes a record carries its version (the latest
audit record of it and its parts, :func:`commissioning.work.records.version`) and saves through
:func:`commissioning.work.records.saving`, which refuses when someone else saved it meanwhile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.apps import apps
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import timezone

from commissioning.access import policy
from commissioning.evidence.models import Evidence
from commissioning.ingest.kinds import (
    ACTIVITIES,
    DEVELOPMENTS,
    OBJECTIVES,
    PARTICIPANTS,
    Column,
    Kind,
)
from commissioning.ingest.validate import check_record, check_records
from commissioning.store.models import (
    Activity,
    ActivityKind,
    Condition,
    DevelopmentStatus,
    ExternalDriver,
    Indicator,
    Nature,
    Objective,
    Observation,
    Organisation,
    OrganisationKind,
    Participation,
    Service,
    ServiceDevelopment,
    SizeOfChange,
    Stage,
)
from commissioning.work import records, rules
from commissioning.work.models import (
    Benefit,
    Decision,
    DecisionOption,
    EvidenceLink,
    Interest,
    LinkKind,
    Partner,
    Risk,
    RiskKind,
    RiskStatus,
)

DATE_HINT = "For example, 14/9/2011"
EXTRA_ROWS = 2  # blank rows offered after those filled in (participants, options, interests)
MAX_ROWS = 60


@dataclass(frozen=True)
class WorkKind(Kind):
    """The columns of one of this app's records, declared as an import kind's are, so that the
    importer's checks (and words) apply to them."""

    def model_class(self):
        return apps.get_model("work", self.model)


DECISIONS = WorkKind(
    name="decisions",
    model="Decision",
    title="Decisions",
    description="What was decided on a development, when and by which forum.",
    columns=(
        Column("date", "date", "date", True),
        Column("title", "text", "title", True, max_length=250),
        Column("forum", "text", "forum", True, max_length=200),
        Column("rationale", "text", "rationale"),
    ),
    key=("date", "title"),
)
OPTIONS = WorkKind(
    name="decision_options",
    model="DecisionOption",
    title="Options considered",
    description="An option a decision considered.",
    columns=(Column("description", "text", "description", True, max_length=300),),
    key=("description",),
)
INTERESTS = WorkKind(
    name="interests",
    model="Interest",
    title="Interests declared",
    description="An interest declared when a decision was taken, and how it was managed.",
    columns=(
        Column("person", "text", "person", True, max_length=200, pattern_help="a name"),
        Column("interest", "text", "interest", True),
        Column("managed", "text", "managed", True),
    ),
    key=("person", "interest"),
)
RISKS = WorkKind(
    name="risks",
    model="Risk",
    title="Risks and issues",
    description="A risk or issue of a development on the 5 x 5 matrix.",
    columns=(
        Column("kind", "choice", "kind", True, choices=tuple(RiskKind.choices)),
        Column("description", "text", "description", True),
        Column("likelihood", "int", "likelihood", True, minimum=1, maximum=5),
        Column("impact", "int", "impact", True, minimum=1, maximum=5),
        Column("owner", "text", "owner__name", True, max_length=200, pattern_help="a name"),
        Column("mitigations", "text", "mitigations"),
        Column("review_date", "date", "review_date", True),
        Column("status", "choice", "status", choices=tuple(RiskStatus.choices)),
    ),
    key=("description",),
)
BENEFITS = WorkKind(
    name="benefits",
    model="Benefit",
    title="Planned benefits",
    description="A benefit a development plans, measured by one of its objectives.",
    columns=(
        Column("description", "text", "description", True, max_length=300),
        Column(
            "objective",
            "text",
            "objective__description",
            True,
            pattern_help="one of the development's objectives",
        ),
        Column("owner", "text", "owner__name", max_length=200, pattern_help="a name"),
    ),
    key=("description",),
)


# --- fields ---------------------------------------------------------------------------------------


def text(label: str, *, hint: str = "", width: str | None = None, textarea: int = 0, **attrs):
    """A text field read only through the rules (Django adds no words of its own)."""
    css = "nhsuk-textarea" if textarea else "nhsuk-input"
    if width:
        css += f" nhsuk-input--width-{width}"
    widget = (
        forms.Textarea(attrs={"rows": textarea, "class": css, **attrs})
        if textarea
        else forms.TextInput(attrs={"class": css, "autocomplete": "off", **attrs})
    )
    return forms.CharField(label=label, help_text=hint, required=False, strip=False, widget=widget)


def date_field(label: str, hint: str = DATE_HINT):
    return text(label, hint=hint, width="10", spellcheck="false")


def choice(label: str, choices, *, radios: bool = False, hint: str = ""):
    """One value from a list, read through the rules like a typed value."""
    widget = forms.RadioSelect(choices=choices) if radios else forms.Select(choices=choices)
    if not radios:
        widget.attrs["class"] = "nhsuk-select"
    field = forms.CharField(label=label, help_text=hint, required=False, widget=widget)
    field.choices = list(choices)
    return field


class ListField(forms.Field):
    """Several values from a list of checkboxes, as text (checked by the rules or the form)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices=(), **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.widget.choices = self.choices

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value]


def optional(field: forms.Field) -> forms.Field:
    """Marked "(optional)" on the page: the rules let it be empty."""
    field.optional = True
    return field


def shown_date(value: dt.date | None) -> str:
    return f"{value.day}/{value.month}/{value.year}" if value else ""


def shown_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = float(value)
    text_ = f"{value:.6f}".rstrip("0").rstrip(".")
    return text_ or "0"


def today() -> dt.date:
    return timezone.localdate()


# --- the base form --------------------------------------------------------------------------------


class RecordForm(forms.Form):
    """A form for one record: its version, rows of parts, and the importer's rules."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user, development=None, instance=None, **kwargs):
        if data is not None:
            data = data.copy()  # mutable: a conflict moves the version on
        super().__init__(data, **kwargs)
        self.user = user
        self.development = development
        self.instance = instance
        self.changes: list[records.Change] = []
        if not self.is_bound:
            self.initial["version"] = records.version(instance) if instance is not None else 0

    # rows of parts (participants, options, interests) ---------------------------------------------

    def add_rows(self, name: str, filled: int, make) -> int:
        """Add ``make(i)`` fields for each row of part ``name``; returns how many rows."""
        if self.is_bound:
            raw = str(self.data.get(f"rows_{name}", ""))
            count = int(raw) if raw.isdigit() else filled + EXTRA_ROWS
            if self.data.get(f"add_{name}"):
                count += 1
        else:
            count = filled + EXTRA_ROWS
        count = max(1, min(count, MAX_ROWS))
        for i in range(count):
            for field_name, f in make(i).items():
                self.fields[field_name] = f
        self.fields[f"rows_{name}"] = forms.IntegerField(
            required=False, widget=forms.HiddenInput, initial=count
        )
        if self.is_bound:
            self.data[f"rows_{name}"] = str(count)
        return count

    def adding_row(self) -> bool:
        """The user asked for one more row (no JavaScript): show the form again, unchecked."""
        if self.is_bound and any(k.startswith("add_") for k in self.data):
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return True
        return False

    def apply(self, problems: dict[str, list[str]], fields: dict[str, str]) -> None:
        """Put the rules' problems (by column) beside the form's fields (column -> field)."""
        for column, messages in problems.items():
            if column in fields and fields[column] is None:
                continue  # a column the form fills itself, never typed
            name = fields.get(column)
            for message in messages:
                if name in self.fields:
                    self.add_error(name, message)
                else:
                    self.add_error(None, f"{column}: {message}")

    # versions -------------------------------------------------------------------------------------

    @property
    def seen(self) -> int | None:
        if self.instance is None:
            return None
        value = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        return int(value or 0)

    def conflict(self, found: records.Conflict) -> None:
        """Someone saved the record meanwhile: say so, show what changed, and move the version
        on, so that saving again (having looked) saves this form's values over theirs."""
        self.changes = found.changes
        people = sorted({c.who for c in found.changes})
        self.add_error(
            None,
            f"{' and '.join(people)} changed this record after you opened it: their changes are "
            "listed below. Nothing has been saved. Check your entries against them, then save "
            "again to keep yours.",
        )
        self.data["version"] = str(found.latest)


def _problems_of(kind: Kind, row: dict, community: str | None = None):
    return check_record(kind, row, community=community)


def _is_blank(*values: str) -> bool:
    return all(not str(v or "").strip() for v in values)


# --- service developments -------------------------------------------------------------------------


class DevelopmentForm(RecordForm):
    title = text("Title", hint="For example, Redesign of diabetes care")
    summary = optional(text("Summary", textarea=3))
    status = choice("Status", DevelopmentStatus.choices)
    size_of_change = optional(choice("Size of change", [("", "Not known"), *SizeOfChange.choices]))
    start_date = optional(date_field("Started"))
    go_live_date = optional(
        date_field(
            "Changed service went live", hint=f"When the changed service started. {DATE_HINT}"
        )
    )
    end_date = optional(date_field("Ended"))
    parent = optional(choice("Part of a wider plan", []))
    conditions = optional(ListField(label="Conditions"))
    services = optional(ListField(label="Services"))
    partners = optional(
        ListField(
            label="Partners: organisations taking part",
            help_text="Their logins (providers' staff) may record activities on this development",
        )
    )
    drivers = optional(ListField(label="External drivers"))

    FIELDS = {
        "title": "title",
        "summary": "summary",
        "status": "status",
        "size_of_change": "size_of_change",
        "start_date": "start_date",
        "end_date": "end_date",
        "go_live_date": "go_live_date",
        "parent_slug": "parent",
        "conditions": "conditions",
        "services": "services",
        "slug": "title",
        "community": None,
    }

    def __init__(self, data=None, *, user, community, instance=None, **kwargs):
        super().__init__(data, user=user, development=instance, instance=instance, **kwargs)
        self.community = community
        others = policy.visible(user, ServiceDevelopment).filter(community=community)
        if instance is not None:
            others = others.exclude(pk__in=_tasks_and_self(instance))
        self.fields["parent"].choices = [("", "None")] + [
            (d.slug, d.title) for d in others.order_by("title")
        ]
        self.fields["parent"].widget.choices = self.fields["parent"].choices
        self._choose(
            "conditions",
            [(c.slug, c.name) for c in Condition.objects.order_by("name")],
        )
        services = (
            policy.visible(user, Service)
            .filter(community=community)
            .select_related("provider")
            .order_by("name", "provider__name")
        )
        self._choose("services", [(str(s.pk), f"{s.name} ({s.provider.name})") for s in services])
        organisations = (
            policy.visible(user, Organisation)
            .filter(pk__in=policy.community_organisation_ids(community.pk))
            .exclude(kind__in=[OrganisationKind.GP_PRACTICE, OrganisationKind.PCN])
            .order_by("name")
        )
        self._choose("partners", [(str(o.pk), o.name) for o in organisations])
        self._choose(
            "drivers", [(str(d.pk), str(d)) for d in ExternalDriver.objects.order_by("title")]
        )
        if not self.is_bound:
            self.initial.update(self._initial(instance))

    def _choose(self, name, options):
        self.fields[name].choices = options
        self.fields[name].widget.choices = options

    @staticmethod
    def _initial(dev) -> dict:
        if dev is None:
            return {"status": DevelopmentStatus.ACTIVE}
        return {
            "title": dev.title,
            "summary": dev.summary,
            "status": dev.status,
            "size_of_change": dev.size_of_change,
            "start_date": shown_date(dev.start_date),
            "go_live_date": shown_date(dev.go_live_date),
            "end_date": shown_date(dev.end_date),
            "parent": dev.parent.slug if dev.parent_id else "",
            "conditions": list(dev.conditions.values_list("slug", flat=True)),
            "services": [str(pk) for pk in dev.services.values_list("pk", flat=True)],
            "partners": [str(pk) for pk in dev.partners.values_list("organisation_id", flat=True)],
            "drivers": [str(pk) for pk in dev.drivers.values_list("pk", flat=True)],
        }

    def clean(self):
        data = super().clean()
        for name in ("parent", "conditions", "services", "partners", "drivers"):
            allowed = {str(v) for v, _ in self.fields[name].choices}
            chosen = data.get(name) or []
            chosen = [chosen] if isinstance(chosen, str) else chosen
            if any(v not in allowed for v in chosen if v):
                self.add_error(name, "Choose from the list")
        service_names = dict(self.fields["services"].choices)
        row = {
            "community": self.community.code,
            "slug": self.instance.slug if self.instance is not None else "new",
            "title": data.get("title", ""),
            "summary": data.get("summary", ""),
            "status": data.get("status", ""),
            "size_of_change": data.get("size_of_change", ""),
            "start_date": data.get("start_date", ""),
            "end_date": data.get("end_date", ""),
            "go_live_date": data.get("go_live_date", ""),
            "parent_slug": data.get("parent", ""),
            "conditions": "; ".join(data.get("conditions") or []),
            "services": "; ".join(
                service_names.get(pk, "").rsplit(" (", 1)[0] for pk in data.get("services") or []
            ),
        }
        self.values, problems = _problems_of(DEVELOPMENTS, row)
        self.apply(problems, self.FIELDS)
        return data

    def save(self) -> ServiceDevelopment:
        d, v = self.cleaned_data, self.values
        dev = self.instance or ServiceDevelopment(community=self.community)
        with records.saving(dev, self.seen):
            if dev.pk is None:
                taken = set(
                    ServiceDevelopment.objects.filter(community=self.community).values_list(
                        "slug", flat=True
                    )
                )
                dev.slug = rules.slug_for(v["title"], taken)
            dev.title = v["title"]
            dev.summary = v["summary"] or ""
            dev.status = v["status"] or DevelopmentStatus.ACTIVE
            dev.size_of_change = v["size_of_change"] or ""
            dev.start_date = v["start_date"]
            dev.end_date = v["end_date"]
            dev.go_live_date = v["go_live_date"]
            dev.parent = (
                ServiceDevelopment.objects.get(community=self.community, slug=d["parent"])
                if d.get("parent")
                else None
            )
            dev.save()
            dev.conditions.set(Condition.objects.filter(slug__in=d.get("conditions") or []))
            dev.services.set(Service.objects.filter(pk__in=d.get("services") or []))
            dev.drivers.set(ExternalDriver.objects.filter(pk__in=d.get("drivers") or []))
            wanted = {int(pk) for pk in d.get("partners") or []}
            have = {p.organisation_id: p for p in dev.partners.all()}
            for pk in wanted - set(have):
                Partner.objects.create(development=dev, organisation_id=pk)
            for pk in set(have) - wanted:
                have[pk].delete()
        return dev


def _tasks_and_self(dev) -> set[int]:
    found, todo = {dev.pk}, [dev.pk]
    while todo:
        children = ServiceDevelopment.objects.filter(parent_id=todo.pop()).values_list(
            "pk", flat=True
        )
        for pk in children:
            if pk not in found:
                found.add(pk)
                todo.append(pk)
    return found


# --- objectives -----------------------------------------------------------------------------------


class ObjectiveForm(RecordForm):
    description = text("Objective", hint="For example, Cut emergency admissions by a fifth")
    indicator = choice("Indicator that measures it", [])
    baseline_value = text(
        "Baseline", hint="The indicator's value when the development started", width="5"
    )
    target_value = text("Target value", width="5")
    target_date = date_field("Target date")

    FIELDS = {
        "community": None,
        "development_slug": None,
        "description": "description",
        "indicator_code": "indicator",
        "baseline_value": "baseline_value",
        "target_value": "target_value",
        "target_date": "target_date",
    }

    def __init__(self, data=None, *, user, development, instance=None, **kwargs):
        super().__init__(data, user=user, development=development, instance=instance, **kwargs)
        indicators = policy.visible(user, Indicator).filter(
            Q(community=None) | Q(community=development.community)
        )
        options = [("", "Choose an indicator")] + [
            (i.code, f"{i.name} ({i.code})") for i in indicators.order_by("name", "code")
        ]
        self.fields["indicator"].choices = options
        self.fields["indicator"].widget.choices = options
        self.codes = {i.code for i in indicators}
        if not self.is_bound and instance is not None:
            self.initial.update(
                {
                    "description": instance.description,
                    "indicator": instance.indicator.code if instance.indicator_id else "",
                    "baseline_value": shown_number(instance.baseline_value),
                    "target_value": shown_number(instance.target_value),
                    "target_date": shown_date(instance.target_date),
                }
            )

    def clean(self):
        data = super().clean()
        code = data.get("indicator", "")
        if code and code not in self.codes:
            self.add_error("indicator", "Choose from the list")
        row = {
            "community": self.development.community.code,
            "development_slug": self.development.slug,
            **{column: data.get(name, "") for column, name in self.FIELDS.items() if name},
        }
        self.values, problems = _problems_of(OBJECTIVES, row)
        self.apply(problems, self.FIELDS)
        return data

    def save(self) -> Objective:
        v = self.values
        objective = self.instance or Objective(development=self.development)
        with records.saving(objective, self.seen):
            objective.description = v["description"]
            objective.indicator = Indicator.objects.get(code=v["indicator_code"])
            objective.baseline_value = v["baseline_value"]
            objective.target_value = v["target_value"]
            objective.target_date = v["target_date"]
            objective.save()
        return objective


# --- activities -----------------------------------------------------------------------------------


class ActivityForm(RecordForm):
    date = date_field("Date")
    title = text("What it was", hint="For example, Diabetes programme board")
    kind = choice("Kind of work", ActivityKind.choices)
    nature = choice(
        "Technical or relational",
        Nature.choices,
        radios=True,
        hint="Relational: meetings, negotiation and engagement with people. Technical: analysis, "
        "documents, specifications.",
    )
    stages = optional(ListField(label="Stages it served"))
    length = optional(
        text(
            "Length in hours",
            hint="Each participant's hours, unless you give theirs",
            width="4",
            inputmode="decimal",
        )
    )
    outcome = optional(text("Outcome", hint="What was agreed or found", textarea=3))

    FIELDS = {
        "date": "date",
        "title": "title",
        "kind": "kind",
        "nature": "nature",
        "stages": "stages",
        "outcome": "outcome",
        "development_slug": None,
        "community": None,
    }

    def __init__(
        self,
        data=None,
        *,
        user,
        development,
        instance=None,
        start_from: records.Meeting | None = None,
        people_attrs: dict | None = None,
        **kwargs,
    ):
        super().__init__(data, user=user, development=development, instance=instance, **kwargs)
        self.start_from = start_from
        stages = records.stages()
        self.fields["stages"].choices = [(s.code, s.name) for s in stages]
        self.fields["stages"].widget.choices = self.fields["stages"].choices
        filled: list[tuple[str, str]] = []
        if instance is not None:
            parts = records.participations(instance)
            filled = [(p.person.name, shown_number(p.hours)) for p in parts]
            self.initial.update(
                {
                    "date": shown_date(instance.date),
                    "title": instance.title,
                    "kind": instance.kind,
                    "nature": instance.nature,
                    "stages": list(instance.stages.values_list("code", flat=True)),
                    "outcome": instance.outcome,
                }
            )
        elif start_from is not None:
            # Hours equal to the meeting's length are left empty: they follow the length.
            filled = [
                (name, "" if hours == start_from.length else hours)
                for name, hours in start_from.participants
            ]
            meeting = start_from.activity
            self.initial.update(
                {
                    "date": shown_date(today()),
                    "title": meeting.title,
                    "kind": meeting.kind,
                    "nature": meeting.nature,
                    "stages": start_from.stages,
                    "length": start_from.length,
                }
            )
        else:
            self.initial.update(
                {"date": shown_date(today()), "kind": ActivityKind.MEETING, "nature": ""}
            )
        attrs = {"list": "people-options", **(people_attrs or {})}

        def row(i):
            person = text(f"Participant {i + 1}: name", **attrs)
            hours = text(f"Participant {i + 1}: hours", width="4", inputmode="decimal")
            return {f"person_{i}": person, f"hours_{i}": hours}

        self.rows = self.add_rows("participant", len(filled), row)
        if not self.is_bound:
            for i, (name, hours) in enumerate(filled):
                self.initial[f"person_{i}"] = name
                self.initial[f"hours_{i}"] = hours

    def participant_rows(self):
        """(name field, hours field) of each row, for the page."""
        return [(self[f"person_{i}"], self[f"hours_{i}"]) for i in range(self.rows)]

    def clean(self):
        data = super().clean()
        community = self.development.community
        allowed = {c for c, _ in self.fields["stages"].choices}
        if any(s not in allowed for s in data.get("stages") or []):
            self.add_error("stages", "Choose from the list")
        row = {
            "community": community.code,
            "date": data.get("date", ""),
            "title": data.get("title", ""),
            "kind": data.get("kind", ""),
            "nature": data.get("nature", ""),
            "stages": "; ".join(data.get("stages") or []),
            "development_slug": self.development.slug,
            "outcome": data.get("outcome", ""),
        }
        self.values, problems = _problems_of(ACTIVITIES, row)
        self.apply(problems, self.FIELDS)
        self._clean_length(data)
        self._clean_participants(data, community)
        self._clean_repeat(community)
        return data

    def _clean_length(self, data):
        length = (data.get("length") or "").strip()
        if not length:
            return
        _, problems = check_record(
            PARTICIPANTS,
            {"activity_date": "x", "activity_title": "x", "person": "x", "hours": length},
        )
        for message in problems.get("hours", []):
            self.add_error("length", message)

    def _clean_participants(self, data, community):
        length = (data.get("length") or "").strip()
        typed = []
        for i in range(self.rows):
            name = data.get(f"person_{i}", "") or ""
            hours = data.get(f"hours_{i}", "") or ""
            if _is_blank(name, hours):
                continue
            typed.append((i, name.strip(), hours.strip() or length))
        checked = check_records(
            PARTICIPANTS,
            [
                {
                    "community": community.code,
                    "activity_date": data.get("date", ""),
                    "activity_title": data.get("title", ""),
                    "person": name,
                    "hours": hours,
                }
                for _, name, hours in typed
            ],
        )
        found = records.find_people(self.user, community, [name for _, name, _ in typed])
        self.participants: list[tuple[object, Decimal]] = []
        seen: dict[int, int] = {}
        for (i, name, _), (values, problems) in zip(typed, checked, strict=True):
            self.apply(problems, {"person": f"person_{i}", "hours": f"hours_{i}"})
            if not name:
                continue
            matches = found.get(name, [])
            if not matches:
                self.add_error(
                    f"person_{i}",
                    f"No one called '{name}' is among this community's people: check the "
                    "spelling, or ask a commissioner to add them",
                )
                continue
            if len(matches) > 1:
                self.add_error(
                    f"person_{i}",
                    f"{len(matches)} of this community's people are called '{name}'",
                )
                continue
            person = matches[0]
            if person.pk in seen:
                self.add_error(
                    f"person_{i}", f"{person.name} is already participant {seen[person.pk] + 1}"
                )
                continue
            seen[person.pk] = i
            if not problems and values.get("hours") is not None:
                self.participants.append((person, Decimal(values["hours"])))

    def _clean_repeat(self, community):
        v = getattr(self, "values", {})
        if not v.get("date") or not v.get("title"):
            return
        same = Activity.objects.filter(community=community, date=v["date"], title=v["title"])
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            self.add_error(
                "title",
                f"Another activity of this community on {v['date']:%-d %B %Y} is called "
                "this: give this one a title of its own (an import matches activities by "
                "date and title)",
            )

    def save(self) -> Activity:
        v = self.values
        activity = self.instance or Activity(
            community=self.development.community, development=self.development
        )
        with records.saving(activity, self.seen):
            activity.date = v["date"]
            activity.title = v["title"]
            activity.kind = v["kind"]
            activity.nature = v["nature"]
            activity.outcome = v["outcome"] or ""
            activity.save()
            codes = [c for c in (v["stages"] or "").split("; ") if c]
            activity.stages.set(Stage.objects.filter(code__in=codes))
            have = {p.person_id: p for p in activity.participations.all()}
            for person, hours in self.participants:
                part = have.pop(person.pk, None)
                if part is None:
                    Participation.objects.create(activity=activity, person=person, hours=hours)
                elif part.hours != hours:
                    part.hours = hours
                    part.save()
            for part in have.values():
                part.delete()
        return activity


# --- decisions ------------------------------------------------------------------------------------


def monitored_indicators(user, development) -> list[Indicator]:
    """The indicators the development's monitoring page charts: those of its objectives and
    those observed for its services."""
    ids = set(
        policy.visible(user, Objective)
        .filter(development=development)
        .exclude(indicator=None)
        .values_list("indicator_id", flat=True)
    )
    ids |= set(
        policy.visible(user, Observation)
        .filter(service__in=development.services.all())
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    return list(policy.visible(user, Indicator).filter(pk__in=ids).order_by("name", "code"))


class DecisionForm(RecordForm):
    date = date_field("Date of the decision")
    title = text("What was decided", textarea=2)
    forum = text("Forum that decided", hint="For example, Diabetes programme board")
    rationale = optional(text("Why", textarea=3))
    evidence = optional(ListField(label="Documents from the evidence log"))
    other_evidence = optional(choice("Another document from the evidence log", []))
    charts = optional(
        ListField(
            label="Monitoring charts",
            help_text="The development's monitoring page, showing this indicator's charts",
        )
    )
    needs = optional(ListField(label="Needs assessment pages"))
    no_interests = forms.BooleanField(label="No interests were declared", required=False)

    FIELDS = {"date": "date", "title": "title", "forum": "forum", "rationale": "rationale"}

    def __init__(self, data=None, *, user, development, instance=None, **kwargs):
        super().__init__(data, user=user, development=development, instance=instance, **kwargs)
        community = development.community
        documents = (
            policy.visible(user, Evidence)
            .filter(community=community)
            .only("pk", "title", "date", "development_id")
            .order_by("-date", "title")
        )
        own = [e for e in documents if e.development_id == development.pk]
        rest = [e for e in documents if e.development_id != development.pk]

        def name(e):
            return f"{e.title} ({e.date:%-d %b %Y})" if e.date else e.title

        self._choose("evidence", [(str(e.pk), name(e)) for e in own])
        self._choose("other_evidence", [("", "None")] + [(str(e.pk), name(e)) for e in rest])
        self._choose(
            "charts",
            [(str(i.pk), f"{i.name} ({i.code})") for i in monitored_indicators(user, development)],
        )
        conditions = Condition.objects.order_by("name")
        self._choose("needs", [(str(c.pk), c.name) for c in conditions])
        options, interests = [], []
        if instance is not None:
            options = [(o.description, o.chosen) for o in instance.options.all()]
            interests = [(i.person, i.interest, i.managed) for i in instance.interests.all()]
            links = list(instance.evidence_links.all())
            own_ids = {str(e.pk) for e in own}
            linked = [str(k.evidence_id) for k in links if k.kind == LinkKind.EVIDENCE]
            self.initial.update(
                {
                    "date": shown_date(instance.date),
                    "title": instance.title,
                    "forum": instance.forum,
                    "rationale": instance.rationale,
                    "no_interests": instance.no_interests,
                    "evidence": [pk for pk in linked if pk in own_ids],
                    "other_evidence": next((pk for pk in linked if pk not in own_ids), ""),
                    "charts": [str(k.indicator_id) for k in links if k.kind == LinkKind.MONITORING],
                    "needs": [str(k.condition_id) for k in links if k.kind == LinkKind.NEEDS],
                }
            )
        else:
            self.initial["date"] = shown_date(today())

        def option_row(i):
            return {
                f"option_{i}": text(f"Option {i + 1}"),
                f"chosen_{i}": forms.BooleanField(
                    label=f"Option {i + 1} was chosen", required=False
                ),
            }

        def interest_row(i):
            return {
                f"interest_person_{i}": text(f"Interest {i + 1}: who declared it"),
                f"interest_{i}": text(f"Interest {i + 1}: the interest", textarea=2),
                f"managed_{i}": text(f"Interest {i + 1}: how it was managed", textarea=2),
            }

        self.option_count = self.add_rows("option", len(options), option_row)
        self.interest_count = self.add_rows("interest", len(interests), interest_row)
        if not self.is_bound:
            for i, (description, chosen) in enumerate(options):
                self.initial[f"option_{i}"] = description
                self.initial[f"chosen_{i}"] = chosen
            for i, (person, interest, managed) in enumerate(interests):
                self.initial[f"interest_person_{i}"] = person
                self.initial[f"interest_{i}"] = interest
                self.initial[f"managed_{i}"] = managed

    def _choose(self, name, options):
        self.fields[name].choices = options
        self.fields[name].widget.choices = options

    def option_rows(self):
        return [(self[f"option_{i}"], self[f"chosen_{i}"]) for i in range(self.option_count)]

    def interest_rows(self):
        return [
            (self[f"interest_person_{i}"], self[f"interest_{i}"], self[f"managed_{i}"])
            for i in range(self.interest_count)
        ]

    def clean(self):
        data = super().clean()
        for name in ("evidence", "other_evidence", "charts", "needs"):
            allowed = {str(v) for v, _ in self.fields[name].choices}
            chosen = data.get(name) or []
            chosen = [chosen] if isinstance(chosen, str) else chosen
            if any(v not in allowed for v in chosen if v):
                self.add_error(name, "Choose from the list")
        self.values, problems = _problems_of(
            DECISIONS, {column: data.get(name, "") for column, name in self.FIELDS.items()}
        )
        self.apply(problems, self.FIELDS)
        options = [
            (i, data.get(f"option_{i}", ""), bool(data.get(f"chosen_{i}")))
            for i in range(self.option_count)
            if not _is_blank(data.get(f"option_{i}", "")) or data.get(f"chosen_{i}")
        ]
        checked = check_records(OPTIONS, [{"description": d} for _, d, _ in options])
        self.options = []
        for (i, _, chosen), (values, problems) in zip(options, checked, strict=True):
            self.apply(problems, {"description": f"option_{i}"})
            if not problems:
                self.options.append((values["description"], chosen))
        if not options:
            self.add_error("option_0", "List the options considered: at least the one chosen")
        interests = [
            i
            for i in range(self.interest_count)
            if not _is_blank(
                data.get(f"interest_person_{i}"),
                data.get(f"interest_{i}"),
                data.get(f"managed_{i}"),
            )
        ]
        checked = check_records(
            INTERESTS,
            [
                {
                    "person": data.get(f"interest_person_{i}", ""),
                    "interest": data.get(f"interest_{i}", ""),
                    "managed": data.get(f"managed_{i}", ""),
                }
                for i in interests
            ],
        )
        self.interests = []
        for i, (values, problems) in zip(interests, checked, strict=True):
            self.apply(
                problems,
                {
                    "person": f"interest_person_{i}",
                    "interest": f"interest_{i}",
                    "managed": f"managed_{i}",
                },
            )
            if not problems:
                self.interests.append((values["person"], values["interest"], values["managed"]))
        if interests and data.get("no_interests"):
            self.add_error("no_interests", "Interests are listed: untick this, or remove them")
        if not interests and not data.get("no_interests"):
            self.add_error(
                "no_interests",
                "Say whether interests were declared: list each one and how it was managed, or "
                "tick that none were",
            )
        return data

    def save(self) -> Decision:
        d, v = self.cleaned_data, self.values
        decision = self.instance or Decision(development=self.development)
        with records.saving(decision, self.seen):
            decision.date = v["date"]
            decision.title = v["title"]
            decision.forum = v["forum"]
            decision.rationale = v["rationale"] or ""
            decision.no_interests = bool(d.get("no_interests"))
            decision.save()
            _replace(
                decision.options.all(),
                [
                    {"description": text_, "chosen": chosen, "order": n}
                    for n, (text_, chosen) in enumerate(self.options)
                ],
                lambda values: DecisionOption(decision=decision, **values),
            )
            _replace(
                decision.interests.all(),
                [{"person": p, "interest": i, "managed": m} for p, i, m in self.interests],
                lambda values: Interest(decision=decision, **values),
            )
            nothing = {"evidence_id": None, "indicator_id": None, "condition_id": None}
            wanted = [
                {**nothing, "kind": LinkKind.EVIDENCE, "evidence_id": int(pk)}
                for pk in [*(d.get("evidence") or []), d.get("other_evidence")]
                if pk
            ]
            wanted += [
                {**nothing, "kind": LinkKind.MONITORING, "indicator_id": int(pk)}
                for pk in d.get("charts") or []
            ]
            wanted += [
                {**nothing, "kind": LinkKind.NEEDS, "condition_id": int(pk)}
                for pk in d.get("needs") or []
            ]
            _replace(
                decision.evidence_links.all(),
                wanted,
                lambda values: EvidenceLink(decision=decision, **values),
            )
        return decision


def _replace(current, wanted: list[dict], make) -> None:
    """Make the parts ``current`` hold ``wanted`` (field values, in order), changing as few as
    possible: a part already as wanted stays, others are changed in place, added or removed."""
    current = list(current)
    for n, values in enumerate(wanted):
        if n < len(current):
            part = current[n]
            if any(getattr(part, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(part, k, v)
                part.save()
        else:
            make(values).save()
    for part in current[len(wanted) :]:
        part.delete()


# --- risks and issues -----------------------------------------------------------------------------


def _person(user, community, name: str):
    matches = records.find_people(user, community, [name]).get(name, []) if name else []
    return matches


class RiskForm(RecordForm):
    kind = choice(
        "Risk or issue",
        RiskKind.choices,
        radios=True,
        hint="A risk may happen; an issue has happened",
    )
    description = text("Description", textarea=3)
    likelihood = choice(
        "Likelihood",
        [(str(n), f"{n} {label}") for n, label in rules.LIKELIHOOD.items()],
        radios=True,
        hint="For an issue, which has happened: 5",
    )
    impact = choice(
        "Impact",
        [(str(n), f"{n} {label}") for n, label in rules.IMPACT.items()],
        radios=True,
    )
    owner = text("Owner", hint="One of this community's people")
    mitigations = optional(text("Mitigations", hint="What is being done about it", textarea=3))
    review_date = date_field("Review by")
    status = choice("Status", RiskStatus.choices, radios=True)

    FIELDS = {
        "kind": "kind",
        "description": "description",
        "likelihood": "likelihood",
        "impact": "impact",
        "owner": "owner",
        "mitigations": "mitigations",
        "review_date": "review_date",
        "status": "status",
    }

    def __init__(self, data=None, *, user, development, instance=None, people_attrs=None, **kwargs):
        super().__init__(data, user=user, development=development, instance=instance, **kwargs)
        self.fields["owner"].widget.attrs.update({"list": "people-options", **(people_attrs or {})})
        if instance is None:
            del self.fields["status"]
            self.initial.update(
                {
                    "kind": RiskKind.RISK,
                    "review_date": shown_date(today() + dt.timedelta(days=90)),
                }
            )
        else:
            self.initial.update(
                {
                    "kind": instance.kind,
                    "description": instance.description,
                    "likelihood": str(instance.likelihood),
                    "impact": str(instance.impact),
                    "owner": instance.owner.name if instance.owner_id else "",
                    "mitigations": instance.mitigations,
                    "review_date": shown_date(instance.review_date),
                    "status": instance.status,
                }
            )

    def clean(self):
        data = super().clean()
        row = {column: data.get(name, "") for column, name in self.FIELDS.items()}
        self.values, problems = _problems_of(RISKS, row)
        self.apply(problems, self.FIELDS)
        self.owner = None
        name = (data.get("owner") or "").strip()
        if name and "owner" not in problems:
            matches = _person(self.user, self.development.community, name)
            if len(matches) == 1:
                self.owner = matches[0]
            else:
                self.add_error(
                    "owner",
                    f"No one called '{name}' is among this community's people: check the spelling"
                    if not matches
                    else f"{len(matches)} of this community's people are called '{name}'",
                )
        return data

    def save(self) -> Risk:
        v = self.values
        risk = self.instance or Risk(development=self.development, raised=today())
        with records.saving(risk, self.seen):
            risk.kind = v["kind"]
            risk.description = v["description"]
            risk.likelihood = int(v["likelihood"])
            risk.impact = int(v["impact"])
            risk.owner = self.owner
            risk.mitigations = v["mitigations"] or ""
            risk.review_date = v["review_date"]
            risk.status = v.get("status") or RiskStatus.OPEN
            risk.save()
        return risk


# --- benefits -------------------------------------------------------------------------------------


class BenefitForm(RecordForm):
    description = text(
        "The benefit", hint="For example, Fewer emergency admissions, so fewer bed days"
    )
    objective = choice(
        "Measured by the objective",
        [],
        hint="Its indicator, target value and target date say whether the benefit is realised",
    )
    owner = optional(text("Owner", hint="One of this community's people"))

    FIELDS = {"description": "description", "objective": "objective", "owner": "owner"}

    def __init__(self, data=None, *, user, development, instance=None, people_attrs=None, **kwargs):
        super().__init__(data, user=user, development=development, instance=instance, **kwargs)
        self.fields["owner"].widget.attrs.update({"list": "people-options", **(people_attrs or {})})
        self.objectives = {
            str(o.pk): o for o in records.objectives_with_indicators(user, development)
        }
        options = [("", "Choose an objective")] + [
            (pk, f"{o.description} ({o.indicator.name})") for pk, o in self.objectives.items()
        ]
        self.fields["objective"].choices = options
        self.fields["objective"].widget.choices = options
        if instance is not None:
            self.initial.update(
                {
                    "description": instance.description,
                    "objective": str(instance.objective_id),
                    "owner": instance.owner.name if instance.owner_id else "",
                }
            )

    def clean(self):
        data = super().clean()
        chosen = data.get("objective", "")
        objective = self.objectives.get(chosen)
        if chosen and objective is None:
            self.add_error("objective", "Choose from the list")
        row = {
            "description": data.get("description", ""),
            "objective": objective.description if objective else "",
            "owner": data.get("owner", ""),
        }
        self.values, problems = _problems_of(BENEFITS, row)
        self.apply(problems, self.FIELDS)
        self.objective = objective
        self.owner = None
        name = (data.get("owner") or "").strip()
        if name and "owner" not in problems:
            matches = _person(self.user, self.development.community, name)
            if len(matches) == 1:
                self.owner = matches[0]
            else:
                self.add_error(
                    "owner",
                    f"No one called '{name}' is among this community's people: check the spelling"
                    if not matches
                    else f"{len(matches)} of this community's people are called '{name}'",
                )
        return data

    def save(self) -> Benefit:
        benefit = self.instance or Benefit(development=self.development)
        with records.saving(benefit, self.seen):
            benefit.description = self.values["description"]
            benefit.objective = self.objective
            benefit.owner = self.owner
            benefit.save()
        return benefit
