"""The children's pages, under the ``children`` URL namespace as before they moved up from apps/children.

They sit above the access decision and the team (the child's page shows who leads and who is involved),
so with the other pages that gather several apps; the record they show and change stays in apps/children.
"""

from django.urls import path

from apps.caseload import children_views as views
from apps.caseload import record_identity_views as identity

app_name = "children"
urlpatterns = [
    path("", views.children_list, name="list"),
    path("new/", views.find_child, name="find"),
    path("new/details/", views.create_child, name="create"),
    path("new/nhs-number-check/", views.nhs_number_check, name="nhs-number-check"),
    path("new/ask-for-access/", identity.ask_for_access, name="ask-for-access"),
    path("<uuid:public_id>/", views.child_page, name="detail"),
    path("<uuid:public_id>/edit/", views.edit_child, name="edit"),
    path("<uuid:public_id>/identifiers/add/", views.add_identifier, name="identifier-add"),
    # One record per child and identity that can be trusted (R2).
    path("<uuid:public_id>/nhs-number/", identity.nhs_number_status, name="nhs-number"),
    path("<uuid:public_id>/merge/", identity.merge_choose, name="merge"),
    path("<uuid:public_id>/merge/<uuid:duplicate_id>/", identity.merge_preview, name="merge-preview"),
    path("<uuid:public_id>/merges/<uuid:merge_id>/", identity.merge_detail, name="merge-detail"),
    path("<uuid:public_id>/social-work-status/", views.record_social_work_status, name="social-work-status"),
    path("<uuid:public_id>/vulnerabilities/add/", views.add_vulnerability, name="vulnerability-add"),
    path(
        "<uuid:public_id>/vulnerabilities/<slug:type_code>/end/",
        views.end_vulnerability,
        name="vulnerability-end",
    ),
    path("<uuid:public_id>/characteristics/", views.edit_characteristics, name="characteristics"),
    path("<uuid:public_id>/family/add/", views.add_family_member, name="family-member-add"),
    path(
        "<uuid:public_id>/family/<uuid:member_id>/edit/",
        views.edit_family_member,
        name="family-member-edit",
    ),
    path(
        "<uuid:public_id>/family/<uuid:member_id>/remove/",
        views.remove_family_member,
        name="family-member-remove",
    ),
]
