"""Free text bounded (issue 15, item 10): max_length on the TextFields a history copies (core.inputs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rulebooks", "0002_seed_rulebooks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalrulebook",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="rulebook",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
    ]
