"""The duties of Chapters 2–3 without a frequency (issue 13), and Article 13.

Article 31 exempts only a cadre "经查实已经全面履行了本细则第二章、第三章所规定职责": every duty of
those chapters, not only the ones with a frequency that ``0002_seed_catalog`` transcribed. Each
duty without a frequency becomes a row of period ``standing`` (常态职责): one block over the
window asked about, met by at least one record in it. One row per sentence of duty text, in the
seed's exact words under its own article and item; where a sentence also holds a frequency
(第五条（二）, 第六条（二）, 第九条（四）), the words before and after the frequency rows are rows of
their own. ``duties/tests/test_catalog.py`` checks that every word of Articles 5–13 that states a
duty is in some row.

Roles (PRODUCT §1.2; the readings are in ``docs/duties.md``):
- Art. 5 binds the three Party-secretary roles ("各级党委（党组）主要负责人"); Art. 6 the three
  government heads ("各级政府主要负责人"), as the frequency rows of ``0002`` do: where an item
  names the county's own bodies (本县, 县财政预算) a township or park head answers for the same
  duty in their own remit (Art. 2: the park 参照执行).
- Art. 7 binds the other standing-committee members; Art. 8 the county leader in charge of work
  safety; Art. 9 the other county, park and township leaders (as ``9-4-*`` do).
- Art. 10(一) binds every leader of a supervising department; (二) its principal, (三) the deputy
  in charge of work safety, (四) the other members. Art. 11 binds the industry department's
  principal, Art. 12 the leaders of the other working departments.
- Art. 13 (Chapter 4, not Chapters 2–3: outside Art. 31's duties finding) binds the county Party
  secretary and the county magistrate, who answer for "县委、政府负责…监督检查".
The department Party-group role of 第五条 and the organs' own obligations are not here.

Positions are renumbered so the catalog reads in the seed's order, frequency rows included.
"""

from django.db import migrations, models

IN_FORCE = "2021-06-11"  # 细则第三十五条：自印发之日起施行

PARTY_SECRETARIES = ["county_party_secretary", "park_party_secretary", "township_party_secretary"]
GOVERNMENT_HEADS = ["county_magistrate", "park_director", "township_head"]
OTHER_LEADERS = ["county_deputy", "park_deputy", "township_deputy"]
REGULATOR_LEADERS = ["regulator_head", "regulator_safety_deputy", "regulator_deputy"]

