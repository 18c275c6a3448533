"""The catalog in the seed's order again: the standing duties (0005) and the second version
(0007) were numbered each on its own; order every row by article, then by its place so far."""

from django.db import migrations


def seed(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    for index, row in enumerate(Obligation.objects.order_by("article", "position", "id")):
        if row.position != index:
            Obligation.objects.filter(pk=row.pk).update(position=index)


class Migration(migrations.Migration):
    dependencies = [("duties", "0008_activity_choices_merged")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
