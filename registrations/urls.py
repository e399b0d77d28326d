from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("seminars/<int:year>/<slug:slug>/registration/", views.register, name="register"),
    path("seminars/<int:year>/<slug:slug>/registration/done/", views.done, name="done"),
    path("registration/cancel/<str:signed>/", views.cancel, name="cancel"),
    path("registration/consent/", views.consent, name="consent"),
]
