"""The WSGI application (gunicorn hrperf.wsgi:application).

With DEBUG off, every page names its static files through the manifest that `collectstatic`
writes; without it each page would fail, so the server refuses to start and says what to run.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrperf.settings")


def check_static_files() -> None:
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return
    if not storage.exists(storage.manifest_name):
        raise ImproperlyConfigured(
            f"The static files are not collected in {settings.STATIC_ROOT}: run "
            "`python manage.py collectstatic --no-input` before starting the server."
        )


application = get_wsgi_application()
check_static_files()
