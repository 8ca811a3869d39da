from django.urls import path

from openbob.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("uploads/<int:pk>/", views.result, name="result"),
    path("uploads/<int:pk>/mapping/", views.mapping, name="mapping"),
    path("downloads/<str:token>/", views.download, name="download"),
    path("history/", views.history, name="history"),
    path("changes/", views.changes, name="changes"),
]
