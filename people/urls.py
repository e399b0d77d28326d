from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("speakers/", views.person_list, name="person_list"),
    path("speakers/<slug:slug>/", views.person_detail, name="person_detail"),
]
