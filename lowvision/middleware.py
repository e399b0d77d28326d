from django.utils.cache import patch_vary_headers


def vary_on_cookie(get_response):
    """Pages differ with the low-vision cookie, so any cache must keep them apart by Cookie.

    Below the page cache in MIDDLEWARE, so the header is on the response before that cache stores it.
    """

    def middleware(request):
        response = get_response(request)
        patch_vary_headers(response, ["Cookie"])
        return response

    return middleware
