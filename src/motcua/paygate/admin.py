"""Admin for the simulator's merchants and the transactions made at it."""

from django.contrib import admin
from django.db import models

from .models import Merchant, SimTransaction


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("tmn_code", "name", "ipn_url", "is_active")
    list_filter = ("is_active",)
    search_fields = ("tmn_code", "name")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SimTransaction)
class SimTransactionAdmin(admin.ModelAdmin):
    list_display = (
        "txn_ref",
        "merchant",
        "amount_x100",
        "status",
        "response_code",
        "transaction_no",
        "scenario",
        "ipn_status",
        "created_at",
    )
    list_filter = ("status", "scenario", "ipn_status", "merchant")
    search_fields = ("txn_ref", "transaction_no", "order_info")
    readonly_fields = [f.name for f in SimTransaction._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
