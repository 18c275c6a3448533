"""Party discipline periods stack (党纪影响期叠加) only for sanctions decided from 2024-01-01.

《中国共产党纪律处分条例》(2023年修订，2024年1月1日起施行)第二十一条："党员在党纪处分影响期内又受到
党纪处分的，其影响期为原处分尚未执行的影响期与新处分影响期之和。" (VERIFIED-S, quoted by
https://m.cq9yuan.com/party_lian_fjjh/2024/DdwpDMe1.html, 《条例》(2023)问答). No such rule could be
found in the 2015 or 2018 条例 (their 第二十一条 is about 从轻、减轻; searched, not found: UNVERIFIED
that they have none), so the rows seeded in 0005 from 2016 with ``stacks=True`` claimed more than
is known.

Rows are not rewritten: each Party row valid from 2016-01-01 is closed (valid_to 2023-12-31,
``stacks=False``, a sentence added to its citation saying why) and a new version from 2024-01-01
carries ``stacks=True`` and the 2023 citation. ``cases.selectors.records`` picks the row in force
on each sanction's decision date, so a sanction decided in 2023 does not stack and one decided in
2024 does — also onto the unexpired remainder of a 2023 sanction (the 2023 条例 governs how the
later sanction's period is computed). History rows are written here because a migration's models
send no simple-history signals.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

OLD_FROM = dt.date(2016, 1, 1)
OLD_TO = dt.date(2023, 12, 31)
NEW_FROM = dt.date(2024, 1, 1)
KINDS = [
    "party_warning",
    "party_serious_warning",
    "party_removal_from_post",
    "party_probation_1y",
    "party_probation_2y",
    "party_expulsion",
]
STACKING = (
    "《中国共产党纪律处分条例》(2023年修订，2024年1月1日起施行)第二十一条：党员在党纪处分影响期内又受到党纪处分的，"
    "其影响期为原处分尚未执行的影响期与新处分影响期之和（VERIFIED-S：https://m.cq9yuan.com/party_lian_fjjh/2024/DdwpDMe1.html）"
)
CLOSED = "【2016–2023年版本不叠加：2015、2018年条例的影响期叠加规则未能核实（UNVERIFIED）；叠加自2024年1月1日起按2023年条例第二十一条】"
REASON_CLOSE = "issue 13: 党纪影响期叠加自2024-01-01起（2023年条例第二十一条）；旧版本截至2023-12-31且不叠加"
REASON_NEW = "issue 13: 2024-01-01起的新版本：叠加计算（2023年条例第二十一条）"


def _saved(Historical, Model, row, kind, reason):
    """Save ``row`` with its history row: simple-history writes it when this runs with the live
    models (tests.seeding); a migration's models record none, so it is written here."""
    row._change_reason = reason
    row.save()
    if not Historical.objects.filter(id=row.pk, history_type=kind, history_change_reason=reason).exists():
        Historical.objects.create(
            **{f.attname: getattr(row, f.attname) for f in Model._meta.concrete_fields},
            history_date=timezone.now(),
            history_type=kind,
            history_change_reason=reason,
        )


def split(apps, schema_editor):
    InfluencePeriod = apps.get_model("cases", "InfluencePeriod")
    Historical = apps.get_model("cases", "HistoricalInfluencePeriod")
    for old in InfluencePeriod.objects.filter(measure="sanction", sanction_kind__in=KINDS, valid_from=OLD_FROM):
        if InfluencePeriod.objects.filter(measure="sanction", sanction_kind=old.sanction_kind, valid_from=NEW_FROM).exists():
            continue  # already split (or replaced by hand): leave it
        new = InfluencePeriod(
            measure=old.measure,
            sanction_kind=old.sanction_kind,
            months=old.months,
            permanent=old.permanent,
            blocks_promotion=old.blocks_promotion,
            blocks_awards=old.blocks_awards,
            awards_until_year_end=old.awards_until_year_end,
            stacks=True,
            citation=f"{old.citation}；{STACKING}",
            verified=old.verified,
            valid_from=NEW_FROM,
            valid_to=old.valid_to,
        )
        _saved(Historical, InfluencePeriod, new, "+", REASON_NEW)
        old.valid_to = OLD_TO
        old.stacks = False
        old.citation = f"{old.citation}{CLOSED}"
        _saved(Historical, InfluencePeriod, old, "~", REASON_CLOSE)


seed = split  # tests.seeding re-runs it after transactional tests empty the tables


def join(apps, schema_editor):
    InfluencePeriod = apps.get_model("cases", "InfluencePeriod")
    Historical = apps.get_model("cases", "HistoricalInfluencePeriod")
    for new in InfluencePeriod.objects.filter(measure="sanction", sanction_kind__in=KINDS, valid_from=NEW_FROM):
        old = InfluencePeriod.objects.filter(measure="sanction", sanction_kind=new.sanction_kind, valid_from=OLD_FROM).first()
        Historical.objects.filter(id=new.pk).delete()
        new.delete()
        if old is not None:
            old.valid_to = None
            old.stacks = True
            old.citation = old.citation.replace(CLOSED, "")
            old.save()
            Historical.objects.filter(id=old.pk, history_change_reason=REASON_CLOSE).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_accident_known_at")]
    operations = [migrations.RunPython(split, join)]
