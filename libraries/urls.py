from django.urls import path

from . import views

app_name = "libraries"

urlpatterns = [
    path("libraries/", views.library_list, name="library_list"),
    path("libraries/suggest.json", views.library_suggest, name="library_suggest"),
    path("libraries/<slug:slug>/", views.library_detail, name="library_detail"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<slug:slug>/", views.region_detail, name="region_detail"),
]
