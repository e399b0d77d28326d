from django.http import QueryDict

from .forms import LowVisionForm

COOKIE = "lowvision"


def chosen(request):
    """The visitor's low-vision settings from the cookie, as a valid form, or None."""
    if not (raw := request.COOKIES.get(COOKIE)):
        return None
    form = LowVisionForm(QueryDict(raw))
    return form if form.is_valid() else None


def lowvision(request):
    # The server renders the chosen mode, so it works without JavaScript.
    form = chosen(request)
    return {"lowvision": form.html_classes() if form else ""}
