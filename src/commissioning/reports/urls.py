from django.urls import path

from commissioning.reports import views

app_name = "reports"

urlpatterns = [
    path("across.<str:fmt>", views.across, name="across"),
    path("<slug:code>.<str:fmt>", views.community, name="community"),
    path("<slug:code>/<slug:slug>.<str:fmt>", views.development, name="development"),
]
