"""Browser pages for consent, competence, overrides, reviews and the disclosure log of a child."""

from django.urls import path

from apps.caseload import consent_views as views

app_name = "consent"

child = "children/<uuid:public_id>/"

urlpatterns = [
    path(f"{child}consent/", views.consent_page, name="child-consent"),
    path(f"{child}consent/new/", views.consent_record, name="consent-record"),
    path(f"{child}consent/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path(f"{child}consent/competence/new/", views.competence_assess, name="competence-assess"),
    path(f"{child}consent/reviews/<uuid:review_id>/", views.consent_review_complete, name="review-complete"),
    path(f"{child}consent/override/new/", views.override_open, name="override-open"),
    path(
        f"{child}consent/override/<uuid:override_id>/review/", views.override_review, name="override-review"
    ),
    path(f"{child}consent/override/<uuid:override_id>/told/", views.override_told, name="override-told"),
    path(f"{child}disclosures/", views.disclosure_page, name="disclosures"),
    path(f"{child}consent/objections/new/", views.coordination_objection_add, name="objection-add"),
    path(
        f"{child}consent/objections/<uuid:objection_id>/end/",
        views.coordination_objection_end,
        name="objection-end",
    ),
    path(f"{child}consent/parents/new/", views.parent_withholding_add, name="parent-withholding-add"),
    path(
        f"{child}consent/parents/<uuid:withholding_id>/end/",
        views.parent_withholding_end,
        name="parent-withholding-end",
    ),
    # The young person's own page: who has their information and who looked at it.
    path("my/information/", views.my_information, name="my-information"),
]
