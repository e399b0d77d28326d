from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Регистрация участников"

    def ready(self):
        from seminars import statistics

        from .statistics import count

        # The statistics page counts participants from registrations where they exist.
        if count not in statistics.counters:
            statistics.counters.append(count)
