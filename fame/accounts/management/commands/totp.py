"""`fame totp USERNAME`: the current security code of a demo account's authenticator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current 6-digit security code of a demo account (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the demo account, as printed by `make run`")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Security codes are only printed for demo regions, not in production."
            )
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(
                f"No authenticator is set up for {username!r}. Check the username, "
                "or sign in to set one up."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
