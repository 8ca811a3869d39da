"""Support staff post portal-wide broadcasts and look at summary runs in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openbob.alerts.models import Broadcast, ExchangeNotice, SummaryRun


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin[Broadcast]):
    list_display = ("title", "category", "starts_at", "ends_at", "posted_by")
    list_filter = ("category",)
    exclude = ("posted_by",)

    def save_model(self, request: HttpRequest, obj: Broadcast, form: Any, change: bool) -> None:
        if not change:
            obj.posted_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(SummaryRun)
class SummaryRunAdmin(admin.ModelAdmin[SummaryRun]):
    list_display = ("day", "status", "due_at", "finished_at", "summaries", "items")
    readonly_fields = [f.name for f in SummaryRun._meta.fields]


@admin.register(ExchangeNotice)
class ExchangeNoticeAdmin(admin.ModelAdmin[ExchangeNotice]):
    list_display = ("household", "topic", "key", "since", "resolved_on")
    raw_id_fields = ("household",)
