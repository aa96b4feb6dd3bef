from django.apps import AppConfig


class ProviderSelectionConfig(AppConfig):
    name = "commissioning.provider_selection"
    label = "provider_selection"
    verbose_name = "Provider selection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.provider_selection.records import register_access_rules

        register_access_rules()

        from django.db.models.signals import m2m_changed

        from commissioning.provider_selection.models import (
            DecisionRecord,
            refuse_links_to_finalised,
        )

        for through in (DecisionRecord.services.through, DecisionRecord.activities.through):
            m2m_changed.connect(
                refuse_links_to_finalised, sender=through, dispatch_uid=f"psr-{through.__name__}"
            )
