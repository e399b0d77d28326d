import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Web requests: a query may run 3 s, and a database that stops answering ends the request in the
# 503 page a second later (config/settings.py, core/database.py).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "3000")
application = get_wsgi_application()
