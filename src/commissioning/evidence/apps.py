from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "commissioning.evidence"
    label = "evidence"
    verbose_name = "Evidence log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.access.policy import Rule, register_rules
        from commissioning.evidence import search
        from commissioning.evidence.models import Confidentiality, Evidence

        # Evidence belongs to a community; confidential evidence is read only by the
        # community's commissioners and administrators; commissioners add and code it.
        register_rules(
            {
                Evidence: Rule(
                    community="community",
                    providers="all",
                    confidential=("confidentiality", Confidentiality.CONFIDENTIAL),
                )
            }
        )
        search.connect_signals()
