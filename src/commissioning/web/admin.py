"""The failed sign-ins in the admin (django-axes's records), for administrators only.

*Access attempts* are the accounts counting failures now (a locked one says "Locked Out");
deleting an account's row unlocks it at once. *Access failures* list every failed sign-in, with
the address it came from.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin

from commissioning.access.admin import PolicyAdminMixin


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
