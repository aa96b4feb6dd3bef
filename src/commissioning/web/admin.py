"""The Django admin of the stored records (registered by the web app, above the access policy): an
administrator can edit every record; others only what the policy allows.

The failed sign-ins are django-axes's records, for administrators only: *access attempts* are the
accounts counting failures now (a locked one says "Locked Out"); deleting an account's row
unlocks it at once. *Access failures* list every failed sign-in, with the address it came from.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin

from commissioning.access.admin import PolicyAdminMixin
from commissioning.store import models as m


class ParticipationInline(PolicyAdminMixin, admin.TabularInline):
    model = m.Participation
    extra = 1
    autocomplete_fields = ["person"]


class ObjectiveInline(PolicyAdminMixin, admin.TabularInline):
    model = m.Objective
    extra = 1


class OrganisationLinkInline(PolicyAdminMixin, admin.TabularInline):
    model = m.OrganisationLink
    fk_name = "child"
    extra = 0
    autocomplete_fields = ["parent"]


class IncentiveInline(PolicyAdminMixin, admin.TabularInline):
    model = m.IncentiveScheme
    extra = 0


@admin.register(m.Organisation)
class OrganisationAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["ods_code", "name", "kind", "valid_from", "valid_to", "synthetic"]
    list_filter = ["kind", "synthetic"]
    search_fields = ["ods_code", "name"]
    inlines = [OrganisationLinkInline]
    autocomplete_fields = ["successor"]


@admin.register(m.CommissioningCommunity)
class CommunityAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "commissioner", "population", "synthetic"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]


@admin.register(m.Person)
class PersonAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "role_type", "is_clinician", "organisation"]
    list_filter = ["role_type", "is_clinician", "communities"]
    search_fields = ["name", "email"]


@admin.register(m.Condition)
class ConditionAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code_system", "qof_register"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(m.Service)
class ServiceAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "community", "provider", "setting", "tier", "last_reviewed"]
    list_filter = ["community", "setting"]
    search_fields = ["name"]


@admin.register(m.Contract)
class ContractAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "title", "provider", "payment_form", "annual_value", "end_date"]
    list_filter = ["community", "payment_form", "procurement_route"]
    search_fields = ["reference", "title"]
    inlines = [IncentiveInline]


@admin.register(m.ServiceDevelopment)
class DevelopmentAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "community", "status", "start_date", "end_date"]
    list_filter = ["community", "status"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ObjectiveInline]


@admin.register(m.Activity)
class ActivityAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["date", "title", "development", "kind", "nature"]
    list_filter = ["community", "kind", "nature", "stages"]
    search_fields = ["title"]
    inlines = [ParticipationInline]


@admin.register(m.Indicator)
class IndicatorAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "domain", "unit", "polarity", "frequency"]
    list_filter = ["domain", "polarity"]
    search_fields = ["code", "name"]


@admin.register(m.Observation)
class ObservationAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "organisation", "service", "period", "value", "target"]
    list_filter = ["indicator"]
    raw_id_fields = ["organisation", "service"]


@admin.register(m.Grouping)
class GroupingAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "community", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]
    raw_id_fields = ["anchor"]


class PolicyModelAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Any other record: what a login may see and change follows the access policy."""


for model in (
    m.OrganisationLink,
    m.Stage,
    m.ExternalDriver,
    m.Objective,
    m.Spend,
    m.IncentiveScheme,
    m.PracticePopulation,
    m.ConditionRegister,
    m.AgeSexRegister,
    m.OrganisationalChange,
    m.Profile,
):
    admin.site.register(model, PolicyModelAdmin)


@admin.register(m.AuditRecord)
class AuditRecordAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail cannot be edited from the app; administrators only read it."""

    list_display = ["when", "username", "channel", "action", "model", "object_repr"]
    list_filter = ["channel", "action", "model"]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "when"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(PolicyAdminMixin, axes_admin.AccessAttemptAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessFailureLog)
class AccessFailureAdmin(PolicyAdminMixin, axes_admin.AccessFailureLogAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
