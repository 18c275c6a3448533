"""Codes of Chapters 4–5: grounds of a 约谈 and kinds of award. Public: never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewGround(models.TextChoices):
    """Art. 15: who the safety committee interviews (约谈)."""

    ACCIDENT_PREVENTION = "accident_prevention", _("Ineffective prevention of accidents (遏制和防范生产安全事故不力)")
    HAZARD_RECTIFICATION = "hazard_rectification", _("Major hazards not rectified (重大事故隐患整改落实不到位)")
    ASSESSMENT_LAST_FAILED = "assessment_last_failed", _("Ranked last and failed the assessment (考核成绩排在末位且考核不合格)")


class AwardKind(models.TextChoices):
    """Art. 25: one excellent year → 通报嘉奖; three consecutive → 记功."""

    COMMENDATION = "commendation", _("Commendation by circular (通报嘉奖)")
    MERIT = "merit", _("Citation for merit (记功)")
