from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "commissioning.reports"
    label = "reports"
    verbose_name = "Reports and alerts"
    default_auto_field = "django.db.models.BigAutoField"
