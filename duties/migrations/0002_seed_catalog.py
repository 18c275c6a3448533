"""The obligations catalog (PRODUCT §3): every duty with a frequency in Articles 5, 6, 9, 10, 11,
14 and 17 of the 细则, with the roles it binds and the seed's own words; and the default grades
of the annual assessment (Art. 16, 18).

Frozen here on purpose: a later change to the catalog is a new migration, so what a record
counted towards on a given day can always be reconstructed. ``docs/duties.md`` explains each
binding that needs a reading of the text.
"""

from django.db import migrations

IN_FORCE = "2021-06-11"  # 细则第三十五条：自印发之日起施行

PARTY_SECRETARIES = ["county_party_secretary", "park_party_secretary", "township_party_secretary"]
GOVERNMENT_HEADS = ["county_magistrate", "park_director", "township_head"]

# code, roles, article, item, activity, min_count, period, text (the seed's exact words)
CATALOG = [
    ("5-2-county", ["county_party_secretary"], 5, "二", "research", 1, "half_year",
     "县委常委会每半年至少研究 1 次安全生产工作"),
    ("5-2-township-park", ["township_party_secretary", "park_party_secretary"], 5, "二", "research", 1, "quarter",
     "乡镇党委、部门党委（党组）、园区党工委每季度至少研究 1 次安全生产工作"),
    ("5-3-county-park", ["county_party_secretary", "park_party_secretary"], 5, "三", "survey", 1, "quarter",
     "县委和园区党工委主要负责人每季度至少调研 1 次安全生产工作"),
    ("5-3-township", ["township_party_secretary"], 5, "三", "inspection", 1, "quarter",
     "乡镇党委主要负责人每季度至少带队检查 1 次安全生产工作"),
    ("5-9", PARTY_SECRETARIES, 5, "九", "study", 2, "year",
     "各级党（工）委（党组）理论学习中心组每年至少安排2次安全生产集体学习"),
    ("6-2-report", GOVERNMENT_HEADS, 6, "二", "hear_report", 1, "quarter",
     "政府常务会议每季度听取 1 次安全生产工作情况汇报"),
    ("6-2-committee", GOVERNMENT_HEADS, 6, "二", "committee_meeting", 1, "quarter",
     "每季度至少组织召开 1 次安委会会议"),
    ("6-3-county-park", ["county_magistrate", "park_director"], 6, "三", "inspection", 1, "quarter",
     "县政府、园区管委会主要负责人每季度至少带队检查 1 次安全生产工作"),
    ("6-3-township", ["township_head"], 6, "三", "inspection", 1, "two_months",
     "乡镇政府（街道）主要负责人每两月至少带队检查 1 次安全生产工作"),
    ("6-5", GOVERNMENT_HEADS, 6, "五", "list_check", 1, "half_year",
     "每半年对清单落实情况组织检查考核"),
    ("9-4-inspection", ["county_deputy", "park_deputy"], 9, "四", "inspection", 1, "quarter",
     "县政府、园区管委会领导班子其他成员每季度至少带队检查1次安全生产工作"),
    ("9-4-analysis", ["county_deputy", "park_deputy"], 9, "四", "situation_analysis", 1, "half_year",
     "每半年至少组织1次安全生产形势分析"),
    ("9-4-township", ["township_deputy"], 9, "四", "inspection", 1, "month",
     "乡镇政府（街道）其他领导干部每月至少带队检查1次安全生产工作"),
    ("10-2-inspection", ["regulator_head"], 10, "二", "inspection", 1, "quarter",
     "每季度至少带队检查 1 次安全生产工作"),
    ("10-2-meeting", ["regulator_head"], 10, "二", "meeting", 1, "quarter",
     "每季度至少召开 1 次党委（党组）会或局长办公会，研究部署安全生产工作"),
    ("10-3-inspection", ["regulator_safety_deputy"], 10, "三", "inspection", 1, "month",
     "每月至少带队检查 1 次安全生产工作"),
    ("10-3-research", ["regulator_safety_deputy"], 10, "三", "research", 1, "two_months",
     "每两月至少组织研究 1 次安全生产工作"),
    ("10-4", ["regulator_deputy"], 10, "四", "inspection", 1, "quarter",
     "每季度至少带队检查1次安全生产工作"),
    ("11-3", ["industry_head"], 11, "三", "hear_report", 1, "quarter",
     "主要负责人每季度至少听取1次本行业（领域）安全生产工作汇报"),
    ("14", ["county_safety_deputy"], 14, "", "patrol", 1, "two_years",
     "由县安委会负责，每两年对县委、政府有关部门和乡镇（街道）、园区管委会进行1次安全生产巡查"),
    ("17-county-park", ["county_magistrate", "park_director"], 17, "", "accountability_report", 1, "year",
     "县政府和园区管委会每年向市政府述责一次"),
    ("17-departments", ["regulator_head", "industry_head", "department_head", "township_head"], 17, "",
     "accountability_report", 1, "year",
     "各部门、乡镇分别向政府分管领导述责一次"),
]

GRADES = [
    ("excellent", "优秀", True, False),
    ("good", "良好", False, False),
    ("pass", "合格", False, False),
    ("fail", "不合格", False, True),
]


def seed(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    for position, (code, roles, article, item, activity, min_count, period, text) in enumerate(CATALOG, start=1):
        Obligation.objects.update_or_create(
            code=code,
            defaults={
                "roles": roles,
                "article": article,
                "item": item,
                "activity": activity,
                "min_count": min_count,
                "period": period,
                "text": text,
                "valid_from": IN_FORCE,
                "position": position,
            },
        )
    Grade = apps.get_model("duties", "AssessmentGrade")
    for position, (code, label, excellent, failing) in enumerate(GRADES, start=1):
        Grade.objects.update_or_create(
            code=code, defaults={"label": label, "position": position, "excellent": excellent, "failing": failing}
        )


def unseed(apps, schema_editor):
    apps.get_model("duties", "Obligation").objects.filter(code__in=[row[0] for row in CATALOG]).delete()
    apps.get_model("duties", "AssessmentGrade").objects.filter(code__in=[row[0] for row in GRADES]).delete()


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_duty_ledger")]

    operations = [migrations.RunPython(seed, unseed)]
