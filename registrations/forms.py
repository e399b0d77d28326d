import re

from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse_lazy

from libraries.models import Library, Region
from seminars.models import Seminar

from .models import Registration

# Letters of any alphabet, with hyphens, spaces and apostrophes between them: «Анна-Мария»,
# «Салтыков-Щедрин», «Д'Артаньян».
NAME = RegexValidator(
    r"^[^\W\d_]+(?:[-' ’][^\W\d_]+)*$",
    "Только буквы, дефис и пробел.",
)


def phone_digits(value):
    digits = re.sub(r"\D", "", value)
    if not re.fullmatch(r"[\d\s()+\-]+", value) or not 6 <= len(digits) <= 15:
        raise forms.ValidationError("Телефон — от 6 до 15 цифр, например +7 914 123-45-67.")


class RegistrationForm(forms.ModelForm):
    # Bots fill every box; people never see this one (hidden by CSS and from screen readers).
    website = forms.CharField(label="Сайт (не заполняйте)", required=False, max_length=200)
    consent = forms.BooleanField(
        label="Согласен (согласна) на обработку моих персональных данных",
        error_messages={
            "required": "Без согласия на обработку персональных данных регистрация невозможна."
        },
    )
    library_text = forms.CharField(
        label="Библиотека",
        max_length=300,
        help_text="Начните вводить название — появятся библиотеки из архива; или напишите полностью.",
        widget=forms.TextInput(
            attrs={"data-suggest": reverse_lazy("libraries:library_suggest"), "autocomplete": "off"}
        ),
        error_messages={"required": "Укажите библиотеку, в которой вы работаете."},
    )

    class Meta:
        model = Registration
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "position",
            "library_text",
            "locality",
            "region",
            "email",
            "phone",
            "participation",
        ]
        labels = {"region": "Регион"}
        widgets = {"participation": forms.RadioSelect}
        error_messages = {
            "last_name": {"required": "Укажите фамилию."},
            "first_name": {"required": "Укажите имя."},
            "position": {"required": "Укажите должность."},
            "locality": {"required": "Укажите населённый пункт."},
            "region": {"required": "Выберите регион."},
            "email": {
                "required": "Укажите адрес электронной почты: на него придёт подтверждение.",
                "invalid": "Адрес электронной почты выглядит так: name@example.ru.",
            },
        }

    def __init__(self, *args, seminar, **kwargs):
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        for name in ("last_name", "first_name", "patronymic"):
            self.fields[name].validators.append(NAME)
        self.fields["phone"].validators.append(phone_digits)
        self.fields["email"].required = True
        self.fields["region"].required = True
        self.fields["region"].queryset = Region.objects.order_by("sort_key")
        self.fields["region"].empty_label = "— выберите —"
        self.fields["phone"].help_text = "Необязательно: на случай, если письмо не дойдёт."
        self.fields["patronymic"].help_text = "Если есть."
        self.fields["locality"].help_text = "Город, посёлок или село."
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.input_type = "tel"
        if seminar.format == Seminar.Format.BLENDED:
            self.fields["participation"].label = "Как вы будете участвовать"
            self.fields["participation"].choices = Registration.Participation.choices
        else:
            del self.fields["participation"]

    def clean_website(self):
        return self.cleaned_data["website"].strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = " ".join(value.split())
        return cleaned

    def validate_unique(self):
        # The one-per-address rule is answered by the view, after the row is tried (a race of
        # two submissions is settled by the database's constraint).
        pass

    def save(self, commit=True):
        registration = super().save(commit=False)
        registration.seminar = self.seminar
        text = self.cleaned_data["library_text"]
        # A suggestion submits the library's slug; typed text stays as written for staff to link.
        library = Library.objects.published().filter(slug=text).first()
        if library is not None:
            registration.library = library
            registration.library_text = str(library)
        if "participation" not in self.fields:
            online = self.seminar.format == Seminar.Format.ONLINE
            registration.participation = (
                Registration.Participation.ONLINE if online else Registration.Participation.OFFLINE
            )
        if commit:
            registration.save()
        return registration
