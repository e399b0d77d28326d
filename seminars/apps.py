from django.apps import AppConfig


class SeminarsConfig(AppConfig):
    name = "seminars"
    verbose_name = "Семинары"

    def ready(self):
        from . import recovery

        recovery.connect()
