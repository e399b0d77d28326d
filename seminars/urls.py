from django.urls import path

from . import views

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
]
