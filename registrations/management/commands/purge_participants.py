from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from seminars.templatetags.russian import plural

from ...tasks import purge


class Command(BaseCommand):
    help = (
        "Удаляет персональные данные участников семинаров, прошедших больше "
        "PARTICIPANT_DATA_MONTHS месяцев назад; число участников по регионам и библиотекам "
        "остаётся. Фоновый обработчик делает это сам каждый час."
    )

    def handle(self, *args, **options):
        count, before = purge(timezone.localdate())
        months = plural(settings.PARTICIPANT_DATA_MONTHS, "месяц,месяца,месяцев")
        self.stdout.write(
            f"Персональные данные удалены: {plural(count, 'регистрация,регистрации,регистраций')} "
            f"семинаров, прошедших до {before:%d.%m.%Y} (срок хранения — {months})."
        )
