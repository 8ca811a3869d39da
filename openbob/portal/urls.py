from django.urls import path

from openbob.portal import consumer_views, household_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("agents/", views.agents, name="agents"),
    path("consumers/", consumer_views.consumers, name="consumers"),
    path("consumers/transfer/", consumer_views.transfer, name="transfer"),
    path("households/<int:pk>/", household_views.household, name="household"),
    path("households/<int:pk>/reveal/", household_views.reveal, name="reveal"),
    path("households/<int:pk>/notes/", household_views.note, name="note"),
    path("households/<int:pk>/remove/", household_views.remove, name="remove_delegation"),
    path("agency/", views.agency, name="agency"),
    path("profile/", views.profile, name="profile"),
]
