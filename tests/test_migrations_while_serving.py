"""Each migration added since the previous release can run while that release serves
(ADR 0047): it only adds. A dropped or renamed table or column, or a new column the old
code would not fill, breaks the processes still running the old code; such a change
takes two releases (stop using it, then drop it) and is refused here until then."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

BASELINE = Path(__file__).parent / "migrations_v1.txt"
UNSAFE = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)


def previous_release() -> set[tuple[str, str]]:
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return {tuple(line.split()) for line in lines if line and not line.startswith("#")}  # type: ignore[misc]


def problems_of(operation: object, app: str = "") -> list[str]:
    if isinstance(operation, UNSAFE):
        return [f"{type(operation).__name__} breaks the previous release still serving"]
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if app:  # a later migration of the same release may give the column its default
            field = apps.get_model(app, operation.model_name)._meta.get_field(operation.name)
        fills_itself = (
            field.null
            or field.many_to_many
            or getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED
        )
        if not fills_itself:
            return [
                f"AddField {operation.name} is NOT NULL with no db_default: the previous "
                "release's inserts would fail"
            ]
    return []


def added_since() -> list[tuple[str, str, migrations.Migration]]:
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("fame")}
    known = previous_release()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        (app, name, migration)
        for (app, name), migration in sorted(loader.disk_migrations.items())
        if app in ours and (app, name) not in known
    ]


def test_the_baseline_names_real_migrations() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert previous_release() and previous_release() <= set(loader.disk_migrations)


@pytest.mark.parametrize("app,name,migration", added_since(), ids=lambda value: str(value))
def test_new_migration_is_safe_while_the_previous_release_serves(app, name, migration) -> None:
    found = [p for operation in migration.operations for p in problems_of(operation, app)]
    assert found == [], f"{app}.{name}: {found}"


def test_the_check_refuses_a_dropped_column_and_an_unfilled_one() -> None:
    assert problems_of(migrations.RemoveField("peerkey", "peer"))
    assert problems_of(migrations.AddField("peerkey", "x", models.CharField(max_length=3)))
    assert not problems_of(
        migrations.AddField("peerkey", "x", models.CharField(max_length=3, blank=True, null=True))
    )
    assert not problems_of(migrations.CreateModel("Thing", fields=[]))
