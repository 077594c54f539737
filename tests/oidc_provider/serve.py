"""Start the test OpenID Connect provider: migrate its own SQLite database, make its people and
the product's client, then serve on 127.0.0.1:OIDC_PROVIDER_PORT until terminated.

    OIDC_PROVIDER_FOLDER=… OIDC_PROVIDER_KEY=… OIDC_PROVIDER_PORT=… OIDC_PROVIDER_PEOPLE=…
    OIDC_PROVIDER_CLIENT_ID=… OIDC_PROVIDER_CLIENT_SECRET=… python -m tests.oidc_provider.serve
"""

from __future__ import annotations

import os

import django


def prepare() -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from tests.oidc_provider.validators import people

    call_command("migrate", verbosity=0, interactive=False)
    for username, person in people().items():
        User.objects.create_user(
            username=username, password=person["password"], email=person.get("email", "")
        )
    Application.objects.create(
        name="hrperf",
        client_id=os.environ["OIDC_PROVIDER_CLIENT_ID"],
        client_secret=os.environ["OIDC_PROVIDER_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://testserver/sso/oidc/login/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    django.setup()
    prepare()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    run("127.0.0.1", int(os.environ["OIDC_PROVIDER_PORT"]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
