from django.contrib import admin

from openbob.agencies.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "path", "allow_agent_exports", "cascade_export_block"]
    search_fields = ["name"]
    readonly_fields = ["path"]
