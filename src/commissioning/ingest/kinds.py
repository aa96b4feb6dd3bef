"""One declarative specification per kind of record that can be imported and exported.

A kind says which columns its file has, what each column holds, which columns together name
one record (its natural key, used to decide between "add" and "update"), and which columns
point at other records (references, checked before anything is written).

Column types:

- ``text``: free text; ``slug``: lower-case letters, digits, hyphens and underscores;
- ``ods``: an ODS code (3 to 10 letters and digits, stored in capitals);
- ``int``, ``decimal`` (money and hours, two decimal places), ``float``;
- ``date``: yyyy-mm-dd or dd/mm/yyyy; ``bool``: yes/no, true/false, y/n, 1/0;
- ``choice``: one of the model's allowed values (the value or its label, any case);
- ``list``: several items separated by semicolons (each item checked like a reference or a
  choice); ``codes``: several free-text codes separated by semicolons.

Every column also names ``path``: where its value lives in the database, as a Django lookup
from the kind's model. The exporter reads those paths, and the importer compares an incoming
row with the same paths to count added, updated and unchanged records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commissioning.analytics.needs.standard_population import ESP2013_BANDS
from commissioning.ingest.names import ORDER
from commissioning.store.models.activities import STAGES, ActivityKind, Nature
from commissioning.store.models.conditions import CodeSystem, Sex
from commissioning.store.models.contracts import PaymentForm, ProcurementRoute
from commissioning.store.models.developments import DevelopmentStatus, SizeOfChange
from commissioning.store.models.groupings import GroupingKind
from commissioning.store.models.indicators import Domain, Frequency, Polarity
from commissioning.store.models.organisations import OrganisationKind, Relationship
from commissioning.store.models.people import RoleType
from commissioning.store.models.services import Setting


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    path: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    not_before: str | None = None
    pattern: str | None = None
    pattern_help: str = ""
    help: str = ""
    example: str = ""

    @property
    def field(self) -> str | None:
        """The model field this column fills directly (None for reference columns)."""
        return None if "__" in self.path else self.path


@dataclass(frozen=True)
class Ref:
    """A foreign key filled by finding another record from one or more of this file's columns.

    ``lookups`` are the target model's lookups matched, in order, by ``columns``; by default the
    target kind's natural key.
    """

    field: str
    target: str
    columns: tuple[str, ...]
    lookups: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ListRef:
    """A many-to-many field filled from a semicolon-separated column.

    ``pattern`` gives, in the order of ``lookups``, this file's columns that go with each item,
    with ``*`` standing for the item itself, e.g. ``("community", "*")``.
    """

    field: str
    target: str
    column: str
    pattern: tuple[str, ...] = ("*",)
    lookups: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Bound:
    """A plausibility rule between two numeric columns of one row: ``low`` <= ``high``.

    Checked where both are given; ``message`` may use {low} and {high} (the values found).
    The problem is reported against the ``low`` column, or ``high`` when ``at`` says so.
    """

    low: str
    high: str
    message: str
    at: str = ""

    @property
    def column(self) -> str:
        return self.at or self.low


@dataclass(frozen=True)
class Kind:
    name: str
    model: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    lists: tuple[ListRef, ...] = ()
    community_path: str | None = None
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    # A list column whose file has one row per item: rows with the same key are one record.
    gather: str | None = None
    # Plausibility rules between columns of a row, e.g. a register no larger than its list.
    bounds: tuple[Bound, ...] = ()
    app: str = "store"  # the Django app of ``model``
    # Checks of whole rows beyond each cell's type: functions (rows, problems) that add located
    # problems; ``rows`` are the converted values with the file and row columns.
    checks: tuple = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def key_lookups(self) -> tuple[str, ...]:
        return tuple(self.column(c).path for c in self.key)

    @property
    def depends_on(self) -> set[str]:
        targets = {r.target for r in self.refs} | {r.target for r in self.lists}
        return targets - {self.name, "stages"}

    @property
    def community_scoped(self) -> bool:
        return "community" in self.names

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.app, self.model)


def _choices(tc) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(label)) for v, label in tc.choices)


def _community(path: str = "community__code", *, key: bool = True) -> Column:
    return Column(
        "community",
        "slug",
        path,
        required=key,
        help="Code of the commissioning community (may be left out when the command is given "
        "--community CODE)",
        example="wirral",
    )


ODS_HELP = "ODS code of"

ORGANISATIONS = Kind(
    name="organisations",
    model="Organisation",
    title="Organisations",
    description="Commissioners, providers, GP practices and other organisations, by ODS code.",
    columns=(
        Column("ods_code", "ods", "ods_code", True, help="ODS code", example="A81001"),
        Column("name", "text", "name", True, max_length=200, example="The Health Centre"),
        Column(
            "kind",
            "choice",
            "kind",
            True,
            choices=_choices(OrganisationKind),
            example="gp_practice",
        ),
        Column("valid_from", "date", "valid_from", help="Date it opened", example="2013-04-01"),
        Column(
            "valid_to",
            "date",
            "valid_to",
            not_before="valid_from",
            help="Date it closed; empty while still open",
        ),
        Column(
            "successor_ods",
            "ods",
            "successor__ods_code",
            help=f"{ODS_HELP} the organisation that took over when this one closed",
        ),
        Column("postcode", "text", "postcode", max_length=10, example="TS18 1HU"),
    ),
    key=("ods_code",),
    refs=(Ref("successor", "organisations", ("successor_ods",)),),
)

COMMUNITIES = Kind(
    name="communities",
    model="CommissioningCommunity",
    title="Commissioning communities",
    description="A commissioner's area and the organisations taking part in commissioning.",
    columns=(
        Column(
            "code",
            "slug",
            "code",
            True,
            max_length=40,
            help="Short name used in addresses",
            example="wirral",
        ),
        Column("name", "text", "name", True, max_length=200, example="Wirral diabetes community"),
        Column(
            "commissioner_ods",
            "ods",
            "commissioner__ods_code",
            True,
            help=f"{ODS_HELP} the commissioner leading the community",
            example="5NK",
        ),
        Column("population", "int", "population", minimum=0, example="320,000"),
        Column("description", "text", "description"),
        Column(
            "members",
            "list",
            "members__ods_code",
            help="ODS codes of member organisations, separated by semicolons",
            example="RBL; A81001",
        ),
    ),
    key=("code",),
    refs=(Ref("commissioner", "organisations", ("commissioner_ods",)),),
    lists=(ListRef("members", "organisations", "members"),),
    community_path="code",
)

CONDITIONS = Kind(
    name="conditions",
    model="Condition",
    title="Conditions",
    description="Long-term conditions, with the codes that identify them.",
    columns=(
        Column("slug", "slug", "slug", True, max_length=60, example="diabetes"),
        Column("name", "text", "name", True, max_length=120, example="Diabetes"),
        Column("code_system", "choice", "code_system", choices=_choices(CodeSystem), example="qof"),
        Column(
            "codes",
            "codes",
            "codes",
            help="Codes in the code system, separated by semicolons",
            example="DM017",
        ),
        Column("qof_register", "text", "qof_register", max_length=20, example="DM017"),
        Column("description", "text", "description"),
    ),
    key=("slug",),
)

PEOPLE = Kind(
    name="people",
    model="Person",
    title="People",
    description="People who take part in commissioning, by stakeholder role. A person's name is "
    "how other files (activity participants) refer to them.",
    columns=(
        Column("name", "text", "name", True, max_length=200, example="Jane Smith"),
        Column(
            "email",
            "text",
            "email",
            max_length=254,
            pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
            pattern_help="an email address",
            example="jane.smith@example.nhs.uk",
        ),
        Column(
            "role_type",
            "choice",
            "role_type",
            True,
            choices=_choices(RoleType),
            example="Commissioning manager",
        ),
        Column("clinician", "bool", "is_clinician", example="no"),
        Column(
            "organisation_ods",
            "ods",
            "organisation__ods_code",
            help=f"{ODS_HELP} their employing organisation",
            example="5NK",
        ),
        Column(
            "communities",
            "list",
            "communities__code",
            help="Codes of the communities they take part in, separated by semicolons "
            "(empty: the --community given to the command)",
            example="wirral",
        ),
    ),
    key=("name",),
    refs=(Ref("organisation", "organisations", ("organisation_ods",)),),
    lists=(ListRef("communities", "communities", "communities"),),
    community_path="communities__code",
)

SERVICES = Kind(
    name="services",
    model="Service",
    title="Services",
    description="What is delivered, for which conditions, by which provider, in which setting.",
    columns=(
        _community(),
        Column(
            "name", "text", "name", True, max_length=200, example="Intermediate diabetes service"
        ),
        Column(
            "provider_ods",
            "ods",
            "provider__ods_code",
            True,
            help=f"{ODS_HELP} the provider",
            example="RBL",
        ),
        Column(
            "setting", "choice", "setting", True, choices=_choices(Setting), example="community"
        ),
        Column("tier", "text", "tier", max_length=60, example="intermediate tier"),
        Column("description", "text", "description"),
        Column("start_date", "date", "start_date", example="2011-04-01"),
        Column(
            "end_date", "date", "end_date", not_before="start_date", help="Set when decommissioned"
        ),
        Column("last_reviewed", "date", "last_reviewed"),
        Column(
            "conditions",
            "list",
            "conditions__slug",
            help="Condition slugs, separated by semicolons",
            example="diabetes",
        ),
    ),
    key=("community", "name", "provider_ods"),
    refs=(
        Ref("community", "communities", ("community",)),
        Ref("provider", "organisations", ("provider_ods",)),
    ),
    lists=(ListRef("conditions", "conditions", "conditions"),),
    community_path="community__code",
)

CONTRACTS = Kind(
    name="contracts",
    model="Contract",
    title="Contracts",
    description="Contracts between a commissioner and a provider, with their services.",
    columns=(
        Column("reference", "text", "reference", True, max_length=60, example="WIR-2012-014"),
        _community(key=True),
        Column(
            "title", "text", "title", True, max_length=200, example="Community diabetes service"
        ),
        Column("commissioner_ods", "ods", "commissioner__ods_code", True, example="5NK"),
        Column("provider_ods", "ods", "provider__ods_code", True, example="RBL"),
        Column(
            "payment_form",
            "choice",
            "payment_form",
            True,
            choices=_choices(PaymentForm),
            example="block",
        ),
        Column(
            "procurement_route",
            "choice",
            "procurement_route",
            choices=_choices(ProcurementRoute),
            example="tendered",
        ),
        Column("start_date", "date", "start_date", True, example="2012-04-01"),
        Column("end_date", "date", "end_date", True, not_before="start_date", example="31/03/2015"),
        Column(
            "annual_value",
            "decimal",
            "annual_value",
            True,
            minimum=0,
            help="£ a year",
            example="1,250,000.00",
        ),
        Column("risk_share", "text", "risk_share"),
        Column(
            "services",
            "list",
            "services__name",
            help="Names of this provider's services in the community, separated by semicolons",
            example="Intermediate diabetes service",
        ),
    ),
    key=("reference",),
    refs=(
        Ref("community", "communities", ("community",)),
        Ref("commissioner", "organisations", ("commissioner_ods",)),
        Ref("provider", "organisations", ("provider_ods",)),
    ),
    lists=(ListRef("services", "services", "services", ("community", "*", "provider_ods")),),
    community_path="community__code",
)

INCENTIVES = Kind(
    name="incentives",
    model="IncentiveScheme",
    title="Incentive schemes",
    description="Incentives attached to a contract, e.g. CQUIN: a share of the contract's value "
    "paid for quality.",
    columns=(
        Column("contract_reference", "text", "contract__reference", True, example="WIR-2012-014"),
        Column("scheme", "text", "scheme", True, max_length=60, example="CQUIN"),
        Column(
            "financial_year",
            "int",
            "financial_year",
            True,
            minimum=1948,
            help="Year the financial year starts: 2012 means 2012/13",
            example="2012",
        ),
        Column("percent", "decimal", "percent", minimum=0, example="2.5"),
        Column("value", "decimal", "value", minimum=0, help="£", example="31,250"),
        Column("goals", "text", "goals"),
    ),
    key=("contract_reference", "scheme", "financial_year"),
    refs=(Ref("contract", "contracts", ("contract_reference",)),),
    community_path="contract__community__code",
    aliases=("incentive_schemes",),
)

SPEND = Kind(
    name="spend",
    model="Spend",
    title="Spend",
    description="Spend on a service in one financial year.",
    columns=(
        _community("service__community__code"),
        Column("service", "text", "service__name", True, example="Intermediate diabetes service"),
        Column("provider_ods", "ods", "service__provider__ods_code", True, example="RBL"),
        Column(
            "financial_year",
            "int",
            "financial_year",
            True,
            minimum=1948,
            help="Year the financial year starts: 2011 means 2011/12",
            example="2011",
        ),
        Column("amount", "decimal", "amount", True, help="£", example="1,180,000"),
    ),
    key=("community", "service", "provider_ods", "financial_year"),
    refs=(Ref("service", "services", ("community", "service", "provider_ods")),),
    community_path="service__community__code",
)

DEVELOPMENTS = Kind(
    name="developments",
    model="ServiceDevelopment",
    title="Service developments",
    description="Commissioning projects: what is being changed, why, and when it went live.",
    columns=(
        _community(),
        Column("slug", "slug", "slug", True, max_length=80, example="diabetes-redesign"),
        Column("title", "text", "title", True, max_length=250, example="Redesign of diabetes care"),
        Column("summary", "text", "summary"),
        Column(
            "status",
            "choice",
            "status",
            choices=_choices(DevelopmentStatus),
            help="Empty means active",
            example="active",
        ),
        Column(
            "size_of_change",
            "choice",
            "size_of_change",
            choices=_choices(SizeOfChange),
            example="moderate",
        ),
        Column("start_date", "date", "start_date", example="2011-06-01"),
        Column("end_date", "date", "end_date", not_before="start_date"),
        Column(
            "go_live_date",
            "date",
            "go_live_date",
            help="When the changed service started",
            example="2012-04-01",
        ),
        Column(
            "parent_slug",
            "slug",
            "parent__slug",
            help="Slug of the wider plan this sits inside, in the same community",
        ),
        Column("conditions", "list", "conditions__slug", example="diabetes"),
        Column(
            "services",
            "list",
            "services__name",
            help="Names of services in the community, separated by semicolons",
        ),
    ),
    key=("community", "slug"),
    refs=(
        Ref("community", "communities", ("community",)),
        Ref("parent", "developments", ("community", "parent_slug")),
    ),
    lists=(
        ListRef("conditions", "conditions", "conditions"),
        ListRef(
            "services", "services", "services", ("community", "*"), ("community__code", "name")
        ),
    ),
    community_path="community__code",
)

OBJECTIVES = Kind(
    name="objectives",
    model="Objective",
    title="Objectives",
    description="Specific, measurable objectives of a development: an indicator, a baseline, a "
    "target value and a target date. An objective is saved only with all four, whether imported "
    "or entered on the development's page.",
    columns=(
        _community("development__community__code"),
        Column("development_slug", "slug", "development__slug", True, example="diabetes-redesign"),
        Column(
            "description",
            "text",
            "description",
            True,
            max_length=300,
            example="Cut emergency admissions for diabetes by a fifth",
        ),
        Column(
            "indicator_code",
            "text",
            "indicator__code",
            True,
            pattern_help="an indicator code",
            help="The indicator that measures it",
            example="DM-ADM",
        ),
        Column(
            "baseline_value",
            "float",
            "baseline_value",
            True,
            help="The indicator's value when the development started",
            example="12.4",
        ),
        Column("target_value", "float", "target_value", True, example="9.9"),
        Column("target_date", "date", "target_date", True, example="2014-03-31"),
    ),
    key=("community", "development_slug", "description"),
    refs=(
        Ref("development", "developments", ("community", "development_slug")),
        Ref("indicator", "indicators", ("indicator_code",)),
    ),
    community_path="development__community__code",
)

ACTIVITIES = Kind(
    name="activities",
    model="Activity",
    title="Activities",
    description="Dated pieces of commissioning work, with the stages they served. Participants "
    "and their hours go in a participants file.",
    columns=(
        _community(),
        Column("date", "date", "date", True, example="2011-09-14"),
        Column("title", "text", "title", True, max_length=250, example="Clinical design workshop"),
        Column("kind", "choice", "kind", True, choices=_choices(ActivityKind), example="meeting"),
        Column("nature", "choice", "nature", True, choices=_choices(Nature), example="relational"),
        Column(
            "stages",
            "list",
            "stages__code",
            choices=tuple(STAGES),
            help="Stages of the commissioning cycle, separated by semicolons",
            example="planning; scoping",
        ),
        Column(
            "development_slug",
            "slug",
            "development__slug",
            help="Slug of the development; empty for work outside any one development",
        ),
        Column("outcome", "text", "outcome"),
    ),
    key=("community", "date", "title"),
    refs=(
        Ref("community", "communities", ("community",)),
        Ref("development", "developments", ("community", "development_slug")),
    ),
    lists=(ListRef("stages", "stages", "stages", ("*",), ("code",)),),
    community_path="community__code",
)

PARTICIPANTS = Kind(
    name="participants",
    model="Participation",
    title="Activity participants",
    description="Who took part in an activity and for how many hours.",
    columns=(
        _community("activity__community__code"),
        Column("activity_date", "date", "activity__date", True, example="2011-09-14"),
        Column(
            "activity_title", "text", "activity__title", True, example="Clinical design workshop"
        ),
        Column(
            "person",
            "text",
            "person__name",
            True,
            help="Name, as in the people file",
            example="Jane Smith",
        ),
        Column(
            "hours",
            "decimal",
            "hours",
            True,
            minimum=0,
            maximum=9999.99,
            help="Hours of that person's time, from 0 to 9,999.99",
            example="3.5",
        ),
    ),
    key=("community", "activity_date", "activity_title", "person"),
    refs=(
        Ref("activity", "activities", ("community", "activity_date", "activity_title")),
        Ref("person", "people", ("person",)),
    ),
    community_path="activity__community__code",
    aliases=("participation", "participations"),
)

INDICATORS = Kind(
    name="indicators",
    model="Indicator",
    title="Indicator definitions",
    description="What is measured: definition, why it matters, unit, polarity, source, frequency "
    "and the national driver it serves. An indicator with a community is that community's own "
    "(only it sees it); one without is shared by every community (administrators only). The "
    "shipped library is loaded with `commissioning indicators load`.",
    columns=(
        Column("code", "text", "code", True, max_length=40, example="DM-ADM"),
        Column(
            "name",
            "text",
            "name",
            True,
            max_length=250,
            example="Emergency admissions for diabetes per 1,000 on the register",
        ),
        Column("description", "text", "description"),
        Column("domain", "choice", "domain", True, choices=_choices(Domain), example="outcome"),
        Column("unit", "text", "unit", True, max_length=40, example="per 1,000"),
        Column("numerator", "text", "numerator"),
        Column("denominator", "text", "denominator"),
        Column(
            "polarity",
            "choice",
            "polarity",
            True,
            choices=_choices(Polarity),
            example="Lower is better",
        ),
        Column("source", "text", "source", max_length=200, example="SUS"),
        Column(
            "frequency", "choice", "frequency", True, choices=_choices(Frequency), example="monthly"
        ),
        Column("conditions", "list", "conditions__slug", example="diabetes"),
        Column(
            "patient_counts",
            "bool",
            "patient_counts",
            help="Numerators and denominators count patients (empty means yes)",
            example="yes",
        ),
        Column("why_it_matters", "text", "why_it_matters", help="Why commissioners watch it"),
        Column(
            "national_driver",
            "text",
            "national_driver",
            max_length=250,
            help="The national guidance, standard or programme it serves",
            example="NICE NG28",
        ),
        Column(
            "community",
            "slug",
            "community__code",
            help="Code of the commissioning community whose own indicator it is; empty for one "
            "shared by every community (administrators only). On a community's import page, "
            "and with --community, an empty cell means that community",
            example="wirral",
        ),
    ),
    key=("code",),
    refs=(Ref("community", "communities", ("community",)),),
    lists=(ListRef("conditions", "conditions", "conditions"),),
    aliases=("indicator_definitions",),
)

OBSERVATIONS = Kind(
    name="observations",
    model="Observation",
    title="Indicator observations",
    description="The value of one indicator for one organisation, or one service, in one period. "
    "Give organisation_ods, or service with service_provider_ods (and community), not both.",
    columns=(
        Column("indicator_code", "text", "indicator__code", True, example="DM-ADM"),
        Column("organisation_ods", "ods", "organisation__ods_code", example="A81001"),
        Column(
            "community",
            "slug",
            "service__community__code",
            help="Code of the service's community (only with service)",
        ),
        Column("service", "text", "service__name"),
        Column("service_provider_ods", "ods", "service__provider__ods_code"),
        Column(
            "period", "date", "period", True, help="First day of the period", example="2012-04-01"
        ),
        Column("value", "float", "value", example="11.2"),
        Column("numerator", "float", "numerator", minimum=0, example="56"),
        Column("denominator", "float", "denominator", minimum=0, example="5,000"),
        Column("target", "float", "target"),
        Column("lower", "float", "lower"),
        Column("upper", "float", "upper"),
    ),
    key=(
        "indicator_code",
        "organisation_ods",
        "community",
        "service",
        "service_provider_ods",
        "period",
    ),
    refs=(
        Ref("indicator", "indicators", ("indicator_code",)),
        Ref("organisation", "organisations", ("organisation_ods",)),
        Ref("service", "services", ("community", "service", "service_provider_ods")),
    ),
    community_path="service__community__code",
    aliases=("indicator_observations",),
    notes=(
        "An observation of an indicator whose unit is `%` has a value from 0 to 100; above 100 "
        "only where its own numerator is larger than its denominator (a ratio to an "
        "estimate, such as the dementia diagnosis rate).",
    ),
    bounds=(
        Bound(
            "lower",
            "value",
            "the lower confidence limit ({low}) is above the value ({high}): the limits must "
            "bracket the value",
        ),
        Bound(
            "value",
            "upper",
            "the upper confidence limit ({high}) is below the value ({low}): the limits must "
            "bracket the value",
            at="upper",
        ),
        Bound(
            "lower",
            "upper",
            "the lower confidence limit ({low}) is above the upper one ({high})",
        ),
    ),
)

POPULATIONS = Kind(
    name="populations",
    model="PracticePopulation",
    title="Practice populations",
    description="Registered patients of one organisation on one date, by age band and sex.",
    columns=(
        Column("ods_code", "ods", "organisation__ods_code", True, example="A81001"),
        Column("date", "date", "date", True, help="Extract date", example="2012-04-01"),
        Column(
            "age_band",
            "text",
            "age_band",
            True,
            max_length=8,
            pattern=r"\d{1,3}-\d{1,3}|\d{1,3}\+",
            pattern_help="an age band such as 0-4 or 90+",
            example="65-69",
        ),
        Column("sex", "choice", "sex", True, choices=_choices(Sex), example="female"),
        Column("count", "int", "count", True, minimum=0, example="1,204"),
    ),
    key=("ods_code", "date", "age_band", "sex"),
    refs=(Ref("organisation", "organisations", ("ods_code",)),),
    aliases=("practice_populations",),
)

REGISTERS = Kind(
    name="registers",
    model="ConditionRegister",
    title="Condition registers",
    description="Patients on a condition register (e.g. QOF) at one organisation for one year.",
    columns=(
        Column("ods_code", "ods", "organisation__ods_code", True, example="A81001"),
        Column("condition", "slug", "condition__slug", True, example="diabetes"),
        Column(
            "period_end",
            "date",
            "period_end",
            True,
            help="End of the reporting year",
            example="2012-03-31",
        ),
        Column("register_size", "int", "register_size", True, minimum=0, example="512"),
        Column(
            "list_size",
            "int",
            "list_size",
            minimum=0,
            help="Patients in the eligible age range",
            example="7,650",
        ),
        Column(
            "list_type",
            "text",
            "list_type",
            max_length=12,
            pattern=r"[A-Za-z0-9_]+",
            pattern_help="a QOF list type such as TOTAL or 17OV",
            help="Which patients list_size counts (QOF's PATIENT_LIST_TYPE): TOTAL is the "
            "whole list, 17OV patients aged 17 and over; blank when not known",
            example="17OV",
        ),
    ),
    key=("ods_code", "condition", "period_end"),
    refs=(
        Ref("organisation", "organisations", ("ods_code",)),
        Ref("condition", "conditions", ("condition",)),
    ),
    aliases=("condition_registers",),
    bounds=(
        Bound(
            "register_size",
            "list_size",
            "the register ({low}) is larger than the list size ({high}): a register counts "
            "patients on the list, so it cannot be larger",
        ),
    ),
)

# The standard age bands of NHS Digital's GP registered patients files, as populations use them:
# those of the 2013 European Standard Population.
STANDARD_AGE_BANDS: tuple[str, ...] = ESP2013_BANDS

AGE_SEX_REGISTERS = Kind(
    name="age_sex_registers",
    model="AgeSexRegister",
    title="Condition registers by age and sex",
    description="Patients on a condition register at one organisation at the end of one period, "
    "by age band and sex: what directly age-standardised rates need. From patient-level data or "
    "a local extract (QOF publishes registers for all ages only).",
    columns=(
        Column("ods_code", "ods", "organisation__ods_code", True, example="A81001"),
        Column("condition", "slug", "condition__slug", True, example="diabetes"),
        Column(
            "period_end",
            "date",
            "period_end",
            True,
            help="End of the reporting period",
            example="2012-03-31",
        ),
        Column(
            "age_band",
            "text",
            "age_band",
            True,
            max_length=8,
            pattern="|".join(re.escape(b) for b in STANDARD_AGE_BANDS),
            pattern_help="a standard age band: 0-4, 5-9, ... 85-89 or 90+",
            example="65-69",
        ),
        Column("sex", "choice", "sex", True, choices=_choices(Sex), example="female"),
        Column("register_size", "int", "register_size", True, minimum=0, example="48"),
    ),
    key=("ods_code", "condition", "period_end", "age_band", "sex"),
    refs=(
        Ref("organisation", "organisations", ("ods_code",)),
        Ref("condition", "conditions", ("condition",)),
    ),
    aliases=("age_sex_condition_registers", "registers_by_age_and_sex"),
)

GROUPINGS = Kind(
    name="groupings",
    model="Grouping",
    title="Groupings of organisations",
    description="Named sets of organisations with a date range: localities, GP federations, "
    "clinical networks, caseloads, peer groups. One row per member: the rows of one grouping "
    "give its whole membership, which replaces the membership it had.",
    columns=(
        Column(
            "grouping_code",
            "slug",
            "code",
            True,
            max_length=60,
            help="Short name used in addresses",
            example="wirral-west",
        ),
        Column(
            "grouping_name", "text", "name", True, max_length=200, example="Wirral West locality"
        ),
        Column("kind", "choice", "kind", True, choices=_choices(GroupingKind), example="locality"),
        Column(
            "community",
            "slug",
            "community__code",
            help="Code of the commissioning community that owns it; empty for a grouping every "
            "community may use (administrators only)",
            example="wirral",
        ),
        Column("valid_from", "date", "valid_from", help="First day in use", example="2012-04-01"),
        Column(
            "valid_to",
            "date",
            "valid_to",
            not_before="valid_from",
            help="Last day in use; empty while still in use",
        ),
        Column(
            "member_ods",
            "list",
            "members__ods_code",
            help=f"{ODS_HELP} one member (one row per member; several may also be given "
            "separated by semicolons)",
            example="N85001",
        ),
    ),
    key=("community", "grouping_code"),
    refs=(Ref("community", "communities", ("community",)),),
    lists=(ListRef("members", "organisations", "member_ods"),),
    community_path="community__code",
    gather="member_ods",
)

# -- contract performance (the models of commissioning.contracts) ------------------------------


def _first_of_month(rows, problems) -> None:
    """A month is written as its first day: 2012-04-01 for April 2012."""
    month = rows["month"]
    problems.add_rows(
        rows,
        month.notna() & (month.dt.day != 1),
        "month",
        lambda r: (
            f"expected the first day of a month (such as 2012-04-01), found '{r['month']:%Y-%m-%d}'"
        ),
    )


def _band_in_order(rows, problems) -> None:
    floor, ceiling = rows["band_floor"], rows["band_ceiling"]
    problems.add_rows(
        rows,
        floor.notna() & ceiling.notna() & (ceiling < floor),
        "band_ceiling",
        "expected a volume band ceiling no lower than its floor",
    )
    problems.add_rows(
        rows,
        floor.notna() != ceiling.notna(),
        "band_floor",
        "expected both ends of the volume band (band_floor and band_ceiling), or neither",
    )


_CONTRACT_REF = Column(
    "contract_reference", "text", "contract__reference", True, example="WIR-2012-014"
)
_LINE_HELP = "The line's code within the contract (as in the contract lines file)"

CONTRACT_LINES = Kind(
    name="contract_lines",
    model="ContractLine",
    app="contracts",
    title="Contract lines",
    description="What a contract buys, line by line: point of delivery, specialty or service, "
    "currency, price, and how the line is paid.",
    columns=(
        _CONTRACT_REF,
        Column(
            "line",
            "text",
            "code",
            True,
            max_length=40,
            pattern=r"[A-Za-z0-9][A-Za-z0-9._\-]*",
            pattern_help="a code of letters, digits, dots, hyphens and underscores",
            help=_LINE_HELP,
            example="NEL-300",
        ),
        Column(
            "name",
            "text",
            "name",
            True,
            max_length=200,
            example="General medicine emergency spells",
        ),
        Column(
            "point_of_delivery",
            "text",
            "point_of_delivery",
            True,
            max_length=20,
            pattern=r"[A-Za-z0-9&_\-]+",
            pattern_help="a point of delivery code such as EL, DC, NEL, OPFA, OPFUP or AE",
            help="Point of delivery code, as the Aggregate Contract Monitoring data set writes it",
            example="NEL",
        ),
        Column(
            "treatment_function",
            "text",
            "treatment_function",
            max_length=10,
            pattern=r"[0-9A-Za-z]{3}",
            pattern_help="a treatment function code of three characters, such as 300",
            help="Treatment function (specialty) code, if the line is for one",
            example="300",
        ),
        Column(
            "currency",
            "text",
            "currency",
            True,
            max_length=60,
            help="Unit of activity",
            example="HRG spell",
        ),
        Column(
            "price",
            "decimal",
            "price",
            minimum=0,
            help="£ a unit (indicative for block lines)",
            example="1,650.00",
        ),
        Column(
            "fixed",
            "bool",
            "fixed",
            help="yes: paid as planned whatever the activity (a block line, or the fixed element "
            "of aligned payment and incentive)",
            example="no",
        ),
        Column(
            "marginal_rate",
            "decimal",
            "marginal_rate",
            minimum=0,
            help="% of the price paid for activity away from plan (aligned payment and "
            "incentive) or outside the volume band (cost and volume); default 100",
            example="100",
        ),
        Column(
            "band_floor",
            "float",
            "band_floor",
            minimum=0,
            help="Cost and volume: the band's floor, units a year",
        ),
        Column(
            "band_ceiling",
            "float",
            "band_ceiling",
            minimum=0,
            help="Cost and volume: the band's ceiling, units a year",
        ),
    ),
    key=("contract_reference", "line"),
    refs=(Ref("contract", "contracts", ("contract_reference",)),),
    community_path="contract__community__code",
    aliases=("lines",),
    checks=(_band_in_order,),
)


def _monthly(name: str, model: str, prefix: str, title: str, description: str, aliases) -> Kind:
    return Kind(
        name=name,
        model=model,
        app="contracts",
        title=title,
        description=description,
        columns=(
            Column(
                "contract_reference",
                "text",
                "line__contract__reference",
                True,
                example="WIR-2012-014",
            ),
            Column("line", "text", "line__code", True, help=_LINE_HELP, example="NEL-300"),
            Column(
                "month",
                "date",
                "month",
                True,
                help="The first day of the month, e.g. 2012-04-01 for April 2012",
                example="2012-04-01",
            ),
            Column(
                f"{prefix}_activity",
                "float",
                "activity",
                True,
                minimum=0,
                help="Units of the line's currency",
                example="2,950",
            ),
            Column(
                f"{prefix}_cost",
                "decimal",
                "cost",
                minimum=0,
                help="£; leave empty to take activity x the line's price",
                example="4,867,500.00",
            ),
        ),
        key=("contract_reference", "line", "month"),
        refs=(Ref("line", "contract_lines", ("contract_reference", "line")),),
        community_path="line__contract__community__code",
        aliases=aliases,
        checks=(_first_of_month,),
    )


CONTRACT_PLANS = _monthly(
    "contract_plans",
    "MonthlyPlan",
    "planned",
    "Contract plans by month",
    "Planned activity (and money) by contract line and month: the annual plan phased by month.",
    ("plans",),
)
CONTRACT_ACTUALS = _monthly(
    "contract_actuals",
    "MonthlyActual",
    "actual",
    "Contract activity by month",
    "Actual activity (and money) by contract line and month, as the provider reports it.",
    ("actuals", "contract_activity"),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        ORGANISATIONS,
        COMMUNITIES,
        CONDITIONS,
        PEOPLE,
        SERVICES,
        CONTRACTS,
        INCENTIVES,
        SPEND,
        DEVELOPMENTS,
        OBJECTIVES,
        ACTIVITIES,
        PARTICIPANTS,
        INDICATORS,
        OBSERVATIONS,
        POPULATIONS,
        REGISTERS,
        AGE_SEX_REGISTERS,
        GROUPINGS,
        CONTRACT_LINES,
        CONTRACT_PLANS,
        CONTRACT_ACTUALS,
    )
}
assert set(ORDER) == set(KINDS)

# Written only by the importers of NHS published files (``commissioning.ingest.formats``): not a
# file layout of its own, so it has no template and no page of its own.
LINKS = Kind(
    name="links",
    model="OrganisationLink",
    title="Organisation links",
    description="Dated, typed parent links: practice to commissioner, practice to PCN.",
    columns=(
        Column("child_ods", "ods", "child__ods_code", True, example="A81001"),
        Column("parent_ods", "ods", "parent__ods_code", True, example="16C"),
        Column(
            "relationship",
            "choice",
            "relationship",
            True,
            choices=_choices(Relationship),
            example="commissioner",
        ),
        Column("valid_from", "date", "valid_from", example="2020-04-01"),
        Column("valid_to", "date", "valid_to", not_before="valid_from"),
    ),
    key=("child_ods", "parent_ods", "relationship", "valid_from"),
    refs=(
        Ref("child", "organisations", ("child_ods",)),
        Ref("parent", "organisations", ("parent_ods",)),
    ),
)

ALL_KINDS: dict[str, Kind] = {**KINDS, LINKS.name: LINKS}


def find_kind(name: str) -> Kind | None:
    """The kind called ``name`` (or one of its other names), in any case, or None."""
    wanted = name.strip().lower().replace(" ", "_").replace("-", "_")
    for kind in KINDS.values():
        if wanted == kind.name or wanted in kind.aliases:
            return kind
    return None
