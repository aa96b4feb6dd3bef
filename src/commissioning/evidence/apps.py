from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "commissioning.evidence"
    label = "evidence"
    verbose_name = "Evidence log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.evidence import search

        search.connect_signals()
