"""Template context every public page needs."""

from django.urls import reverse

# What base.html links to on every page: header, footer and feeds.
SITE_URLS = {
    "home": "seminars:home",
    "seminars": "seminars:seminar_list",
    "talks": "seminars:talk_list",
    "speakers": "people:person_list",
    "libraries": "libraries:library_list",
    "regions": "libraries:region_list",
    "statistics": "seminars:statistics",
    "search": "seminars:search",
    "feed_rss": "seminars:feed_rss",
    "feed_atom": "seminars:feed_atom",
    "upcoming_ics": "seminars:upcoming_ics",
    "lowvision": "lowvision:settings",
    "about": "about",
    "api": "api:api-root",
    "api_schema": "api:schema",
    "archive_zip": "api:archive_zip",
    "archive_json": "api:archive_json",
}


def site_urls(request):
    return {"site_urls": {key: reverse(name) for key, name in SITE_URLS.items()}}


def organization(request):
    """Whose archive this is (None until entered in the admin): header, footer, titles."""
    from core.models import Organization

    return {"organization": Organization.current()}
