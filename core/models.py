from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.functional import cached_property
from solo.models import SingletonModel

from core.uploads import SafeImageField

# What the cache holds while no organisation has been entered (None means "not looked up").
ABSENT = "absent"


class Organization(SingletonModel):
    """Whose archive this is: entered once in the admin, shown on every page, in feeds and
    JSON-LD, and on the printed resolution."""

    name = models.CharField(
        "полное название",
        max_length=300,
        help_text="Как в уставе: КГБУ «Камчатская краевая детская библиотека им. В. Кручины».",
    )
    short_name = models.CharField(
        "краткое название",
        max_length=150,
        blank=True,
        help_text="Для шапки сайта и заголовков вкладок: «Краевая детская библиотека им. В. Кручины».",
    )
    department = models.CharField(
        "отдел",
        max_length=200,
        blank=True,
        help_text="Кто ведёт архив: «Отдел научно-методической и проектной работы».",
    )
    logo = SafeImageField(
        "логотип",
        upload_to="core/logo/",
        blank=True,
        help_text=(
            "JPEG, PNG или WebP, до 5 МБ, лучше квадратный. Картинка будет пересохранена "
            "без метаданных. Без логотипа в шапке показан значок копилки."
        ),
    )
    address = models.CharField(
        "адрес", max_length=300, blank=True, help_text="Почтовый адрес с индексом."
    )
    phone = models.CharField("телефон", max_length=100, blank=True, help_text="+7 (4152) 00-00-00")
    email = models.EmailField("электронная почта", blank=True)
    website = models.URLField("сайт организации", blank=True)
    about = models.TextField(
        "о проекте",
        blank=True,
        help_text="Несколько абзацев для страницы «О проекте»; абзацы разделяйте пустой строкой.",
    )

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организация"

    def __str__(self):
        return self.name or settings.SITE_NAME

    @classmethod
    def current(cls):
        """The organisation, or None while none has been entered.

        Kept in the cache under the archive's generation (core/cache.py): a save replaces the
        generation, so every worker sharing the cache reads the new record once, and pages never
        pay a query for it.
        """
        key = cache_key()
        stored = cache.get(key)
        if stored is None:
            stored = cls.objects.filter(pk=cls.singleton_instance_id).first() or ABSENT
            cache.set(key, stored, None)
        return None if stored == ABSENT else stored

    def set_to_cache(self):
        # SingletonModel.save() calls this: the saving request (and a test that never commits)
        # sees the new record at once; other workers once the generation changes on commit.
        cache.set(cache_key(), self, None)

    @classmethod
    def clear_cache(cls):
        cache.set(cache_key(), ABSENT, None)

    @cached_property
    def title(self):
        """The name for a header or a tab: the short one if there is one."""
        return self.short_name or self.name

    @cached_property
    def about_paragraphs(self):
        return [part.strip() for part in self.about.split("\n\n") if part.strip()]

    def schema_org(self, request=None):
        """schema.org Organization for JSON-LD (`publisher` of a seminar page, feeds' author)."""
        data = {"@type": "Organization", "name": self.name}
        if self.department:
            data["department"] = {"@type": "Organization", "name": self.department}
        if self.website:
            data["url"] = self.website
        if self.email:
            data["email"] = self.email
        if self.phone:
            data["telephone"] = self.phone
        if self.address:
            data["address"] = {
                "@type": "PostalAddress",
                "streetAddress": self.address,
                "addressCountry": "RU",
            }
        if self.logo and request is not None:
            data["logo"] = request.build_absolute_uri(self.logo.url)
        return data


def cache_key():
    from core.cache import generation

    return f"organization:{generation()}"


def remember_absent():
    """What a test database without the record holds, so that pages read no more than they would
    in production with a warm cache."""
    cache.set(cache_key(), ABSENT, None)
