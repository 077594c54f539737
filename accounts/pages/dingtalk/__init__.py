"""DingTalk (钉钉) sign-in: django-allauth's provider, at the addresses of its settings."""
