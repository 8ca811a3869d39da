from django.urls import path

from openbob.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("transfer/", views.transfer, name="transfer"),
    path("export/", views.export_cases, name="export"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/interactions/", views.log_interaction, name="log"),
    path("cases/<int:pk>/update/", views.update_case, name="update"),
]
