from django.apps import AppConfig


class WorkConfig(AppConfig):
    """The work of commissioning: the records the development page keeps as the work happens
    (partners, decisions, risks and issues, planned benefits), beside the store's developments,
    objectives and activities."""

    name = "commissioning.work"
    label = "work"
    verbose_name = "The work of commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.work.records import register_access_rules

        register_access_rules()
