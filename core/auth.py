from django.conf import settings


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
