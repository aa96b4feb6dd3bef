"""Mounted at /api/ by the web app's URLs."""

from django.urls import path

from commissioning.api.app import api

urlpatterns = [path("", api.urls)]
