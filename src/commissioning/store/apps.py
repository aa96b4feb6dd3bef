from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "commissioning.store"
    label = "store"
    verbose_name = "Commissioning records"

    def ready(self):
        from commissioning.store import audit

        audit.connect()
