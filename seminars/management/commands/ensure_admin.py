import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Creates an administrator if there is none: credentials from DJANGO_SUPERUSER_USERNAME / "
        "DJANGO_SUPERUSER_PASSWORD, otherwise a random password printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True, is_active=True).exists():
            self.stdout.write("Администратор уже есть.")
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
