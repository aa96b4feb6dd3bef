"""Addresses of the survey and network pages (mounted at the site root)."""

from django.urls import path

from commissioning.networks.views import influence, respond, surveys

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", respond.respond, name="respond"),
    path("communities/<slug:code>/surveys/", surveys.survey_list, name="list"),
    path("communities/<slug:code>/surveys/new/", surveys.survey_create, name="create"),
    path("communities/<slug:code>/surveys/<int:pk>/", surveys.survey_detail, name="detail"),
    path("communities/<slug:code>/surveys/<int:pk>/people/", surveys.add_people, name="add-people"),
    path(
        "communities/<slug:code>/surveys/<int:pk>/respondents/",
        surveys.upload_respondents,
        name="upload-respondents",
    ),
    path(
        "communities/<slug:code>/surveys/<int:pk>/responses/",
        surveys.import_responses,
        name="import-responses",
    ),
    path("communities/<slug:code>/surveys/<int:pk>/links/", surveys.make_links, name="links"),
    path(
        "communities/<slug:code>/surveys/<int:pk>/reminders/",
        surveys.send_reminders,
        name="reminders",
    ),
    path("communities/<slug:code>/surveys/<int:pk>/rates/", surveys.response_rates, name="rates"),
    path(
        "communities/<slug:code>/surveys/<int:pk>/rates.csv",
        surveys.response_rates_csv,
        name="rates-csv",
    ),
    path("communities/<slug:code>/network/", influence.network_page, name="network"),
    path(
        "communities/<slug:code>/network.<str:fmt>", influence.network_export, name="network-export"
    ),
]
