from django.urls import path

from . import feeds, views

app_name = "seminars"

urlpatterns = [
    path("", views.home, name="home"),
    path("seminars/", views.seminar_list, name="seminar_list"),
    path("seminars/<int:year>/<slug:slug>/", views.seminar_detail, name="seminar_detail"),
    path(
        "seminars/<int:year>/<slug:slug>/resolution/",
        views.resolution_print,
        name="resolution_print",
    ),
    path("talks/", views.talk_list, name="talk_list"),
    path("talks/export.<str:fmt>", views.talk_export, name="talk_export"),
    path("seminars/suggest.json", views.seminar_suggest, name="seminar_suggest"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/report.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("feeds/seminars.rss", feeds.LatestSeminarsFeed(), name="feed_rss"),
    path("feeds/seminars.atom", feeds.LatestSeminarsAtomFeed(), name="feed_atom"),
    path("feeds/regions/<slug:slug>.rss", feeds.RegionSeminarsFeed(), name="region_feed_rss"),
    path("feeds/regions/<slug:slug>.atom", feeds.RegionSeminarsAtomFeed(), name="region_feed_atom"),
    path("calendar/upcoming.ics", feeds.upcoming_ics, name="upcoming_ics"),
    path("calendar/regions/<slug:slug>.ics", feeds.region_ics, name="region_ics"),
    path("calendar/organizers/<slug:slug>.ics", feeds.organizer_ics, name="organizer_ics"),
    path("seminars/<int:year>/<slug:slug>/calendar.ics", feeds.seminar_ics, name="seminar_ics"),
    path("search/", views.search, name="search"),
    path("talks/<int:pk>/materials/", views.talk_materials, name="talk_materials"),
]
