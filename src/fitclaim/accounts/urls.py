"""Sign-in, passwords and settings. Unnamespaced, because Django's auth views and
settings.LOGIN_URL refer to these names ("login", "password_reset_confirm", ...)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from fitclaim.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("settings/", views.settings_page, name="settings"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/tokens/", views.settings_token_create, name="settings_token_create"),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        views.settings_token_revoke,
        name="settings_token_revoke",
    ),
    path("settings/organization/", views.settings_organization, name="settings_organization"),
    path("settings/members/", views.settings_member_invite, name="settings_member_invite"),
    path(
        "settings/members/<int:membership_id>/role/",
        views.settings_member_role,
        name="settings_member_role",
    ),
    path(
        "settings/members/<int:membership_id>/remove/",
        views.settings_member_remove,
        name="settings_member_remove",
    ),
]
