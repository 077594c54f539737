from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from hrperf import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("", RedirectView.as_view(pattern_name="reviews:dashboard"), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include("hrperf.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="hrperf/redoc.html"),
        name="api-redoc",
    ),
    path("clients/", include("clients.urls")),
    path("", include("departments.urls")),
    path("", include("kpis.urls")),
    path("", include("reviews.urls")),
]

# /api/ paths answer errors in the API's JSON shape; other paths the product's own page.
handler400 = "hrperf.errors.bad_request"
handler403 = "hrperf.errors.permission_denied"
handler404 = "hrperf.errors.page_not_found"
handler500 = "hrperf.errors.server_error"
