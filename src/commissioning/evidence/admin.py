from django.contrib import admin

from commissioning.access.admin import PolicyAdminMixin
from commissioning.evidence.models import Code, Codebook, Evidence, Passage, ProposedActivity


@admin.register(Evidence)
class EvidenceAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "community", "kind", "date", "confidentiality")
    list_filter = ("kind", "confidentiality", "community")
    search_fields = ("title", "author")
    exclude = ("content",)
    readonly_fields = ("filename", "size", "added", "added_by")


class CodeInline(PolicyAdminMixin, admin.TabularInline):
    model = Code
    extra = 0
    fields = ("key", "name", "group", "order", "parent")


@admin.register(Codebook)
class CodebookAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "community")
    inlines = [CodeInline]


@admin.register(Passage)
class PassageAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("evidence", "start", "end")
    filter_horizontal = ("codes",)


@admin.register(ProposedActivity)
class ProposedActivityAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "community", "start", "hours", "development", "status")
    list_filter = ("status", "community")
