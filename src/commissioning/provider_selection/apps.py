from django.apps import AppConfig


class ProviderSelectionConfig(AppConfig):
    name = "commissioning.provider_selection"
    label = "provider_selection"
    verbose_name = "Provider selection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.provider_selection.records import register_access_rules

        register_access_rules()
