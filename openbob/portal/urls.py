from django.urls import path

from openbob.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("agents/", views.agents, name="agents"),
    path("consumers/", views.consumers, name="consumers"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("agency/", views.agency, name="agency"),
    path("profile/", views.profile, name="profile"),
]
