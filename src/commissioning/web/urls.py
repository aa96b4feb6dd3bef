from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

from commissioning.web import views
from commissioning.web.throttle import ThrottledAuthenticationForm


def health(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", views.home, name="home"),
    path("health", health, name="health"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("commissioning.api.urls")),
    path("communities/<slug:code>/", views.community, name="community"),
    path(
        "communities/<slug:code>/developments/", views.developments, name="community-developments"
    ),
    path(
        "communities/<slug:code>/developments/<slug:slug>/",
        views.development,
        name="development",
    ),
]
