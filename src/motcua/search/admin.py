from django.contrib import admin

from .models import LexiconEntry


@admin.register(LexiconEntry)
class LexiconEntryAdmin(admin.ModelAdmin):
    list_display = ("phrase", "expansion", "note", "updated_at")
    search_fields = ("phrase", "expansion", "note")