# code, roles, article, item, text (the seed's exact words)
STANDING = [
    ("5-1", PARTY_SECRETARIES, 5, "一",
     "认真贯彻执行党中央以及上级党委关于安全生产的决策部署和指示精神，安全生产方针政策、法律法规"),
    ("5-2-agenda", PARTY_SECRETARIES, 5, "二",
     "把安全生产纳入党委（党组）议事日程和向党委（党组）会报告工作的内容"),
    ("5-2-resolve", PARTY_SECRETARIES, 5, "二", "及时解决安全生产重大问题"),
    ("5-4", PARTY_SECRETARIES, 5, "四",
     "把安全生产纳入党委常委会及其成员职责清单，督促党委有关工作机关依法依规履行安全生产职责，"
     "落实安全生产“一岗双责”制度"),
    ("5-5", PARTY_SECRETARIES, 5, "五", "加强安全生产监管部门领导班子建设，配齐配强领导班子"),
    ("5-6-teams", PARTY_SECRETARIES, 5, "六",
     "加强安全生产监管部门机构建设和干部队伍建设，推动建设高素质专业化执法队伍"),
    ("5-6-remit", PARTY_SECRETARIES, 5, "六",
     "明确园区承担安全生产监管职责的部门，明确安全生产属地监管和部门监管责任，配置与监管工作任务相适应的人员力量"),
    ("5-7", PARTY_SECRETARIES, 5, "七", "支持人大、政协监督安全生产工作，统筹协调各方面重视支持安全生产工作"),
    ("5-8", PARTY_SECRETARIES, 5, "八",
     "推动将安全生产纳入经济社会发展全局，纳入国民经济和社会发展考核评价体系，作为衡量经济发展、社会治安综合治理、"
     "精神文明建设、社会诚信体系建设成效的重要指标和领导干部政绩考核的重要内容，督促落实安全生产考核与履职评定、"
     "职务晋升、奖励惩处挂钩制度，督促落实安全生产“一票否决”制度"),
    ("5-9-publicity", PARTY_SECRETARIES, 5, "九",
     "大力弘扬生命至上、安全第一的思想，强化安全生产宣传教育和舆论引导，将安全生产宣传教育纳入党的宣传思想工作范畴，"
     "大力开展安全生产公益宣传，将习近平总书记关于安全生产重要论述、安全生产方针政策和法律法规纳入党委（党组）"
     "理论学习中心组学习内容、干部培训内容和党校教育培训内容"),
    ("6-1", GOVERNMENT_HEADS, 6, "一",
     "认真贯彻落实党中央、国务院以及上级党委和政府、本级党委关于安全生产的决策部署和指示精神，安全生产方针政策、法律法规"),
    ("6-2-plan", GOVERNMENT_HEADS, 6, "二",
     "把安全生产纳入政府重点工作和政府工作报告的重要内容，组织制定安全生产规划并纳入国民经济和社会发展规划"),
    ("6-2-resolve", GOVERNMENT_HEADS, 6, "二", "及时研究解决安全生产突出问题"),
    ("6-4", GOVERNMENT_HEADS, 6, "四",
     "推动构建安全生产责任体系，在政府有关工作部门“三定”规定中明确安全生产职责，明确本县各类生产经营单位的安全生产监管部门，"
     "结合新产业、新业态，及时明确监管职责"),
    ("6-5-list", GOVERNMENT_HEADS, 6, "五", "组织制定政府领导干部年度安全生产工作责任清单并进行公示"),
    ("6-6", GOVERNMENT_HEADS, 6, "六",
     "组织设立安全生产专项资金并列入县财政预算，与财政收入保持同步增长，加强安全生产基础建设和监管能力建设，"
     "保障监管执法必需的人员、经费和车辆等装备"),
    ("6-7", GOVERNMENT_HEADS, 6, "七",
     "严格安全准入标准，把安全准入标准作为衡量高质量发展的重要内容，贯穿于规划、设计、建设、管理、生产、经营等各环节"),
    ("6-8", GOVERNMENT_HEADS, 6, "八",
     "推动构建安全风险分级管控和隐患排查治理预防工作机制，把安全生产纳入防范化解重大风险的重要内容，"
     "实行企业、公共区域安全风险分级分类监管，实行重大安全风险“一票否决”"),
    ("6-9", GOVERNMENT_HEADS, 6, "九", "依法领导和组织生产安全事故应急救援、调查处理及信息公开工作"),
    ("6-10", GOVERNMENT_HEADS, 6, "十",
     "领导本县（乡镇）安全生产委员会工作，统筹协调安全生产工作，组织开展安全生产巡查、考核、督查、暗查暗访等工作，"
     "推动加强高素质专业化安全监管执法队伍建设"),
    ("7-coordinate", ["county_standing_member"], 7, "",
     "协调纪检监察机关和组织、宣传、统战、政法、机构编制等部门（单位）支持保障安全生产工作"),
    ("7-mobilize", ["county_standing_member"], 7, "", "动员群团组织及社会各界力量积极参与、支持、监督安全生产工作"),
    ("7-own", ["county_standing_member"], 7, "", "抓好分管行业（领域）、部门（单位）的安全生产工作"),
    ("8-1", ["county_safety_deputy"], 8, "一",
     "组织制定贯彻落实党中央、国务院以及上级和县委、政府关于安全生产决策部署，安全生产方针政策、法律法规的具体措施"),
    ("8-2", ["county_safety_deputy"], 8, "二", "协助县委主要负责人落实县委对安全生产的领导职责，督促落实县委关于安全生产的决策部署"),
    ("8-3", ["county_safety_deputy"], 8, "三",
     "协助政府主要负责人统筹推进本地安全生产工作，负责领导安全生产委员会日常工作，组织实施安全生产监督检查、巡查、考核、"
     "督查、暗查暗访等工作，协调解决重点难点问题"),
    ("8-4", ["county_safety_deputy"], 8, "四",
     "组织实施安全风险分级管控和隐患排查治理预防工作机制建设，指导安全生产专项整治和联合执法行动，组织查处各类违法违规行为"),
    ("8-5", ["county_safety_deputy"], 8, "五",
     "加强安全生产应急救援体系建设，督促开展应急救援演练，依法组织或者参与生产安全事故抢险救援和调查处理，"
     "组织开展生产安全事故责任追究和整改措施落实情况评估"),
    # The seed numbers this item "(六)" with ASCII parentheses.
    ("8-6", ["county_safety_deputy"], 8, "六",
     "统筹推进安全生产社会化服务体系建设、信息化建设、诚信体系建设和教育培训、科技支撑等工作"),
    ("9-1", OTHER_LEADERS, 9, "一",
     "组织分管行业（领域）、部门（单位）贯彻执行党中央、国务院以及上级和县委、政府关于安全生产的决策部署，安全生产方针政策、法律法规"),
    ("9-2", OTHER_LEADERS, 9, "二",
     "组织分管行业（领域）、部门（单位）健全和落实安全生产责任制，将安全生产工作与业务工作同时安排部署、同时组织实施、"
     "同时监督检查、同时考核奖惩"),
    ("9-3", OTHER_LEADERS, 9, "三",
     "指导分管行业（领域）、部门（单位）把安全生产工作纳入相关发展规划和年度工作计划，从行业规划、科技创新、产业政策、"
     "法规标准、行政许可、资产管理等方面加强和支持安全生产工作"),
    ("9-4-promote", OTHER_LEADERS, 9, "四", "统筹推进分管行业（领域）、部门（单位）安全生产工作"),
    ("9-4-resolve", OTHER_LEADERS, 9, "四", "及时研究解决安全生产问题，支持有关部门依法履行安全生产工作职责"),
    ("9-5", OTHER_LEADERS, 9, "五",
     "组织开展分管行业（领域）、部门（单位）安全生产专项整治、目标管理、应急管理、查处违法违规生产经营行为等工作，"
     "推动构建安全风险分级管控和隐患排查治理预防工作机制"),
    ("10-1", REGULATOR_LEADERS, 10, "一",
     "认真贯彻落实党中央、国务院以及上级和县委、政府关于安全生产的决策部署和指示精神，安全生产方针政策、法律法规"),
    ("10-2-lead", ["regulator_head"], 10, "二",
     "主要负责人对本部门安全生产工作负全面领导责任，认真履行监管职责，明确负责安全生产监管的机构，建立健全安全生产责任制，"
     "把安全生产工作纳入目标绩效管理考核体系并严格考核，支持、督促分管负责人及其他负责人做好安全生产工作，"
     "协调解决工作中存在的重大问题"),
    ("10-2-enforce", ["regulator_head"], 10, "二",
     "对相关生产经营单位落实安全生产法律法规情况进行监督检查，强化监管执法，持续开展“打非治违”，严厉查处违法违规行为，"
     "有效防范各类生产安全事故"),
    ("10-3-lead", ["regulator_safety_deputy"], 10, "三",
     "分管安全生产工作负责人对本部门安全生产工作负直接领导责任，协助主要负责人统筹推进本部门安全生产工作，"
     "对本部门及本行业（领域）的安全生产工作实行具体领导、综合协调，组织开展安全生产督查、暗查暗访等工作"),
    ("10-3-control", ["regulator_safety_deputy"], 10, "三",
     "加强安全风险分级管控和隐患排查治理预防工作机制建设，开展安全生产专项整治，查处各类违法违规行为，协调解决工作中存在的问题"),
    ("10-4-support", ["regulator_deputy"], 10, "四",
     "部门领导班子其他成员按照“一岗双责”要求，支持本部门分管安全生产的负责人抓好相关工作，将安全生产工作与业务工作"
     "同时安排部署、同时组织实施、同时监督检查"),
    ("11-1", ["industry_head"], 11, "一",
     "认真贯彻落实党中央、国务院以及上级和县委、政府关于安全生产的决策部署和指示精神，安全生产方针政策、法律法规"),
    ("11-2", ["industry_head"], 11, "二",
     "将安全生产工作作为行业（领域）管理的重要内容，从行业规划、产业政策、法规标准、行政许可等方面加强行业安全生产工作，"
     "指导督促企事业单位加强安全管理，持续开展安全生产风险管控和隐患排查治理工作"),
    ("11-3-resolve", ["industry_head"], 11, "三", "研究部署本行业（领域）安全生产工作，协调解决工作中存在的重大问题"),
    ("12-1", ["department_head"], 12, "一",
     "认真贯彻落实党中央、国务院以及上级和本级党委、政府关于安全生产的决策部署和指示精神，安全生产方针政策、法律法规"),
    ("12-2", ["department_head"], 12, "二",
     "积极主动为安全生产提供人员配备、财政资金、科技支撑、宣传教育、法律服务、社会监督等支持保障"),
    ("13", ["county_party_secretary", "county_magistrate"], 13, "",
     "把党政领导干部落实安全生产责任情况纳入县委和政府督查督办重要内容，县委、政府负责对全县党政领导干部和下级党政主要负责人"
     "履行安全生产职责情况进行监督检查"),
]

