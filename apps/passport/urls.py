"""Professionals' browser pages about a young person's passport (the young person's are in apps.portal)."""

from django.urls import path

from apps.passport import views

app_name = "passport"

child = "children/<uuid:public_id>/passport/"

urlpatterns = [
    path(child, views.child_passport, name="child-passport"),
    path(f"{child}start/", views.passport_start, name="passport-start"),
    path(f"{child}print/", views.passport_print, name="passport-print"),
    path(f"{child}sections/<str:section>/suggest/", views.proposal_create, name="proposal-create"),
    path(
        f"{child}suggestions/<uuid:proposal_id>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"
    ),
    # Passports shared with me, including through my organisation before I join a team (R87).
    path("passports/shared-with-me/", views.shared_with_me, name="shared-with-me"),
]
