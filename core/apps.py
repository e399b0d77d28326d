from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Общее"

    def ready(self):
        from core.cache import archive_changed

        # Any change to the archive drops the cached public pages (core/cache.py).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(archive_changed, dispatch_uid=f"archive_changed_{signal}")
        engines = {database["ENGINE"] for database in settings.DATABASES.values()}
        if settings.DATABASE_WAIT_SECONDS and "django.db.backends.postgresql" in engines:
            from core.database import bound_waits

            bound_waits()


class AxesConfig(AxesAppConfig):
    """django-axes under a Russian name in the admin («Axes» otherwise)."""

    verbose_name = "Неудачные попытки входа"


class ArchiveAdminConfig(AdminConfig):
    """Django's admin with our site: the home page ordered by what staff do most."""

    default_site = "core.sites.ArchiveAdminSite"
