"""Append-only rows: inserted once, then only read.

Rows that are evidence (the audit log, a CAF's drafts and versions, a referral
copy, a sharing protocol's versions, disclosure records) inherit
``AppendOnlyModel``. Saving a row that already exists, deleting one, and the
queryset's bulk ``update``, ``delete`` and ``bulk_update`` all raise
``AppendOnlyError`` in the model's own words (``never_changed`` and
``never_removed``; ``{model}`` stands for the model's name). Every app may
import this module: it imports no app. Writes that go round the ORM (raw SQL,
the database's own tools) are not stopped here; the audit log's Merkle tree
shows those.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models

__all__ = ["AppendOnlyError", "AppendOnlyModel", "AppendOnlyQuerySet"]


class AppendOnlyError(RuntimeError):
    """Someone tried to change or remove a row that is only ever added."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses every bulk path that could change or remove existing rows."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise self.model.refusal(self.model.never_changed)

    def delete(self) -> NoReturn:
        raise self.model.refusal(self.model.never_removed)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise self.model.refusal(self.model.never_changed)


class AppendOnlyModel(models.Model):
    """A row that may be inserted, and then only read."""

    never_changed: ClassVar[str] = "{model} rows are never changed."
    never_removed: ClassVar[str] = "{model} rows are never removed."

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.refusal(self.never_changed)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.refusal(self.never_removed)

    @classmethod
    def refusal(cls, message: str) -> AppendOnlyError:
        """The error that refuses a change to this model's rows, in ``message``'s words."""
        return AppendOnlyError(message.format(model=cls.__name__))
