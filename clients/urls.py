from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:client_id>/tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("<int:client_id>/webhooks/new/", views.webhook_create, name="webhook_create"),
    path("webhooks/<int:webhook_id>/disable/", views.webhook_disable, name="webhook_disable"),
    path("webhooks/<int:webhook_id>/deliveries/", views.delivery_log, name="deliveries"),
    path("my-tokens/", views.my_tokens, name="my_tokens"),
    path("my-tokens/<int:token_id>/revoke/", views.my_token_revoke, name="my_token_revoke"),
]
