from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_page, name="list"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("<uuid:public_id>/read/", views.notification_read, name="read"),
    path("how-we-contact-you/", views.contact_preferences, name="contact"),
]
