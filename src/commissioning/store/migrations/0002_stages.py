from django.db import migrations

STAGES = [
    ("scoping", "Scoping"),
    ("needs_assessment", "Needs assessment"),
    ("planning", "Planning and service design"),
    ("procurement", "Procurement and contracting"),
    ("implementation", "Implementation support"),
    ("monitoring", "Monitoring"),
    ("review", "Review"),
    ("decommissioning", "Decommissioning"),
]


def create_stages(apps, schema_editor):
    Stage = apps.get_model("store", "Stage")
    for order, (code, name) in enumerate(STAGES, start=1):
        Stage.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def remove_stages(apps, schema_editor):
    apps.get_model("store", "Stage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("store", "0001_initial")]
    operations = [migrations.RunPython(create_stages, remove_stages)]
