"""The pages of evidence: downloading one file."""

from django.urls import URLPattern, path

from evidence.views import evidence_download

app_name = "evidence"

urlpatterns: list[URLPattern] = [
    path("evidence/<int:evidence_id>/", evidence_download, name="download"),
]
