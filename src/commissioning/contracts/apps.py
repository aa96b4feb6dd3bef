from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "commissioning.contracts"
    label = "contracts"
    verbose_name = "Contract performance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.contracts.records import register_access_rules

        register_access_rules()
