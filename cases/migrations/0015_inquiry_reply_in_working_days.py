"""A new version of the ``inquiry_reply`` limit: 15 working days (工作日), not 15 calendar days.

The 2019 version (valid from 2019-01-01, "按15日历日计算") is not edited: clocks started before this
version keep the figure they were computed with, and the row's history stays as it was. From
2026-12-01, the day Zeren adopts the reading, an inquiry's reply is due at the end of the 15th
working day on the official calendar (国务院办公厅 holiday notices with 调休; ``cases.rules.workdays``).

The figure is still UNVERIFIED: the 2019 rules' own wording could not be read (no full text in
reach); the secondary sources found describe the 2017 试行 rules in local practice. Hence
``verified=False``. The history row is written here because a migration's models send no
simple-history signals.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

CODE = "inquiry_reply"
VALID_FROM = dt.date(2026, 12, 1)
CITATION = (
    "《中国共产党纪律检查机关监督执纪工作规则》(2019)：被函询人收到函件后15个工作日内作出书面说明并回复"
    "（UNVERIFIED：2019年规则原文未能核对；“收函15个工作日内写出书面说明材料”见2017年试行规则的地方实践报道 "
    "http://liangshan.scol.com.cn/yx/201704/55890588.html）。工作日按国务院办公厅年度节假日安排（含调休）计算；"
    "超出日历覆盖年份的按周一至周五估算并标明“估算”。"
)
NOTE = "取代2019-01-01版本（按15个日历日计算）；自函询开始之日的次日起算，至第15个工作日结束。"
REASON = "issue 13: 函询回复期限按工作日计算（新版本，旧版本未改动）"


def add_version(apps, schema_editor):
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    Historical = apps.get_model("cases", "HistoricalDeadlinePolicy")
    if DeadlinePolicy.objects.filter(code=CODE, valid_from=VALID_FROM).exists():
        return
    row = DeadlinePolicy(
        code=CODE, valid_from=VALID_FROM, amount=15, unit="working_days", verified=False, citation=CITATION, note=NOTE
    )
    row._change_reason = REASON  # read by simple-history when this runs with the live models (tests.seeding)
    row.save()
    if not Historical.objects.filter(id=row.pk).exists():  # a migration's models record no history
        Historical.objects.create(
            **{f.attname: getattr(row, f.attname) for f in DeadlinePolicy._meta.concrete_fields},
            history_date=timezone.now(),
            history_type="+",
            history_change_reason=REASON,
        )


seed = add_version  # tests.seeding re-runs it after transactional tests empty the tables


def remove_version(apps, schema_editor):
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    Historical = apps.get_model("cases", "HistoricalDeadlinePolicy")
    for row in DeadlinePolicy.objects.filter(code=CODE, valid_from=VALID_FROM):
        Historical.objects.filter(id=row.pk).delete()
        row.delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_deadline_unit_working_days")]
    operations = [migrations.RunPython(add_version, remove_version)]
