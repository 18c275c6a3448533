import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.get_or_create(
        code="deadline_warning",
        valid_from=dt.date(2021, 6, 11),
        defaults={
            "amount": 2,
            "unit": "days",
            "verified": False,
            "citation": "Zeren 默认：在每项时限届满前2日提醒承办部门（本地工作规则，可调整）",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.filter(code="deadline_warning").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_deadline_alerts")]
    operations = [migrations.RunPython(seed, unseed)]
