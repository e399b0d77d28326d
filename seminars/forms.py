import re

from django import forms

# A valid floating-point number of HTML, the only value a number box may hold.
HTML_NUMBER = re.compile(r"-?(\d+|\d*\.\d+)([eE][-+]?\d+)?")


class NumberInput(forms.NumberInput):
    """A number box that does not send back text typed into it («abc», «2021,5»).

    HTML allows only a number as its value, and a browser shows such a box empty anyway; the
    field's error message says what was wrong.
    """

    def format_value(self, value):
        value = super().format_value(value)
        return value if value is None or HTML_NUMBER.fullmatch(str(value)) else None


class StatisticsForm(forms.Form):
    # Bounded: a year outside these makes no date and no sense.
    year_from = forms.IntegerField(
        label="С какого года", min_value=1990, max_value=2100, required=False, widget=NumberInput
    )
    year_to = forms.IntegerField(
        label="По какой год", min_value=1990, max_value=2100, required=False, widget=NumberInput
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            raise forms.ValidationError("Начальный год позже конечного.")
        return data

    def period(self, default):
        """(start, end) from valid input, else the default year."""
        if not self.is_valid():
            return default, default
        start = self.cleaned_data["year_from"] or self.cleaned_data["year_to"] or default
        return start, self.cleaned_data["year_to"] or start
