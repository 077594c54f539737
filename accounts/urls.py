from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("lockouts/", views.lockout_list, name="lockouts"),
]
