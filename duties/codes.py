"""Codes of the duty ledger (PRODUCT §3) and of Chapters 4–5. Like ``cases.codes`` these slugs
are part of the API: never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    """Calendar blocks of PRODUCT §3. ``two_months`` is Jan–Feb, Mar–Apr, …; ``two_years`` blocks
    start in the year set by ``ZEREN_TWO_YEAR_ANCHOR`` (default 2021, the year the 细则 took
    effect: 2021–22, 2023–24, 2025–26, …).

    ``standing`` is a duty of Chapters 2–3 without a frequency (常态职责, e.g. 第五条（五）"配齐配强
    领导班子"): it has no calendar of its own, so its one block is the window asked about — a
    calendar year for the annual compliance, the twelve months up to the conduct in a case — and
    it is met by at least one record in it (``duties.selectors.compliance.compute``)."""

    MONTH = "month", _("Month (每月)")
    TWO_MONTHS = "two_months", _("Two months (每两月)")
    QUARTER = "quarter", _("Quarter (每季度)")
    HALF_YEAR = "half_year", _("Half year (每半年)")
    YEAR = "year", _("Year (每年)")
    TWO_YEARS = "two_years", _("Two years (每两年)")
    STANDING = "standing", _("Standing duty, no frequency (常态职责)")


class Activity(models.TextChoices):
    RESEARCH = "research", _("Study work safety at a meeting (研究安全生产工作)")
    SURVEY = "survey", _("Field survey of work safety (调研安全生产工作)")
    INSPECTION = "inspection", _("Lead an inspection (带队检查安全生产工作)")
    STUDY = "study", _("Collective study session (安全生产集体学习)")
    HEAR_REPORT = "hear_report", _("Hear a work-safety report (听取安全生产工作汇报)")
    COMMITTEE_MEETING = "committee_meeting", _("Convene the safety committee (召开安委会会议)")
    LIST_CHECK = "list_check", _("Check the duty list's implementation (责任清单落实情况检查考核)")
    SITUATION_ANALYSIS = "situation_analysis", _("Work-safety situation analysis (安全生产形势分析)")
    MEETING = "meeting", _("Party group or bureau meeting on work safety (党委（党组）会或局长办公会)")
    PATROL = "patrol", _("Work-safety patrol (安全生产巡查)")
    ACCOUNTABILITY_REPORT = "accountability_report", _("Report on duty performance (述责)")
    STANDING = "standing", _("Work done under a standing duty (履行常态职责)")
    ANNUAL_ASSESSMENT = "annual_assessment", _("Annual evaluation of departments, townships and the park (安全生产工作全面评价)")


class Organ(models.TextChoices):
    """Organs the seed gives a duty with a frequency of their own, not a cadre's (issue 13): an
    obligation binds either roles or organs. An organ is found by its unit (the department row
    whose organ it is, ``duties.selectors.organs``); its records are kept by a department of the
    county (``DutyRecord.kept_by``).

    - ``county_safety_committee``: 第十四条 "由县安委会负责，每两年…巡查", 第十六条 "由县安委会负责每年…
      全面评价"; its unit is the county, its office the county's emergency management department
      (安委会办公室, PRODUCT: "office of the county safety committee").
    - ``county_government``: 第十七条 "县政府…每年向市政府述责一次"; its unit is the county.
    - ``park_committee``: 第十七条 "园区管委会每年向市政府述责一次"; its unit is the park.
    """

    COUNTY_SAFETY_COMMITTEE = "county_safety_committee", _("County work-safety committee (县安全生产委员会)")
    COUNTY_GOVERNMENT = "county_government", _("County government (县人民政府)")
    PARK_COMMITTEE = "park_committee", _("Park management committee (园区管委会)")


class PeriodStatus(models.TextChoices):
    MET = "met", _("Met (已完成)")
    MISSED = "missed", _("Missed (未完成)")
    PARTIAL = "partial", _("Role held for part of the period (部分期间任职)")
    PENDING = "pending", _("Period not yet over (进行中)")
