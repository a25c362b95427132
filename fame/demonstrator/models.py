"""Rooms: demonstrator windows on different machines kept in step through the hub.

A room is made for one run (or the live feed) and named by a short random code.
Windows opened in it send the state of the window a person drives (clock,
playing, speed, selection) and read the newest, so screens on several machines
(a projector, a laptop at the far end of the table) show the same moment.

Rooms live in the database, not the cache: the hub may run as several
processes (each with its own local-memory cache), and a room must be the same
room whichever of them answers. A room ends ``ROOM_HOURS`` after it was last
used; ended rooms are deleted when the next room is made.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

ROOM_HOURS = 12
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read aloud across a room or copied from a projector."""
CODE_LENGTH = 8  # 31 ** 8, about 8.5e11 codes: not to be guessed while a room lasts


def new_code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def plain_code(text: str) -> str:
    """A code as typed ("abcd-2345 ") in the form it is stored ("ABCD2345")."""
    return "".join(c for c in text.upper() if c.isalnum())


class Room(models.Model):
    code = models.CharField(max_length=CODE_LENGTH, primary_key=True)
    run = models.CharField(max_length=300, help_text="The run's query, or live=1.")
    live = models.BooleanField(default=False)
    state = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    window = models.CharField(max_length=40, blank=True, help_text="The window that leads.")
    changed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Room {self.shown_code} ({self.run})"

    @classmethod
    def find(cls, code: str) -> Room | None:
        """The room ``code`` names (as typed) if it has not ended, else None."""
        room = cls.objects.filter(code=plain_code(code)[:CODE_LENGTH]).first()
        return None if room is None or room.ended else room

    @property
    def shown_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def ended(self) -> bool:
        return self.expires_at <= timezone.now()

    def lead(self, window: str, state: dict[str, Any]) -> None:
        """``window`` now leads with ``state``; the room lasts another ``ROOM_HOURS``."""
        now = timezone.now()
        self.state, self.window, self.changed_at = state, window, now
        self.version += 1
        self.expires_at = now + timedelta(hours=ROOM_HOURS)

    def newest(self) -> dict[str, Any]:
        """What followers read: the leading window's state and how old it is (seconds,
        by the hub's clock, so screens on machines whose clocks differ agree)."""
        if self.changed_at is None:
            return {"version": 0}
        age = (timezone.now() - self.changed_at).total_seconds()
        return {
            "version": self.version,
            "window": self.window,
            "state": self.state,
            "age": round(max(0.0, age), 3),
        }
