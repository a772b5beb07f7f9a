from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts.signals import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="pw_start_session_clock")
