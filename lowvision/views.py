from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .context_processors import COOKIE, chosen
from .forms import LowVisionForm

ONE_YEAR = 365 * 24 * 60 * 60


def _next_url(request):
    """Where to go back to: the page the visitor came from, if it is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("seminars:home")


@require_http_methods(["GET", "POST"])
def settings_page(request):
    next_url = _next_url(request)
    if request.method == "GET" and "off" in request.GET:
        # «Обычная версия» in every page's header: one click, no form (pages are cached whole,
        # so they carry no CSRF token). Turning the mode off is harmless if someone else asks.
        response = redirect(next_url)
        response.delete_cookie(COOKIE, samesite="Lax")
        return response
    if request.method == "POST":
        response = redirect(next_url)
        if "off" in request.POST:
            response.delete_cookie(COOKIE, samesite="Lax")
            return response
        form = LowVisionForm(request.POST)
        if form.is_valid():
            value = QueryDict(mutable=True)
            value.update(form.cleaned_data)
            response.set_cookie(
                COOKIE,
                value.urlencode(),
                max_age=ONE_YEAR,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
            return response
        status = 400
    else:
        current = chosen(request)
        form = LowVisionForm(initial=current.cleaned_data if current else None)
        status = 200
    context = {
        "page_title": "Версия для слабовидящих",
        "page_description": "Крупный шрифт, контрастные цвета, отключение изображений.",
        "form": form,
        "next": next_url,
    }
    return render(request, "lowvision/settings.html", context, status=status)
