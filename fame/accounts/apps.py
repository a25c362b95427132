from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fame.accounts"
    label = "accounts"
    verbose_name = "Organisations and practitioners"
