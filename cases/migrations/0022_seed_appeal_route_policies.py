"""The windows and decision limits of the appeal routes (issue 14 item 5), each with its citation
and verification, and the route of the appeals filed before routes existed.

Checked with the search tool (docs/appeals.md lists the sources):

- 《监察法》2018 第四十九条 (= 2024 修正 第五十六条, same words), full text in the LawRefBook
  collection (宪法相关法/监察法(2018-03-20).md, 监察法(2024-12-25).md) and quoted by
  中卫市纪委监委 (nxzwjwjw.gov.cn, 2020-09-28) and 涟水县纪委监委 (qfls.gov.cn): VERIFIED-P.
  《公职人员政务处分法》第五十五条 names the stages and bodies but no window; the brief's reading
  "第五十五条 one month / 第五十六条 复核 one month" is not what the texts say (第五十六条 is
  "复审、复核期间，不停止原政务处分决定的执行"; the 复核 decision takes two months).
- 《公务员法》2018 第九十五、九十六条, LawRefBook 行政法/公务员法(2018-12-29).md (in force
  2019-06-01), also quoted on m.fj.huatu.com: VERIFIED-P.
- 《中国共产党纪律检查机关监督执纪工作规则》第五十九条 ("复议复查工作应当在3个月内办结"),
  quoted by 昆明市纪委监委 (jw.km.gov.cn, 2020-10-30): VERIFIED-S; the rules' date of effect was
  not checked (2019-01-01 is assumed and said so).
- No window for the Party discipline 申诉: none is stated (see ``cases.rules.appeals``), so no row.
"""

import datetime as dt

from django.db import migrations

SUPERVISION = dt.date(2018, 3, 20)  # 《监察法》公布施行
CIVIL_SERVICE = dt.date(2019, 6, 1)  # 《公务员法》(2018修订)第一百一十三条：自2019年6月1日起施行
_JIANCHA = "《监察法》(2018)第四十九条（2024年修正后为第五十六条，文字相同）"
_GONGWUYUAN = "《公务员法》(2018)"

DEADLINES = [
    # code, amount, unit, verified, valid_from, citation
    (
        "gov_sanction_review_window",
        1,
        "months",
        True,
        SUPERVISION,
        f"{_JIANCHA}：监察对象对监察机关作出的涉及本人的处理决定不服的，可以在收到处理决定之日起一个月内，"
        "向作出决定的监察机关申请复审（VERIFIED-P）。《公职人员政务处分法》第五十五条规定复审、复核的途径，未另定期限",
    ),
    (
        "gov_sanction_review_decision",
        1,
        "months",
        True,
        SUPERVISION,
        f"{_JIANCHA}：复审机关应当在一个月内作出复审决定（VERIFIED-P）",
    ),
    (
        "gov_sanction_recheck_window",
        1,
        "months",
        True,
        SUPERVISION,
        f"{_JIANCHA}：对复审决定仍不服的，可以在收到复审决定之日起一个月内，向上一级监察机关申请复核（VERIFIED-P）",
    ),
    (
        "gov_sanction_recheck_decision",
        2,
        "months",
        True,
        SUPERVISION,
        f"{_JIANCHA}：复核机关应当在二个月内作出复核决定（VERIFIED-P）",
    ),
    (
        "civil_service_recheck_window",
        30,
        "days",
        True,
        CIVIL_SERVICE,
        f"{_GONGWUYUAN}第九十五条：公务员对处分、降职、免职等人事处理不服的，可以自知道该人事处理之日起三十日内"
        "向原处理机关申请复核（VERIFIED-P）",
    ),
    (
        "civil_service_recheck_decision",
        30,
        "days",
        True,
        CIVIL_SERVICE,
        f"{_GONGWUYUAN}第九十六条：原处理机关应当自接到复核申请书后的三十日内作出复核决定（VERIFIED-P）",
    ),
    (
        "civil_service_appeal_window",
        15,
        "days",
        True,
        CIVIL_SERVICE,
        f"{_GONGWUYUAN}第九十五条：对复核结果不服的，可以自接到复核决定之日起十五日内，按照规定向同级公务员主管部门"
        "或者作出该人事处理的机关的上一级机关提出申诉（VERIFIED-P）",
    ),
    (
        "civil_service_direct_appeal_window",
        30,
        "days",
        True,
        CIVIL_SERVICE,
        f"{_GONGWUYUAN}第九十五条：也可以不经复核，自知道该人事处理之日起三十日内直接提出申诉（VERIFIED-P）",
    ),
    (
        "civil_service_appeal_decision",
        60,
        "days",
        True,
        CIVIL_SERVICE,
        f"{_GONGWUYUAN}第九十六条：受理公务员申诉的机关应当自受理之日起六十日内作出处理决定；案情复杂的，可以适当延长，"
        "但是延长时间不得超过三十日（VERIFIED-P；延长未计入）",
    ),
    (
        "party_appeal_decision",
        3,
        "months",
        True,
        dt.date(2019, 1, 1),
        "《中国共产党纪律检查机关监督执纪工作规则》第五十九条：对不服处分决定的申诉，由批准或者决定处分的党委（党组）"
        "或者纪检监察机关受理……复议复查工作应当在3个月内办结（VERIFIED-S：昆明市纪委监委网站引文；施行日期未核对，"
        "按2019年1月1日计）",
    ),
]


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    for code, amount, unit, verified, valid_from, citation in DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={"amount": amount, "unit": unit, "verified": verified, "citation": citation},
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.filter(code__in=[d[0] for d in DEADLINES]).delete()


def route_old_appeals(apps, schema_editor):
    """Appeals filed before routes existed were 申诉 under the 问责条例 (the only route there was);
    their measures are not recorded: all the subject's decided measures were appealed."""
    # Every row here predates 0019 (the field defaults say the same; this says it on purpose).
    apps.get_model("cases", "Appeal").objects.update(route="accountability", stage="appeal")


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_appeal_routes")]
    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(route_old_appeals, migrations.RunPython.noop),
    ]
