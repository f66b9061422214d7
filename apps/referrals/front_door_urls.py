"""The public front door: a parent or carer asks for help with no account (R35)."""

from django.urls import path

from apps.referrals.views import front_door

app_name = "front-door"
urlpatterns = [
    path("ask-for-help/", front_door.ask_for_help, name="ask"),
    path("ask-for-help/sent/", front_door.ask_for_help_sent, name="sent"),
]
