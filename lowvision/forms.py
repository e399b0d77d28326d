from django import forms
from django.db import models


class FontSize(models.TextChoices):
    LARGE = "large", "крупный"
    LARGER = "larger", "очень крупный"
    LARGEST = "largest", "максимальный"


class Scheme(models.TextChoices):
    # ГОСТ Р 52872-2019, 7.1.2: three colour schemes.
    BLACK_ON_WHITE = "bw", "чёрным по белому"
    WHITE_ON_BLACK = "wb", "белым по чёрному"
    BLUE = "blue", "тёмно-синим по голубому"


class Images(models.TextChoices):
    ON = "on", "показывать"
    OFF = "off", "не показывать"


class Spacing(models.TextChoices):
    NORMAL = "normal", "обычный"
    WIDE = "wide", "увеличенный"


class LowVisionForm(forms.Form):
    font = forms.ChoiceField(
        label="Размер шрифта", choices=FontSize, widget=forms.RadioSelect, initial=FontSize.LARGE
    )
    scheme = forms.ChoiceField(
        label="Цветовая схема",
        choices=Scheme,
        widget=forms.RadioSelect,
        initial=Scheme.BLACK_ON_WHITE,
    )
    images = forms.ChoiceField(
        label="Изображения", choices=Images, widget=forms.RadioSelect, initial=Images.ON
    )
    spacing = forms.ChoiceField(
        label="Расстояние между буквами",
        choices=Spacing,
        widget=forms.RadioSelect,
        initial=Spacing.NORMAL,
    )

    def html_classes(self):
        """Classes for <html>, from valid data: "lv lv-font-large lv-scheme-bw …"."""
        chosen = self.cleaned_data.items()
        return " ".join(["lv", *(f"lv-{name}-{value}" for name, value in chosen)])
