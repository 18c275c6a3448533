"""The obligations catalog, second version (issue 13): the department Party group principal's
duties, and the duties the seed gives to organs rather than to cadres.

New rows (平罗县's catalog, ``pingluo-2021``; each the seed's exact words):
- 第五条（二）"乡镇党委、部门党委（党组）、园区党工委每季度至少研究 1 次安全生产工作" and 第五条（九）
  "各级党（工）委（党组）理论学习中心组每年至少安排2次…" bind ``dept_party_secretary`` too. Rows of
  their own, with the same words, rather than a new version of ``5-2-township-park`` and ``5-9``:
  the township and park secretaries' blocks stay whole and their records keep counting.
  In force from 2021-06-11 like the first version (nobody held the role before this migration).
- 第十六条 "由县安委会负责每年对部门、乡镇（街道）、园区管委会安全生产工作情况进行全面评价": the
  county safety committee's yearly evaluation (the first version had no row: "not a cadre's
  duty"). In force from 2021-06-11.
- 第十四条 "由县安委会负责，每两年…进行1次安全生产巡查" and 第十七条 "县政府和园区管委会每年向市政府述责一次"
  are duties of organs (the committee; the county government and the park management
  committee). The first version bound them to cadres (the county leader in charge of work
  safety; the county magistrate and the park director). Rows are never edited: the old rows are
  closed on 2026-12-31 and the organs' rows are in force from 2027-01-01, the start of a year and
  of a two-year round (with the default ``ZEREN_TWO_YEAR_ANCHOR``), so that no block is split
  between the two readings (a split block would be ``partial`` on both sides, judged on neither)
  and every record made against the old rows — all dated before the change — keeps counting
  where it was made.

Positions: each new row takes the position of the row it follows (the catalog is ordered by
position, then id), so the rows of version 1 keep theirs.
"""

from django.db import migrations

IN_FORCE = "2021-06-11"  # 细则第三十五条：自印发之日起施行
V1_UNTIL = "2026-12-31"
V2_FROM = "2027-01-01"
RULEBOOK = "pingluo-2021"

# code, roles, organs, article, item, activity, min_count, period, text, valid_from, position
ROWS = [
    ("5-2-department", ["dept_party_secretary"], [], 5, "二", "research", 1, "quarter",
     "乡镇党委、部门党委（党组）、园区党工委每季度至少研究 1 次安全生产工作", IN_FORCE, 2),
    ("5-9-department", ["dept_party_secretary"], [], 5, "九", "study", 2, "year",
     "各级党（工）委（党组）理论学习中心组每年至少安排2次安全生产集体学习", IN_FORCE, 5),
    ("14-committee", [], ["county_safety_committee"], 14, "", "patrol", 1, "two_years",
     "由县安委会负责，每两年对县委、政府有关部门和乡镇（街道）、园区管委会进行1次安全生产巡查", V2_FROM, 20),
    ("16", [], ["county_safety_committee"], 16, "", "annual_assessment", 1, "year",
     "由县安委会负责每年对部门、乡镇（街道）、园区管委会安全生产工作情况进行全面评价", IN_FORCE, 20),
    ("17-government-park", [], ["county_government", "park_committee"], 17, "", "accountability_report", 1, "year",
     "县政府和园区管委会每年向市政府述责一次", V2_FROM, 21),
]
# The rows of version 1 the organs' rows take over from: closed, never edited otherwise.
CLOSED = {"14": V1_UNTIL, "17-county-park": V1_UNTIL}


def seed(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    # Re-seeding in tests runs ``0002`` with today's model, which leaves the rulebook empty.
    Obligation.objects.filter(rulebook="").update(rulebook=RULEBOOK)
    for code, until in CLOSED.items():
        Obligation.objects.filter(rulebook=RULEBOOK, code=code, valid_to__isnull=True).update(valid_to=until)
    for code, roles, organs, article, item, activity, min_count, period, text, valid_from, position in ROWS:
        Obligation.objects.update_or_create(
            rulebook=RULEBOOK,
            code=code,
            defaults={
                "roles": roles,
                "organs": organs,
                "article": article,
                "item": item,
                "activity": activity,
                "min_count": min_count,
                "period": period,
                "text": text,
                "valid_from": valid_from,
                "position": position,
            },
        )


def unseed(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    Obligation.objects.filter(rulebook=RULEBOOK, code__in=[row[0] for row in ROWS]).delete()
    Obligation.objects.filter(rulebook=RULEBOOK, code__in=list(CLOSED), valid_to__in=list(CLOSED.values())).update(
        valid_to=None
    )


class Migration(migrations.Migration):
    dependencies = [("duties", "0006_obligation_rulebook_organs_and_organ_records")]

    operations = [migrations.RunPython(seed, unseed)]
