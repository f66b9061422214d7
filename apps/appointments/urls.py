"""Browser pages for appointments and missed-appointment follow-ups."""

from django.urls import path

from apps.appointments import views

app_name = "appointments"

child = "children/<uuid:public_id>/"

urlpatterns = [
    path("follow-ups/", views.my_follow_ups, name="my-follow-ups"),
    path(f"{child}appointments/", views.appointments_page, name="list"),
    path(f"{child}appointments/book/", views.appointment_book, name="book"),
    path(f"{child}appointments/<uuid:appointment_id>/outcome/", views.outcome_record, name="outcome"),
    path(f"{child}follow-ups/<uuid:follow_up_id>/", views.follow_up_page, name="follow-up"),
    path(
        f"{child}follow-ups/<uuid:follow_up_id>/attempts/",
        views.follow_up_attempt,
        name="follow-up-attempt",
    ),
]
