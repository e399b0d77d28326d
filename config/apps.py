from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes under a Russian name in the admin («Axes» otherwise)."""

    verbose_name = "Неудачные попытки входа"
