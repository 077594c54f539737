from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        # django-allauth's admin pages are not the product's: its apps come from the settings
        # (accounts/policies.py), not from the database, and it keeps no e-mail addresses or
        # tokens of ours. The admin (first in INSTALLED_APPS) has registered them already.
        from allauth.account.models import EmailAddress
        from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
        from django.contrib import admin

        for model in (EmailAddress, SocialAccount, SocialApp, SocialToken):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
