"""Addresses of the survey and network pages (mounted at the site root)."""

from django.urls import path

from commissioning.networks import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.respond, name="respond"),
    path("communities/<slug:code>/surveys/", views.survey_list, name="list"),
    path("communities/<slug:code>/surveys/new/", views.survey_create, name="create"),
    path("communities/<slug:code>/surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("communities/<slug:code>/surveys/<int:pk>/people/", views.add_people, name="add-people"),
    path(
        "communities/<slug:code>/surveys/<int:pk>/respondents/",
        views.upload_respondents,
        name="upload-respondents",
    ),
    path(
        "communities/<slug:code>/surveys/<int:pk>/responses/",
        views.import_responses,
        name="import-responses",
    ),
    path("communities/<slug:code>/surveys/<int:pk>/links/", views.make_links, name="links"),
    path(
        "communities/<slug:code>/surveys/<int:pk>/reminders/",
        views.send_reminders,
        name="reminders",
    ),
    path("communities/<slug:code>/surveys/<int:pk>/rates/", views.response_rates, name="rates"),
    path(
        "communities/<slug:code>/surveys/<int:pk>/rates.csv",
        views.response_rates_csv,
        name="rates-csv",
    ),
    path("communities/<slug:code>/network/", views.network_page, name="network"),
    path("communities/<slug:code>/network.<str:fmt>", views.network_export, name="network-export"),
]
