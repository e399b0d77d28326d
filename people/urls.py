from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("speakers/", views.person_list, name="person_list"),
    path("speakers/suggest.json", views.person_suggest, name="person_suggest"),
    path("speakers/<slug:slug>/", views.person_detail, name="person_detail"),
]
