from django.shortcuts import render

from .models import Seminar


def home(request):
    seminars = Seminar.objects.published().select_related("organizer", "organizer__parent")
    return render(request, "home.html", {"seminars": seminars[:20]})
