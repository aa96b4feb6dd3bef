from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "commissioning.surveys"
    label = "surveys"
    verbose_name = "Influence-network surveys"
    default_auto_field = "django.db.models.BigAutoField"
