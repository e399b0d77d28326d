import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Создаёт администратора, если его ещё нет: имя и пароль из DJANGO_SUPERUSER_USERNAME и "
        "DJANGO_SUPERUSER_PASSWORD, иначе случайный пароль, который печатается один раз."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is not None:
            name = admin.get_username()
            self.stdout.write(
                f"Администратор уже есть: «{name}». Забыли пароль? Задайте новый: "
                f"python manage.py changepassword {name}"
            )
            return
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username, email=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""), password=password
        )
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Создан администратор «{username}» с паролем: {password}\n"
                    "Пароль показан один раз — сохраните его или смените: "
                    f"python manage.py changepassword {username}"
                )
            )
        else:
            self.stdout.write(f"Создан администратор «{username}».")
