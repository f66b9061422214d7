"""Young people's invite links: the professional makes one for a child, the young person uses it."""

from django.urls import path

from apps.portal import invite_views as views

app_name = "invites"
urlpatterns = [
    path("children/<uuid:public_id>/invite/", views.invite_create, name="create"),
    path("children/<uuid:public_id>/invite/<uuid:invite_id>/withdraw/", views.invite_revoke, name="revoke"),
    path("invite/<str:token>/", views.invite_accept, name="accept"),
]
