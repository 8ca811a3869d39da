"""The token pages. `openbob.api.api` adds them to the API's own `api` URL namespace."""

from django.urls import path

from openbob.api import views

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
