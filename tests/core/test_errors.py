import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def assert_site_page(response, status, heading):
    text = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{heading}</h1>" in text
    assert '<html lang="ru"' in text
    assert "/static/css/site.css" in text  # the site's own layout, from base.html
    assert f"<title>{heading} — Методическая копилка</title>" in text
    assert "Traceback" not in text


def test_404(anonymous, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anonymous.get("/no-such-page/")

    assert_site_page(response, 404, "Страница не найдена")
    assert "<code>/no-such-page/</code>" in response.content.decode()


def test_400_for_a_foreign_host(anonymous):
    response = anonymous.get("/", HTTP_HOST="evil.example")

    assert_site_page(response, 400, "Неверный запрос")


def test_403(anonymous, django_user_model):
    staff = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    anonymous.force_login(staff)

    response = anonymous.get("/admin/seminars/seminar/")

    assert_site_page(response, 403, "Доступ запрещён")


def test_403_for_a_missing_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "a", "password": "b"})

    assert_site_page(response, 403, "Форма устарела")


def test_500(anonymous, failing_urls, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anonymous.get("/broken/")

    assert_site_page(response, 500, "Ошибка на сервере")


def test_503_when_the_database_is_unreachable(anonymous, failing_urls):
    response = anonymous.get("/database-down/")

    assert_site_page(response, 503, "Сайт временно недоступен")
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "5999" not in response.content.decode()


def test_a_bad_query_stays_a_500(anonymous, failing_urls):
    response = anonymous.get("/bad-query/")

    assert_site_page(response, 500, "Ошибка на сервере")
