from django import forms


class StatisticsForm(forms.Form):
    # Bounded: a year outside these makes no date and no sense.
    year_from = forms.IntegerField(
        label="С какого года", min_value=1990, max_value=2100, required=False
    )
    year_to = forms.IntegerField(
        label="По какой год", min_value=1990, max_value=2100, required=False
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
