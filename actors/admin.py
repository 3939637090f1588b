from django.contrib import admin

from actors.models import Actor, Interest, Membership


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "level", "country", "leads_publication"]
    list_filter = ["type", "level", "leads_publication", "country"]
    search_fields = ["code", "name"]
    list_select_related = ["country"]
    autocomplete_fields = ["parent", "country"]
    inlines = [InterestInline]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["actor", "area", "priority"]
    list_filter = ["area", "priority"]
    list_select_related = ["actor", "area"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "actor", "government"]
    list_filter = ["role"]
    list_select_related = ["user", "actor", "government"]
    autocomplete_fields = ["actor", "government"]
    search_fields = ["user__username"]
