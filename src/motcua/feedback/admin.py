"""PAKN in the admin: read only (they change through the portal and the back office)."""

from django.contrib import admin

from motcua.lib.admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin

from .models import Feedback, FeedbackAttachment


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FeedbackAttachment
    fields = ("part", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "kind", "subject", "agency", "status", "due_date", "published_at")
    list_filter = ("status", "kind", "subject")
    search_fields = ("code", "title")
    # The sender's contact is personal data: the list and search never show it.
    exclude = ("contact_phone", "contact_email", "contact_address", "lookup_secret")
    inlines = [AttachmentInline]
