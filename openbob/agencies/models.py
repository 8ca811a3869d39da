"""The agency tree: an agency and its sub-agencies, to any depth."""

from __future__ import annotations

from django.db import models


class Agency(models.Model):
    """An agency (or an "Agency of One") and its place in the tree.

    `path` is a materialised path such as ``/1/7/12/``: the subtree of an agency is every
    agency whose path starts with its own, found with one indexed prefix query instead of
    a recursive walk. It is maintained by `openbob.agencies.services`, never by hand.
    """

    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    tax_id = models.CharField(max_length=20, blank=True)
    site_address = models.CharField(max_length=300, blank=True)
    allow_agent_exports = models.BooleanField(
        default=True,
        help_text="Allow exports for my agents (HealthSherpa's downline export switch).",
    )
    cascade_export_block = models.BooleanField(
        default=False,
        help_text="When agent exports are prevented, prevent them in every sub-agency too.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1
