"""The domain model of a commissioning community, one file per concept."""

from commissioning.store.models.access import Profile, Role
from commissioning.store.models.activities import (
    Activity,
    ActivityKind,
    Nature,
    Participation,
    Stage,
)
from commissioning.store.models.audit import Action, AuditRecord, Channel
from commissioning.store.models.changes import ChangeKind, OrganisationalChange
from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.conditions import (
    AgeSexRegister,
    CodeSystem,
    Condition,
    ConditionRegister,
    PracticePopulation,
    Sex,
)
from commissioning.store.models.contracts import (
    Contract,
    IncentiveScheme,
    PaymentForm,
    ProcurementRoute,
    Spend,
)
from commissioning.store.models.developments import (
    DevelopmentStatus,
    DriverKind,
    ExternalDriver,
    Objective,
    ServiceDevelopment,
    SizeOfChange,
)
from commissioning.store.models.groupings import Grouping, GroupingKind
from commissioning.store.models.imports import Import, ImportChange
from commissioning.store.models.indicators import (
    Domain,
    Frequency,
    Indicator,
    Observation,
    Polarity,
)
from commissioning.store.models.organisations import (
    Organisation,
    OrganisationKind,
    OrganisationLink,
    Relationship,
)
from commissioning.store.models.people import Person, RoleType
from commissioning.store.models.services import Service, Setting

__all__ = [
    "AgeSexRegister",
    "Grouping",
    "GroupingKind",
    "Action",
    "AuditRecord",
    "Channel",
    "Activity",
    "ActivityKind",
    "ChangeKind",
    "CodeSystem",
    "CommissioningCommunity",
    "Condition",
    "ConditionRegister",
    "Contract",
    "DevelopmentStatus",
    "Domain",
    "DriverKind",
    "Frequency",
    "ExternalDriver",
    "Import",
    "ImportChange",
    "IncentiveScheme",
    "Indicator",
    "Nature",
    "Objective",
    "Observation",
    "Organisation",
    "OrganisationKind",
    "OrganisationLink",
    "OrganisationalChange",
    "Participation",
    "PaymentForm",
    "Polarity",
    "Person",
    "PracticePopulation",
    "ProcurementRoute",
    "Profile",
    "Relationship",
    "Role",
    "RoleType",
    "Service",
    "ServiceDevelopment",
    "Setting",
    "Sex",
    "SizeOfChange",
    "Spend",
    "Stage",
]
