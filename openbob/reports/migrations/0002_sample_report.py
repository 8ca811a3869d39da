"""Install the sample "My Book of Business" report that every user sees (CalHEERS'
"Sample Report: My Book of Business"). Users start from it and Save As."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SAMPLE = {
    "type": "consumers",
    "columns": [
        "consumer_name",
        "application_case_number",
        "contact_application_id",
        "eligibility_program",
        "year_of_application",
        "health_enrollment_name",
        "health_enrollment_status",
        "enroller_contact",
        "account_name",
        "phone",
        "email",
    ],
    "filters": [],
    "sort": [{"field": "consumer_name", "desc": False}],
    "group_by": None,
    "sums": [],
}


def install(apps: Any, schema_editor: Any) -> None:
    report = apps.get_model("reports", "Report")
    report.objects.create(
        name="My Book of Business",
        description="Every consumer in your book with their health enrollment.",
        sample=True,
        definition=SAMPLE,
    )


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("reports", "Report").objects.filter(sample=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
