"""The caseload page (its template stays teams/caseload.html, beside the manager's view it links to), and
each role's home (apps.caseload.home_views)."""

from django.urls import path

from apps.caseload import home_views, views

app_name = "caseload"

urlpatterns = [
    path("caseload/", views.caseload_page, name="caseload"),
    path("home/", home_views.home_start, name="home"),
    path("home/safeguarding/", home_views.home_safeguarding, name="home-safeguarding"),
    path("home/decisions/", home_views.home_declines, name="home-declines"),
    path("home/looked-after/", home_views.home_looked_after, name="home-looked-after"),
    path("home/pupils/", home_views.home_pupils, name="home-pupils"),
    path("home/team/", home_views.home_team, name="home-team"),
    path("home/team/figures.csv", home_views.home_team_csv, name="home-team-csv"),
    path("home/referrals/", home_views.home_referrals, name="home-referrals"),
]
