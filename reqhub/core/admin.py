from django.contrib import admin

from .models import Counter, IdempotencyKey


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("key", "value")
    readonly_fields = ("key", "value")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "method", "path", "response_status", "created_at")
    readonly_fields = [f.name for f in IdempotencyKey._meta.fields]
