"""Exceptions of the audit log (importable before Django's apps are ready)."""


class AppendOnlyError(Exception):
    """Someone tried to change or delete a row of the append-only audit log."""
