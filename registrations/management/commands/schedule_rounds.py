from django.core.management.base import BaseCommand

from ...tasks import schedule


class Command(BaseCommand):
    help = (
        "Ставит в очередь фонового обработчика ежечасный обход: напоминания накануне семинара, "
        "благодарности после него, удаление персональных данных участников по сроку. "
        "Повторный запуск ничего не добавляет."
    )

    def handle(self, *args, **options):
        schedule()
        self.stdout.write("Ежечасный обход участников стоит в очереди фонового обработчика.")
