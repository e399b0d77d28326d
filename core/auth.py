import math

from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The client's address for login throttling (django-axes).

    Behind the reverse proxy every request comes from the proxy's address; the proxy passes the
    real one in X-Real-IP (docs/deployment.md). The header is trusted only from a trusted proxy,
    so a client cannot pick its own address to dodge the lockout.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.TRUSTED_PROXIES:
        return request.META.get("HTTP_X_REAL_IP", remote).strip() or remote
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The «Вход временно закрыт» page (django-axes' AXES_LOCKOUT_CALLABLE), with the time the
    lock lifts: the last failure counted plus the cool-off. Attempts during the lock are not
    counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so that time does not move."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    last_failure = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
    ).aggregate(last=Max("attempt_time"))["last"]
    unlock_at = (last_failure or timezone.now()) + cool_off
    seconds = max(0, math.ceil((unlock_at - timezone.now()).total_seconds()))
    context = {
        "unlock_at": timezone.localtime(unlock_at),
        "today": timezone.localdate(),
        "minutes": max(1, math.ceil(seconds / 60)),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
