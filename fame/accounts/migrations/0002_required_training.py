"""The training every practitioner must hold before reaching child data."""

from django.db import migrations

COURSES = [
    ("fame_induction", "Using FAME and the Child Index", 36),
    ("information_sharing", "Information sharing and consent", 36),
    ("safeguarding", "Safeguarding children", 36),
]


def add_courses(apps, schema_editor):
    TrainingCourse = apps.get_model("accounts", "TrainingCourse")
    for code, name, months in COURSES:
        TrainingCourse.objects.update_or_create(
            code=code, defaults={"name": name, "valid_for_months": months, "required": True}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_courses, migrations.RunPython.noop)]
