from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from core.admin import ArchiveAdmin, DropdownFilter
from core.duplicates import DuplicatesAdminMixin, LookalikeWarningForm
from core.versions import StaleRowsFormSetMixin, VersionWidgetMixin

from .models import Department, Library, Locality, Region


@admin.register(Region)
class RegionAdmin(ArchiveAdmin):
    accusative = "регион"
    list_display = ["name", "kind", "federal_district", "code"]
    list_filter = ["federal_district", "kind"]
    search_fields = ["sort_key", "code"]
    readonly_fields = ["slug"]


@admin.register(Locality)
class LocalityAdmin(ArchiveAdmin):
    accusative = "населённый пункт или район"
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region__federal_district"]
    list_select_related = ["region"]
    search_fields = ["sort_key", "region__sort_key"]
    autocomplete_fields = ["region"]
    readonly_fields = ["slug"]


class LibraryForm(LookalikeWarningForm):
    lookalike_fields = ("name",)

    class Meta:
        model = Library
        fields = "__all__"

    def find_lookalikes(self, data):
        return Library.objects.lookalikes(data.get("name", "")).select_related("parent__parent")


class DepartmentFormSet(StaleRowsFormSetMixin, BaseInlineFormSet):
    pass


class DepartmentInline(VersionWidgetMixin, admin.TabularInline):
    model = Department
    formset = DepartmentFormSet
    fields = ["name", "kind"]
    extra = 0


class BranchInline(admin.TabularInline):
    model = Library
    fk_name = "parent"
    fields = ["legal_form", "name", "locality", "is_published"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    verbose_name = "филиал или подразделение"
    verbose_name_plural = "филиалы и подразделения"
    can_delete = False


@admin.register(Library)
class LibraryAdmin(DuplicatesAdminMixin, ArchiveAdmin):
    accusative = "библиотеку"
    form = LibraryForm
    list_display = ["__str__", "region", "locality", "is_published"]
    list_filter = ["is_published", "region__federal_district", ("region", DropdownFilter)]
    list_select_related = ["parent__parent", "region", "locality"]
    search_fields = [
        "sort_key",
        "short_name",
        "legal_form",
        "parent__sort_key",
        "parent__short_name",
    ]
    autocomplete_fields = ["parent", "region", "locality"]
    inlines = [DepartmentInline, BranchInline]
    fieldsets = [
        ("Название", {"fields": ["legal_form", "name", "short_name"]}),
        ("Место в сети библиотек", {"fields": ["parent", "region", "locality"]}),
        ("Почтовый адрес", {"fields": ["street_address", "postal_code"]}),
        ("На сайте", {"fields": ["website", "logo", "slug", "is_published"]}),
    ]

    def validate_merge(self, keep, duplicates):
        for duplicate in duplicates:
            ancestor = keep.parent
            while ancestor is not None:
                if ancestor.pk == duplicate.pk:
                    raise ValidationError(
                        f"«{duplicate}» — головная организация для «{keep}»: "
                        "нельзя объединить библиотеку с её же подразделением."
                    )
                ancestor = ancestor.parent


@admin.register(Department)
class DepartmentAdmin(ArchiveAdmin):
    accusative = "отдел"
    list_display = ["name", "kind", "library"]
    list_filter = ["kind"]
    list_select_related = ["library__parent"]
    search_fields = ["sort_key", "library__sort_key", "library__short_name"]
    autocomplete_fields = ["library"]
