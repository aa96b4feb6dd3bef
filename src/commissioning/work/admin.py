"""The work of commissioning in the admin, under the access policy (administrators mend records
the development page cannot, such as deleting one)."""

from django.contrib import admin

from commissioning.access.admin import PolicyAdminMixin
from commissioning.work.models import (
    Benefit,
    Decision,
    DecisionOption,
    EvidenceLink,
    Interest,
    Partner,
    Risk,
)


class OptionInline(PolicyAdminMixin, admin.TabularInline):
    model = DecisionOption
    extra = 0


class LinkInline(PolicyAdminMixin, admin.TabularInline):
    model = EvidenceLink
    extra = 0


class InterestInline(PolicyAdminMixin, admin.TabularInline):
    model = Interest
    extra = 0


@admin.register(Decision)
class DecisionAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "development", "date", "forum")
    inlines = [OptionInline, LinkInline, InterestInline]


@admin.register(Risk)
class RiskAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("description", "development", "kind", "likelihood", "impact", "review_date")
    list_filter = ("kind", "status")


@admin.register(Benefit)
class BenefitAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("description", "development", "objective")


@admin.register(Partner)
class PartnerAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "development")
