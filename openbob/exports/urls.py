from django.urls import path

from openbob.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/", views.switch, name="settings"),
    path("download/<str:token>/", views.download, name="download"),
    path("jobs/<int:pk>/link/", views.link, name="link"),
    path("jobs/<int:pk>/retry/", views.retry, name="retry"),
    path("jobs/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<slug:kind>/", views.new, name="new"),
    path("<slug:kind>/legend/", views.legend, name="legend"),
]
