"""Free text bounded (issue 15, item 10): max_length on the TextFields a history copies (core.inputs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0009_catalog_positions_in_the_seeds_order"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dutyrecord",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="dutyrecord",
            name="void_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason for withdrawal"),
        ),
        migrations.AlterField(
            model_name="historicaldutyrecord",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="historicaldutyrecord",
            name="void_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason for withdrawal"),
        ),
    ]