# The whole catalog in the seed's order (article, item, place in the item).
ORDER = [
    "5-1", "5-2-agenda", "5-2-county", "5-2-resolve", "5-2-township-park", "5-3-county-park", "5-3-township",
    "5-4", "5-5", "5-6-teams", "5-6-remit", "5-7", "5-8", "5-9-publicity", "5-9",
    "6-1", "6-2-plan", "6-2-report", "6-2-committee", "6-2-resolve", "6-3-county-park", "6-3-township",
    "6-4", "6-5-list", "6-5", "6-6", "6-7", "6-8", "6-9", "6-10",
    "7-coordinate", "7-mobilize", "7-own",
    "8-1", "8-2", "8-3", "8-4", "8-5", "8-6",
    "9-1", "9-2", "9-3", "9-4-promote", "9-4-inspection", "9-4-analysis", "9-4-resolve", "9-4-township", "9-5",
    "10-1", "10-2-lead", "10-2-enforce", "10-2-inspection", "10-2-meeting",
    "10-3-lead", "10-3-control", "10-3-inspection", "10-3-research", "10-4-support", "10-4",
    "11-1", "11-2", "11-3", "11-3-resolve",
    "12-1", "12-2",
    "13", "14", "17-county-park", "17-departments",
]

# The positions ``0002_seed_catalog`` gave the frequency rows, restored on the way back.
POSITIONS_0002 = [
    "5-2-county", "5-2-township-park", "5-3-county-park", "5-3-township", "5-9", "6-2-report", "6-2-committee",
    "6-3-county-park", "6-3-township", "6-5", "9-4-inspection", "9-4-analysis", "9-4-township", "10-2-inspection",
    "10-2-meeting", "10-3-inspection", "10-3-research", "10-4", "11-3", "14", "17-county-park", "17-departments",
]

