from django.apps import AppConfig


class LowvisionConfig(AppConfig):
    name = "lowvision"
    verbose_name = "версия для слабовидящих"
