from django.urls import path

from openbob.delegations import views

app_name = "delegations"

urlpatterns = [
    path("", views.pending, name="pending"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("tool/", views.search, name="tool"),
    path("tool/<int:pk>/phone/", views.phone, name="phone"),
    path("tool/<int:pk>/code/", views.code, name="code"),
]
