from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "commissioning.web"
    label = "web"
    verbose_name = "Web app"

    def ready(self):
        from commissioning.analytics.disclosure import configured_policy

        configured_policy()  # a bad small-numbers setting stops the app with a plain message
