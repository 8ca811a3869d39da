from django.urls import path

from openbob.alerts import views

app_name = "alerts"

urlpatterns = [
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", views.summary, name="summary"),
    path("preferences/", views.preferences, name="preferences"),
    path("aor-at-risk/", views.aor_at_risk, name="aor"),
    path("notifications/", views.notifications, name="bell"),
    path("seen/<slug:page>/", views.seen, name="seen"),
    path("badges/aor/", views.aor_badge, name="aor_badge"),
    path("badges/bell/", views.bell_badge, name="bell_badge"),
]
