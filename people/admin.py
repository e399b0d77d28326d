from django.contrib import admin

from core.admin import ArchiveAdmin
from core.duplicates import DuplicatesAdminMixin, LookalikeWarningForm
from core.lists import count_of
from seminars.models import TalkSpeaker

from .models import Person


class PersonForm(LookalikeWarningForm):
    lookalike_fields = ("last_name", "first_name", "patronymic")

    class Meta:
        model = Person
        fields = "__all__"

    def find_lookalikes(self, data):
        return Person.objects.lookalikes(
            data.get("last_name", ""), data.get("first_name", ""), data.get("patronymic", "")
        )


class SpeakerRoleInline(admin.TabularInline):
    model = TalkSpeaker
    fields = ["talk", "position", "library", "department"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = "выступление"
    verbose_name_plural = "выступления (должность и место работы на момент доклада)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "person", "talk__seminar", "library__parent__parent", "department__library"
            )
        )


@admin.register(Person)
class PersonAdmin(DuplicatesAdminMixin, ArchiveAdmin):
    accusative = "человека"
    form = PersonForm
    list_display = ["full_name", "consent", "talk_count"]
    list_filter = ["consent"]
    search_fields = ["sort_key"]
    inlines = [SpeakerRoleInline]
    fieldsets = [
        ("ФИО", {"fields": ["last_name", "first_name", "patronymic"]}),
        (
            "Согласие на публикацию (152-ФЗ)",
            {"fields": ["consent", "consent_date", "consent_note"]},
        ),
        ("Для страницы на сайте", {"fields": ["photo", "bio", "slug"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(talk_count=count_of(TalkSpeaker, "person"))

    @admin.display(description="ФИО", ordering="sort_key")
    def full_name(self, person):
        return person.full_name

    # Not sortable: sorting by it would count the talks of every person in the archive.
    @admin.display(description="докладов")
    def talk_count(self, person):
        return person.talk_count
