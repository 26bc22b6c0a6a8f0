import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from shangliang.core import server  # noqa: E402  (after the application is loaded)

server.settle()
