"""Seed the measures policy and the deadline policies, each row with its reasoning or source.

Figures not checked against an official text are ``verified=False`` (domain-facts.zh.md §6).
"""

import datetime as dt

from django.db import migrations

DEADLINES = [
    # code, amount, unit, verified, valid_from, citation
    (
        "accident_unit_report",
        1,
        "hours",
        True,
        dt.date(2007, 6, 1),
        "《生产安全事故报告和调查处理条例》第九条：单位负责人接到报告后1小时内报告（VERIFIED-P）",
    ),
    (
        "accident_level_report",
        2,
        "hours",
        True,
        dt.date(2007, 6, 1),
        "《生产安全事故报告和调查处理条例》第十一条：每级上报的时间不得超过2小时（VERIFIED-P）",
    ),
    (
        "organizational_measure",
        1,
        "months",
        True,
        dt.date(2016, 7, 8),
        "《中国共产党问责条例》(2016)第九条：涉及组织调整或者组织处理的，应当在一个月内办理完毕相应手续（VERIFIED-S；2019年版措辞未核实）",
    ),
    (
        "measure_execution",
        1,
        "months",
        False,
        dt.date(2021, 6, 11),
        "Zeren 默认值：通报、诫勉、处分等其他问责方式的执行期限，参照组织处理一个月办结；未见上位规定（UNVERIFIED）",
    ),
    (
        "archive_filing",
        1,
        "months",
        False,
        dt.date(2016, 7, 8),
        "《中国共产党问责条例》：问责决定材料归入廉政档案、人事档案；期限参照一个月办结（2019年版条文UNVERIFIED）",
    ),
    (
        "appeal_window",
        1,
        "months",
        False,
        dt.date(2019, 9, 1),
        "《中国共产党问责条例》(2019)约第二十条：自收到问责决定书之日起1个月内提出书面申诉（UNVERIFIED；2009年暂行规定为15日）",
    ),
    (
        "appeal_decision",
        1,
        "months",
        False,
        dt.date(2019, 9, 1),
        "《中国共产党问责条例》(2019)约第二十条：接到申诉后1个月内作出处理决定（UNVERIFIED）",
    ),
    (
        "referral_acknowledgement",
        3,
        "days",
        False,
        dt.date(2021, 6, 11),
        "细则第三十四条要求“及时移送”，未规定签收期限；Zeren 默认3日内签收（本地政策，可调整）",
    ),
    (
        "inquiry_reply",
        15,
        "days",
        False,
        dt.date(2019, 1, 1),
        "《纪律检查机关监督执纪工作规则》：函询回复期限约15个工作日（UNVERIFIED；按15日历日计算）",
    ),
]


def seed(apps, schema_editor):
    from cases.rules.policy_v1 import (
        DEFAULT_POLICY_CODE,
        DEFAULT_RULES,
        DEFAULT_VALID_FROM,
    )

    MeasurePolicy = apps.get_model("cases", "MeasurePolicy")
    MeasurePolicyRule = apps.get_model("cases", "MeasurePolicyRule")
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    policy, _ = MeasurePolicy.objects.get_or_create(
        code=DEFAULT_POLICY_CODE,
        defaults={
            "valid_from": DEFAULT_VALID_FROM,
            "note": "细则自2021年6月11日印发施行（第三十五条）。第二十七条“根据情况采取”留给决定机关的裁量，以本表为默认；"
            "每行附理由，可在管理后台修改（有历史记录）。",
        },
    )
    for circumstance, severity, measures, reasoning in DEFAULT_RULES:
        MeasurePolicyRule.objects.get_or_create(
            policy=policy,
            circumstance=circumstance,
            severity=severity,
            defaults={"measures": list(measures), "reasoning": reasoning},
        )
    for code, amount, unit, verified, valid_from, citation in DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={"amount": amount, "unit": unit, "verified": verified, "citation": citation},
        )


def unseed(apps, schema_editor):
    from cases.rules.policy_v1 import DEFAULT_POLICY_CODE

    apps.get_model("cases", "MeasurePolicy").objects.filter(code=DEFAULT_POLICY_CODE).delete()
    apps.get_model("cases", "DeadlinePolicy").objects.filter(code__in=[d[0] for d in DEADLINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_domain")]
    operations = [migrations.RunPython(seed, unseed)]
