from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Monitoring with statistical process control: the recorded recalculations of a series'
    process limits beside the presenter that draws them."""

    name = "commissioning.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.monitoring.recalculations import register_access_rules

        register_access_rules()
