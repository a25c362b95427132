"""The sequencer (ADR 0041): events are numbered by the database and queued; their place in
the Merkle tree and their leaf hash move to ``AuditLeaf``; tree heads form a chain.

Events already in the log keep their place (leaf n is event n) and their heads (one per
event, each after the one before).
"""

from django.db import migrations, models


def _number_after_the_last_event(apps, schema_editor):
    """PostgreSQL's new identity column starts at 1: start it after the events kept."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), "
            "COALESCE(MAX(seq), 0) + 1, false) FROM audit_auditevent"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_reports_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditLeaf",
            fields=[
                ("position", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField(unique=True, verbose_name="event")),
                ("leaf_hash", models.CharField(max_length=64)),
            ],
            options={
                "ordering": ["position"],
            },
        ),
        migrations.CreateModel(
            name="PendingEvent",
            fields=[
                (
                    "seq",
                    models.PositiveBigIntegerField(
                        primary_key=True, serialize=False, verbose_name="event"
                    ),
                ),
            ],
        ),
        migrations.RunSQL(
            "INSERT INTO audit_auditleaf (position, seq, leaf_hash) "
            "SELECT seq, seq, leaf_hash FROM audit_auditevent",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveField(
            model_name="auditevent",
            name="leaf_hash",
        ),
        migrations.AddField(
            model_name="treehead",
            name="previous_size",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunSQL(
            "UPDATE audit_treehead SET previous_size = tree_size - 1",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigAutoField(
                primary_key=True, serialize=False, verbose_name="sequence number"
            ),
        ),
        migrations.RunPython(_number_after_the_last_event, migrations.RunPython.noop),
    ]
