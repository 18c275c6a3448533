"""Seed the influence periods (影响期) of domain-facts.zh.md §2 and the Art. 28 veto floor.

Every row carries its source and whether it was verified against an official text; the UI and
API show unverified rows as such. Party discipline periods stack (《纪律处分条例》第二十一条).
"""

import datetime as dt

from django.db import migrations

GOV = "《公职人员政务处分法》第八条：警告六个月、记过十二个月、记大过十八个月、降级和撤职二十四个月（VERIFIED-P）"
PARTY = "《中国共产党纪律处分条例》(2023)第十条、第二十一条：警告一年、严重警告一年半；影响期叠加计算（VERIFIED-S）"
ORG = "《中国共产党组织处理规定（试行）》(2021)、《推进领导干部能上能下规定》(2022)，据记忆（UNVERIFIED，须组织部门核实）"
D2016 = dt.date(2016, 1, 1)
D2020 = dt.date(2020, 7, 1)

# measure, sanction_kind, months, permanent, promotion, awards, awards_year_end, stacks, verified, valid_from, citation
ROWS = [
    ("sanction", "gov_warning", 6, False, True, True, False, False, True, D2020, GOV),
    ("sanction", "gov_demerit", 12, False, True, True, False, False, True, D2020, GOV),
    ("sanction", "gov_major_demerit", 18, False, True, True, False, False, True, D2020, GOV),
    ("sanction", "gov_demotion_in_grade", 24, False, True, True, False, False, True, D2020, GOV),
    ("sanction", "gov_removal", 24, False, True, True, False, False, True, D2020, GOV),
    (
        "sanction",
        "gov_expulsion",
        None,
        True,
        True,
        True,
        False,
        False,
        True,
        D2020,
        "《公职人员政务处分法》第二十四条、第二十六条：开除即解除人事关系，不得录用为公务员（VERIFIED-P）",
    ),
    ("sanction", "party_warning", 12, False, True, True, False, True, True, D2016, PARTY),
    ("sanction", "party_serious_warning", 18, False, True, True, False, True, True, D2016, PARTY),
    (
        "sanction",
        "party_removal_from_post",
        24,
        False,
        True,
        True,
        False,
        True,
        False,
        D2016,
        "《纪律处分条例》第十一条：撤销党内职务二年内不得担任相当或更高职务（PARTIAL：仅核实旧版答复）",
    ),
    (
        "sanction",
        "party_probation_1y",
        36,
        False,
        True,
        True,
        False,
        True,
        True,
        D2016,
        "《纪律处分条例》(2023)：留党察看一年，恢复党员权利后二年内不得担任相当或更高职务：计1+2年（VERIFIED-S）",
    ),
    (
        "sanction",
        "party_probation_2y",
        48,
        False,
        True,
        True,
        False,
        True,
        True,
        D2016,
        "《纪律处分条例》(2023)：留党察看二年，恢复党员权利后二年内不得担任相当或更高职务：计2+2年（VERIFIED-S）",
    ),
    (
        "sanction",
        "party_expulsion",
        None,
        True,
        True,
        True,
        False,
        True,
        False,
        D2016,
        "开除党籍五年内不得重新入党（VERIFIED-S，旧版）；对领导职务的影响按永久处理（Zeren 推定，UNVERIFIED）",
    ),
    (
        "admonishment",
        "",
        6,
        False,
        True,
        True,
        True,
        False,
        False,
        D2016,
        "《关于对党员领导干部进行诫勉的规定》(2019)：6个月内不得提拔或者重用，取消当年评优（中央文本UNVERIFIED；南昌实施办法VERIFIED-S）",
    ),
    (
        "suspension",
        "",
        None,
        False,
        True,
        True,
        False,
        False,
        False,
        D2016,
        "停职检查：未找到国家层面规定的影响期（UNVERIFIED）；由县组织部门按规定确定",
    ),
    ("reassignment", "", 12, False, True, True, False, False, False, D2016, "调整职务：1年内不得提拔。" + ORG),
    (
        "ordered_resignation",
        "",
        24,
        False,
        True,
        True,
        False,
        False,
        False,
        D2016,
        "责令辞职：1年内不安排领导职务，2年内不得担任高于原任职务层次的职务（按24个月计）。" + ORG,
    ),
    (
        "dismissal",
        "",
        24,
        False,
        True,
        True,
        False,
        False,
        False,
        D2016,
        "免职：1年内不安排领导职务，2年内不得担任高于原任职务层次的职务（按24个月计）。" + ORG,
    ),
    ("demotion", "", 24, False, True, True, False, False, False, D2016, "降职：2年内不得提拔。" + ORG),
    (
        "notice",
        "",
        None,
        False,
        False,
        False,
        False,
        False,
        False,
        D2016,
        "通报：国家层面没有规定提拔限制（UNVERIFIED，不编码固定期限）",
    ),
]


def seed(apps, schema_editor):
    InfluencePeriod = apps.get_model("cases", "InfluencePeriod")
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    for measure, kind, months, permanent, promo, awards, year_end, stacks, verified, valid_from, citation in ROWS:
        InfluencePeriod.objects.get_or_create(
            measure=measure,
            sanction_kind=kind,
            valid_from=valid_from,
            defaults={
                "months": months,
                "permanent": permanent,
                "blocks_promotion": promo,
                "blocks_awards": awards,
                "awards_until_year_end": year_end,
                "stacks": stacks,
                "verified": verified,
                "citation": citation,
            },
        )
    DeadlinePolicy.objects.get_or_create(
        code="veto_minimum",
        valid_from=dt.date(2021, 6, 11),
        defaults={
            "amount": 12,
            "unit": "months",
            "verified": False,
            "citation": "细则第二十八条“在相关规定时限内”未给出时限；一票否决期为所适用问责方式影响期的最晚结束日，"
            "且 Zeren 默认不少于决定之日起12个月（取消当年度考核评优；本地默认，UNVERIFIED）",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("cases", "InfluencePeriod").objects.all().delete()
    apps.get_model("cases", "DeadlinePolicy").objects.filter(code="veto_minimum").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_cadre_records_and_reporting")]
    operations = [migrations.RunPython(seed, unseed)]
