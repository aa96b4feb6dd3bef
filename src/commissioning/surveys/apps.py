from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "commissioning.surveys"
    label = "surveys"
    verbose_name = "Influence-network surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.access.policy import Rule, register_rules
        from commissioning.surveys import models

        register_rules(
            {
                models.Survey: Rule(community="community"),
                models.SurveyRespondent: Rule(community="survey__community"),
                models.Nomination: Rule(community="respondent__survey__community"),
            }
        )
