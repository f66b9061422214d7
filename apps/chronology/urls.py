"""The chronology's browser pages, under the child's address."""

from django.urls import path

from apps.chronology import views

app_name = "chronology"
child = "children/<uuid:public_id>/"
urlpatterns = [
    path(f"{child}chronology/", views.chronology_page, name="chronology"),
    path(f"{child}chronology/add/", views.significant_event_add, name="significant-event-add"),
]
