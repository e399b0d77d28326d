from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("seminars", views.SeminarViewSet, basename="seminar")
router.register("talks", views.TalkViewSet, basename="talk")
router.register("people", views.PersonViewSet, basename="person")
router.register("libraries", views.LibraryViewSet, basename="library")
router.register("regions", views.RegionViewSet, basename="region")
router.register("topics", views.TopicViewSet, basename="topic")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("archive.zip", views.archive_zip, name="archive_zip"),
    path("archive.json", views.archive_json, name="archive_json"),
    path("", include(router.urls)),
]
