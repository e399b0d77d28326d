from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class SeminarsConfig(AppConfig):
    name = "seminars"
    verbose_name = "Семинары"

    def ready(self):
        from config.cache import archive_changed

        # Any change to the archive drops the cached public pages (config/cache.py).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(archive_changed, dispatch_uid=f"archive_changed_{signal}")
