from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "commissioning.web"
    label = "web"
    verbose_name = "Web app"