PERIODS = [
    ("month", "Month (每月)"),
    ("two_months", "Two months (每两月)"),
    ("quarter", "Quarter (每季度)"),
    ("half_year", "Half year (每半年)"),
    ("year", "Year (每年)"),
    ("two_years", "Two years (每两年)"),
    ("standing", "Standing duty, no frequency (常态职责)"),
]
ACTIVITIES = [
    ("research", "Study work safety at a meeting (研究安全生产工作)"),
    ("survey", "Field survey of work safety (调研安全生产工作)"),
    ("inspection", "Lead an inspection (带队检查安全生产工作)"),
    ("study", "Collective study session (安全生产集体学习)"),
    ("hear_report", "Hear a work-safety report (听取安全生产工作汇报)"),
    ("committee_meeting", "Convene the safety committee (召开安委会会议)"),
    ("list_check", "Check the duty list's implementation (责任清单落实情况检查考核)"),
    ("situation_analysis", "Work-safety situation analysis (安全生产形势分析)"),
    ("meeting", "Party group or bureau meeting on work safety (党委（党组）会或局长办公会)"),
    ("patrol", "Work-safety patrol (安全生产巡查)"),
    ("accountability_report", "Report on duty performance (述责)"),
    ("standing", "Work done under a standing duty (履行常态职责)"),
]


def seed(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    for code, roles, article, item, text in STANDING:
        Obligation.objects.update_or_create(
            code=code,
            defaults={
                "roles": roles,
                "article": article,
                "item": item,
                "activity": "standing",
                "min_count": 1,
                "period": "standing",
                "text": text,
                "valid_from": IN_FORCE,
            },
        )
    for position, code in enumerate(ORDER, start=1):
        Obligation.objects.filter(code=code).update(position=position)


def unseed(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    Obligation.objects.filter(code__in=[row[0] for row in STANDING]).delete()
    for position, code in enumerate(POSITIONS_0002, start=1):
        Obligation.objects.filter(code=code).update(position=position)


class Migration(migrations.Migration):
    dependencies = [("duties", "0004_chapter4_5_moved_to_appraisal")]

    operations = [
        migrations.AlterField(
            model_name="obligation",
            name="period",
            field=models.CharField(choices=PERIODS, max_length=16, verbose_name="period"),
        ),
        migrations.AlterField(
            model_name="historicalobligation",
            name="period",
            field=models.CharField(choices=PERIODS, max_length=16, verbose_name="period"),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="activity",
            field=models.CharField(choices=ACTIVITIES, max_length=32, verbose_name="activity"),
        ),
        migrations.AlterField(
            model_name="historicalobligation",
            name="activity",
            field=models.CharField(choices=ACTIVITIES, max_length=32, verbose_name="activity"),
        ),
        migrations.RunPython(seed, unseed),
    ]
