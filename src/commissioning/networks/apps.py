from django.apps import AppConfig


class NetworksConfig(AppConfig):
    """Influence networks: the surveys that ask who influences whom, and the network pages.

    The package was called ``surveys``; its app label stays ``surveys`` so that its database
    tables, migrations and addresses are unchanged."""

    name = "commissioning.networks"
    label = "surveys"
    verbose_name = "Influence networks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.access.policy import Rule, register_rules
        from commissioning.networks import models

        register_rules(
            {
                models.Survey: Rule(community="community"),
                models.SurveyRespondent: Rule(community="survey__community"),
                models.Nomination: Rule(community="respondent__survey__community"),
            }
        )
