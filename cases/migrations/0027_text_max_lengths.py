"""Free text bounded (issue 15, item 10): max_length on the TextFields a history copies (core.inputs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_audit_history_signatures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accident",
            name="description",
            field=models.TextField(blank=True, max_length=20000, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="decision_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="decision reason"),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="grounds",
            field=models.TextField(max_length=4000, verbose_name="grounds"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="executiontask",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="filing",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="finding",
            name="conditions",
            field=models.TextField(blank=True, max_length=4000, verbose_name="conditions of performance (履职条件, Art. 33)"),
        ),
        migrations.AlterField(
            model_name="finding",
            name="evidence",
            field=models.TextField(blank=True, max_length=20000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="finding",
            name="exemption_justification",
            field=models.TextField(
                blank=True, max_length=4000, verbose_name="why the Art. 31 exemption holds without full compliance on record"
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="performance",
            field=models.TextField(
                blank=True, max_length=20000, verbose_name="how the duties were performed (履职情况, Art. 33)"
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="post_duties",
            field=models.TextField(blank=True, max_length=4000, verbose_name="duties of the post (岗位职责, Art. 33)"),
        ),
        migrations.AlterField(
            model_name="historicalaccident",
            name="description",
            field=models.TextField(blank=True, max_length=20000, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="historicalappeal",
            name="decision_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="decision reason"),
        ),
        migrations.AlterField(
            model_name="historicalappeal",
            name="grounds",
            field=models.TextField(max_length=4000, verbose_name="grounds"),
        ),
        migrations.AlterField(
            model_name="historicalexecutiontask",
            name="note",
            field=models.TextField(blank=True, max_length=4000, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="historicalfiling",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="conditions",
            field=models.TextField(blank=True, max_length=4000, verbose_name="conditions of performance (履职条件, Art. 33)"),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="evidence",
            field=models.TextField(blank=True, max_length=20000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="exemption_justification",
            field=models.TextField(
                blank=True, max_length=4000, verbose_name="why the Art. 31 exemption holds without full compliance on record"
            ),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="performance",
            field=models.TextField(
                blank=True, max_length=20000, verbose_name="how the duties were performed (履职情况, Art. 33)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="post_duties",
            field=models.TextField(blank=True, max_length=4000, verbose_name="duties of the post (岗位职责, Art. 33)"),
        ),
        migrations.AlterField(
            model_name="historicalinterimmeasure",
            name="end_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason for the end"),
        ),
        migrations.AlterField(
            model_name="historicalinterimmeasure",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="historicalledgergapexplanation",
            name="evidence",
            field=models.TextField(blank=True, max_length=4000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="historicalledgergapexplanation",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="why the gap does not stand against Art. 31"),
        ),
        migrations.AlterField(
            model_name="historicalperformancefinding",
            name="evidence",
            field=models.TextField(blank=True, max_length=4000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="historicalperformancefinding",
            name="text",
            field=models.TextField(blank=True, max_length=4000, verbose_name="what was found"),
        ),
        migrations.AlterField(
            model_name="historicalreferral",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="historicalreferral",
            name="return_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason for return"),
        ),
        migrations.AlterField(
            model_name="historicalreportingfinding",
            name="evidence",
            field=models.TextField(max_length=20000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="historicalvetooverride",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="interimmeasure",
            name="end_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason for the end"),
        ),
        migrations.AlterField(
            model_name="interimmeasure",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="ledgergapexplanation",
            name="evidence",
            field=models.TextField(blank=True, max_length=4000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="ledgergapexplanation",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="why the gap does not stand against Art. 31"),
        ),
        migrations.AlterField(
            model_name="performancefinding",
            name="evidence",
            field=models.TextField(blank=True, max_length=4000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="performancefinding",
            name="text",
            field=models.TextField(blank=True, max_length=4000, verbose_name="what was found"),
        ),
        migrations.AlterField(
            model_name="referral",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="referral",
            name="return_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason for return"),
        ),
        migrations.AlterField(
            model_name="reportingfinding",
            name="evidence",
            field=models.TextField(max_length=20000, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="vetooverride",
            name="reason",
            field=models.TextField(max_length=4000, verbose_name="reason"),
        ),
    ]
