from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import IsAuthenticated

from accounts.pages.signin import SignInView
from hrperf import health
from hrperf.headers import docs_policy

# The schema and its documentation are for signed-in users and API tokens only: the schema
# answers 401 to anyone else, the documentation pages send them to the login page.
schema_view = SpectacularAPIView.as_view(permission_classes=[IsAuthenticated])
docs_view = docs_policy(login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")))
redoc_view = docs_policy(
    login_required(
        SpectacularRedocView.as_view(url_name="api-schema", template_name="hrperf/redoc.html")
    )
)

# The admin site is the product's own, not "Django administration".
admin.site.site_header = _("hrperf administration")
admin.site.site_title = _("hrperf administration")
admin.site.index_title = _("hrperf administration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", RedirectView.as_view(pattern_name="reviews:dashboard"), name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("sso/", include("accounts.pages.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include("hrperf.api_urls")),
    path("api/schema/", schema_view, name="api-schema"),
    path("api/docs/", docs_view, name="api-docs"),
    path("api/redoc/", redoc_view, name="api-redoc"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("clients/", include("clients.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("calendars.urls")),
    path("", include("evidence.urls")),
    path("", include("selfassessments.urls")),
    path("", include("appeals.urls")),
    path("", include("improvement.urls")),
    path("", include("printouts.urls")),
    path("", include("notifications.urls")),
    path("", include("departments.urls")),
    path("", include("kpis.urls")),
    path("", include("reviews.urls")),
]

# /api/ paths answer errors in the API's JSON shape; other paths the product's own page.
handler400 = "hrperf.errors.bad_request"
handler403 = "hrperf.errors.permission_denied"
handler404 = "hrperf.errors.page_not_found"
handler500 = "hrperf.errors.server_error"
