from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("account/", views.account, name="account"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("two-factor/backup-codes/", views.backup_codes_regenerate, name="backup-codes"),
    path("professionals/search/", views.professional_search, name="professional-search"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
]
