"""Subscriptions and inbox messages in the admin (administrators only: the policy's default)."""

from django.contrib import admin

from commissioning.access.admin import PolicyAdminMixin
from commissioning.reports.models import InboxMessage, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "indicator", "development", "community", "by_email", "last_sent"]
    list_filter = ["by_email"]
    raw_id_fields = ["user", "indicator", "development", "community"]
    readonly_fields = ["last_sent", "state"]


@admin.register(InboxMessage)
class InboxMessageAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "created", "subject", "read", "emailed"]
    list_filter = ["read", "emailed"]
    readonly_fields = ["created", "items"]
