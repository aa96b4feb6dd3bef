from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from commissioning.web import views
from commissioning.web.throttle import ThrottledAuthenticationForm, admin_sign_in
from commissioning.web.views import audit as audit_views
from commissioning.web.views import contracts as contract_views
from commissioning.web.views import data as data_views
from commissioning.web.views import evaluation as evaluation_views
from commissioning.web.views import groupings as grouping_views
from commissioning.web.views import indicators as indicator_views
from commissioning.web.views import monitoring as monitoring_views
from commissioning.web.views import needs as needs_views
from commissioning.web.views import provider_selection as psr_views
from commissioning.web.views import setup as setup_views
from commissioning.web.views import work as work_views
from commissioning.web.views import work_overview as work_overview_views


def health(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", views.home, name="home"),
    path("health", health, name="health"),
    # Browsers ask for /favicon.ico for any page without an icon of its own (a report's file).
    path(
        "favicon.ico",
        RedirectView.as_view(
            url=static("vendor/nhsuk-frontend/assets/images/favicon.ico"), permanent=True
        ),
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # One sign-in page for everyone: the admin's own sign-in form is never used.
    path("admin/login/", admin_sign_in, name="admin-sign-in"),
    path("admin/", admin.site.urls),
    path("audit/", audit_views.audit, name="audit"),
    path("setup/", setup_views.setup, name="setup"),
    path("setup/area/", setup_views.setup_area, name="setup-area"),
    path("setup/login/", setup_views.setup_login, name="setup-login"),
    path("audit/imports/", audit_views.imports, name="imports"),
    path("audit/imports/<int:number>/", audit_views.import_detail, name="import-detail"),
    path("audit/imports/<int:number>/undo/", audit_views.import_undo, name="import-undo"),
    path("indicators/", indicator_views.library, name="indicators"),
    path("indicators/<path:code>/", indicator_views.indicator, name="indicator"),
    path("api/", include("commissioning.api.urls")),
    path("evidence/", include("commissioning.evidence.urls")),
    path("reports/", include("commissioning.reports.urls")),
    path("", include("commissioning.networks.urls")),
    path("communities/<slug:code>/", views.community, name="community"),
    path(
        "communities/<slug:code>/developments/", views.developments, name="community-developments"
    ),
    path(
        "communities/<slug:code>/developments/<slug:slug>/",
        views.development,
        name="development",
    ),
    # recording the work of commissioning (web/views/work.py)
    path(
        "communities/<slug:code>/new-development/",
        work_views.new_development,
        name="development-new",
    ),
    path("communities/<slug:code>/people/", work_views.people, name="community-people"),
    path(
        "communities/<slug:code>/developments/<slug:slug>/edit/",
        work_views.edit_development,
        name="development-edit",
    ),
    *[
        path(
            f"communities/<slug:code>/developments/<slug:slug>/{kind}/{route}",
            work_views.record,
            {"kind": kind},
            name=f"work-{kind}-{name}",
        )
        for kind in work_views.KINDS
        for route, name in (("new/", "new"), ("<int:pk>/edit/", "edit"))
    ],
    path(
        "communities/<slug:code>/developments/<slug:slug>/objectives/<int:objective_id>/evaluation/",
        evaluation_views.objective_evaluation,
        name="objective-evaluation",
    ),
    path("communities/<slug:code>/needs/", needs_views.needs_index, name="community-needs-index"),
    path(
        "communities/<slug:code>/needs/<slug:condition>/",
        needs_views.needs,
        name="community-needs",
    ),
    path("communities/<slug:code>/work/", work_overview_views.work_overview, name="community-work"),
    # the page's old address ("practice" means a GP practice in this field): bookmarks still work
    path(
        "communities/<slug:code>/practice/",
        login_required(
            RedirectView.as_view(pattern_name="community-work", permanent=True, query_string=True)
        ),
    ),
    path(
        "communities/<slug:code>/scorecard/<slug:measure_id>/",
        work_overview_views.scorecard_measure,
        name="scorecard-measure",
    ),
    path(
        "communities/<slug:code>/monitoring/",
        monitoring_views.community_monitoring,
        name="community-monitoring",
    ),
    path(
        "communities/<slug:code>/monitoring/recalculate/",
        monitoring_views.recalculation,
        name="monitoring-recalculation",
    ),
    path(
        "communities/<slug:code>/developments/<slug:slug>/monitoring/",
        monitoring_views.development_monitoring,
        name="development-monitoring",
    ),
    path(
        "communities/<slug:code>/groupings/",
        grouping_views.groupings,
        name="community-groupings",
    ),
    path(
        "communities/<slug:code>/groupings/<slug:grouping>/",
        grouping_views.grouping,
        name="community-grouping",
    ),
    path("communities/<slug:code>/import/", data_views.import_page, name="community-import"),
    path(
        "communities/<slug:code>/import/templates/<slug:kind>.<str:fmt>",
        data_views.import_template,
        name="import-template",
    ),
    path(
        "communities/<slug:code>/export/<slug:kind>.<str:fmt>",
        data_views.export_list,
        name="export-list",
    ),
    *[
        path(f"communities/<slug:code>/provider-selection/{route}", view, name=name)
        for route, view, name in (
            ("", psr_views.index, "provider-selection"),
            ("new/", psr_views.new, "provider-selection-new"),
            ("awards.<str:fmt>", psr_views.register_download, "provider-selection-register"),
            ("ocds.json", psr_views.ocds_package, "provider-selection-ocds"),
            ("<slug:reference>/", psr_views.record, "provider-selection-record"),
            ("<slug:reference>/edit/", psr_views.edit, "provider-selection-edit"),
            ("<slug:reference>/add/<slug:part>/", psr_views.add_part, "provider-selection-part"),
            ("<slug:reference>/finalise/", psr_views.finalise, "provider-selection-finalise"),
            ("<slug:reference>/amend/", psr_views.amend, "provider-selection-amend"),
            ("<slug:reference>/verify/", psr_views.verify, "provider-selection-verify"),
            ("<slug:reference>/record.pdf", psr_views.record_pdf, "provider-selection-pdf"),
            (
                "<slug:reference>/assessments/<int:pk>/",
                psr_views.assessment,
                "provider-selection-assessment",
            ),
        )
    ],
    path("communities/<slug:code>/contracts/", contract_views.index, name="contracts"),
    path(
        "communities/<slug:code>/contracts/import/",
        contract_views.import_page,
        name="contracts-import",
    ),
    path(
        "communities/<slug:code>/contracts/<path:reference>/monitoring/",
        monitoring_views.contract_monitoring,
        name="contract-monitoring",
    ),
    path(
        "communities/<slug:code>/contracts/<path:reference>/lines/<str:line>/",
        contract_views.line,
        name="contract-line",
    ),
    path(
        "communities/<slug:code>/contracts/<path:reference>/performance.<str:fmt>",
        contract_views.download,
        name="contract-download",
    ),
    path(
        "communities/<slug:code>/contracts/<path:reference>/record/<slug:part>/",
        contract_views.record,
        name="contract-record",
    ),
    path(
        "communities/<slug:code>/contracts/<path:reference>/",
        contract_views.contract,
        name="contract",
    ),
]
