from django.urls import path

from commissioning.reports import pages, views

app_name = "reports"

urlpatterns = [
    path("inbox/", pages.inbox, name="inbox"),
    path("inbox/run/", pages.run_digest, name="run"),
    path("inbox/<int:pk>/", pages.message, name="message"),
    path("inbox/<int:pk>/read/", pages.mark, name="mark"),
    path("subscriptions/", pages.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/remove/", pages.remove, name="remove"),
    path("subscriptions/<int:pk>/email/", pages.toggle_email, name="email"),
    path("follow/", pages.follow, name="follow"),
    path("across.<str:fmt>", views.across, name="across"),
    path("<slug:code>.<str:fmt>", views.community, name="community"),
    path("<slug:code>/<slug:slug>.<str:fmt>", views.development, name="development"),
]
