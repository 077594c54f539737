"""Feishu (飞书) sign-in: django-allauth's provider, at the addresses of FEISHU_BASE_URL."""
