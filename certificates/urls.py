from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/<str:number>/", views.verify, name="verify"),
    path("certificates/<str:number>/pdf/", views.download, name="download"),
]
