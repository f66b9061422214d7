"""The young person's own pages, under /my/. None takes an id: the child is always the signed-in person's."""

from django.urls import path

from apps.portal import help_views, views

app_name = "portal"
urlpatterns = [
    path("my/", views.home, name="home"),
    path("my/team/", views.team, name="team"),
    path("my/what-has-happened/", views.chronology, name="chronology"),
    path("my/passport/", views.passport, name="passport"),
    path("my/passport/parts/<str:section>/", views.section, name="section"),
    path("my/passport/suggestions/", views.proposals, name="proposals"),
    path("my/passport/suggestions/<uuid:proposal_id>/", views.proposal_decide, name="proposal-decide"),
    path("my/passport/sharing/", views.sharing, name="sharing"),
    path("my/passport/sharing/<uuid:share_id>/stop/", views.share_stop, name="share-stop"),
    path("my/passport/sharing/new-team/", views.new_team_share, name="new-team"),
    path("my/passport/preview/", views.preview, name="preview"),
    path("my/about-me/", views.about_me, name="about-me"),
    path("my/about-me/remove/", views.about_me_remove, name="about-me-remove"),
    path("my/ask-for-help/", help_views.ask_for_help, name="ask-for-help"),
    path("my/ask-for-help/sent/", help_views.ask_for_help_sent, name="ask-for-help-sent"),
    path("my/easy-read/", views.format_choose, {"choice": "easy-read"}, name="easy-read"),
    path("my/standard/", views.format_choose, {"choice": "standard"}, name="standard"),
]
