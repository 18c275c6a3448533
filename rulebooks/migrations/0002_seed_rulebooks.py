"""Load the rulebooks shipped with Zeren: the national rules (2018) and 平罗县's (2021).

The files are ``rulebooks/data/*.yaml`` at the time of this migration, parsed and validated by
``rulebooks.content`` (pure, no models). Other counties load theirs with
``manage.py rulebook import``; the demo loads 惠农区's (``loaddemo``).
"""

from django.db import migrations

SEEDED = ("national-2018", "pingluo-2021")


def seed(apps, schema_editor):
    from rulebooks import content as files

    Rulebook = apps.get_model("rulebooks", "Rulebook")
    for data in files.bundled():
        if data["code"] not in SEEDED or Rulebook.objects.filter(code=data["code"]).exists():
            continue
        meta = {key: data.get(key) for key in files.META_FIELDS}
        Rulebook.objects.create(
            code=data["code"],
            version=1,
            title=data["title"],
            issuer=data.get("issuer") or "",
            document_number=data.get("document_number") or "",
            jurisdiction=data.get("jurisdiction") or "",
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            parent=data.get("parent") or "",
            verification=data["verification"],
            content=data["content"],
            digest=files.digest(meta, data["content"]),
            note=data.get("note") or "",
            current=True,
        )


def unseed(apps, schema_editor):
    apps.get_model("rulebooks", "Rulebook").objects.filter(code__in=SEEDED).delete()


class Migration(migrations.Migration):
    dependencies = [("rulebooks", "0001_rulebook")]
    operations = [migrations.RunPython(seed, unseed)]
