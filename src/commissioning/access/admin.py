"""The Django admin, held to the same policy as the pages and the API.

Apply :class:`PolicyAdminMixin` before ``admin.ModelAdmin`` (and before ``TabularInline`` for
inlines): the lists show only records the login may read, the add/change/delete buttons follow
:func:`~commissioning.access.policy.editable` / :func:`~commissioning.access.policy.can_edit`,
drop-down choices are limited to what the login may read, and viewers' hidden fields (money) are
left out of lists and forms. Logging in to the admin still needs ``is_staff``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from commissioning.access.policy import (
    ADD,
    CHANGE,
    DELETE,
    can_edit,
    condition,
    editable,
    hidden_fields,
    scope_of,
    visible,
)


class PolicyAdminMixin:
    """ModelAdmin / InlineModelAdmin behaviour taken from :mod:`commissioning.access.policy`."""

    def get_queryset(self, request):
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return scope_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        if condition(request.user, self.model) is None:
            return False
        if obj is None:
            return True
        return visible(request.user, type(obj)).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, *args):
        return editable(request.user, self.model, ADD)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return editable(request.user, self.model, CHANGE)
        return can_edit(request.user, obj, CHANGE)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return editable(request.user, self.model, DELETE)
        return can_edit(request.user, obj, DELETE)

    def _limit(self, request, db_field, formfield):
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = visible(request.user, formfield.queryset)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._limit(request, db_field, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._limit(request, db_field, formfield)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded + sorted(hidden_fields(request.user, self.model))

    def get_fields(self, request, obj=None):
        hidden = hidden_fields(request.user, self.model)
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def get_list_display(self, request):
        hidden = hidden_fields(request.user, self.model)
        return [f for f in super().get_list_display(request) if f not in hidden]

    def save_model(self, request, obj, form, change):
        if not can_edit(request.user, obj, CHANGE if change else ADD):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        if not all(can_edit(request.user, obj, DELETE) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        if not can_edit(request.user, obj, DELETE):
            raise PermissionDenied
        super().delete_model(request, obj)
