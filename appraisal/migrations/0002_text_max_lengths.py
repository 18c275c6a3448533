"""Free text bounded (issue 15, item 10): max_length on the TextFields a history copies (core.inputs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_moved_from_duties"),
    ]

    operations = [
        migrations.AlterField(
            model_name="annualassessment",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="award",
            name="basis",
            field=models.TextField(max_length=4000, verbose_name="basis"),
        ),
        migrations.AlterField(
            model_name="historicalannualassessment",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="historicalaward",
            name="basis",
            field=models.TextField(max_length=4000, verbose_name="basis"),
        ),
        migrations.AlterField(
            model_name="historicalinterview",
            name="notes",
            field=models.TextField(max_length=20000, verbose_name="what was said and the rectification asked for"),
        ),
        migrations.AlterField(
            model_name="historicalpatrol",
            name="summary",
            field=models.TextField(blank=True, max_length=20000, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="historicalpatrolfinding",
            name="text",
            field=models.TextField(max_length=4000, verbose_name="problem found"),
        ),
        migrations.AlterField(
            model_name="interview",
            name="notes",
            field=models.TextField(max_length=20000, verbose_name="what was said and the rectification asked for"),
        ),
        migrations.AlterField(
            model_name="patrol",
            name="summary",
            field=models.TextField(blank=True, max_length=20000, verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="patrolfinding",
            name="text",
            field=models.TextField(max_length=4000, verbose_name="problem found"),
        ),
    ]
