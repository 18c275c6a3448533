"""Codes of the organization layer (PRODUCT §1): departments, cadre posts, ranks, moves.
External clients depend on these slugs: never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline inspection and supervision organ (纪检监察机关)")
    ORGANIZATION = "organization", _("Organization and personnel department (组织人事部门)")
    EMERGENCY = "emergency", _("Emergency management department (应急管理部门)")
    INSPECTION = "inspection", _("Inspection (xunca) body (巡察机构)")
    AUDIT = "audit", _("Audit office (审计机关)")
    LAW_ENFORCEMENT = "law_enforcement", _("Administrative law enforcement (行政执法机关)")
    REGULATOR = "regulator", _("Department with safety supervision duties (负有安全生产监管职责的部门)")
    INDUSTRY = "industry", _("Industry competent department (行业（领域）主管部门)")
    PARTY_GOVERNMENT = "party_government", _("Party committee, government and their organs (党委、政府及其工作机关)")
    TOWNSHIP = "township", _("Township or subdistrict (乡镇（街道）)")
    PARK = "park", _("Industrial park (工业园区)")
    # Added in issue 14 (not in PRODUCT §1.1's first list): the organ a suspected crime that is not
    # a 职务违法犯罪 is referred to (e.g. 不报、谎报安全事故罪, 刑法第一百三十九条之一), named by the
    # officer at ``conclude`` (docs/referrals.md).
    PUBLIC_SECURITY = "public_security", _("Public security organ (公安机关)")


class Role(models.TextChoices):
    """Cadre posts of PRODUCT §1.2; they drive the duties of Chapters 2–3."""

    COUNTY_PARTY_SECRETARY = "county_party_secretary", _("County Party committee principal (县委主要负责人)")
    COUNTY_STANDING_MEMBER = "county_standing_member", _("Other member of the county standing committee (县委常委会其他成员)")
    COUNTY_MAGISTRATE = "county_magistrate", _("County government principal (县政府主要负责人)")
    COUNTY_SAFETY_DEPUTY = "county_safety_deputy", _("County leader in charge of work safety (分管安全生产的县政府领导干部)")
    COUNTY_DEPUTY = "county_deputy", _("Other county government leader (县政府其他领导干部)")
    PARK_PARTY_SECRETARY = "park_party_secretary", _("Park Party working committee principal (园区党工委主要负责人)")
    PARK_DIRECTOR = "park_director", _("Park management committee principal (园区管委会主要负责人)")
    PARK_DEPUTY = "park_deputy", _("Other park management committee leader (园区管委会领导班子其他成员)")
    TOWNSHIP_PARTY_SECRETARY = "township_party_secretary", _("Township Party committee principal (乡镇党委主要负责人)")
    TOWNSHIP_HEAD = "township_head", _("Township government principal (乡镇政府（街道）主要负责人)")
    TOWNSHIP_DEPUTY = "township_deputy", _("Other township leader (乡镇政府（街道）其他领导干部)")
    REGULATOR_HEAD = "regulator_head", _("Principal of a supervising department (负有安全生产监管职责的部门主要负责人)")
    REGULATOR_SAFETY_DEPUTY = "regulator_safety_deputy", _("Its deputy in charge of work safety (该部门分管安全生产工作负责人)")
    REGULATOR_DEPUTY = "regulator_deputy", _("Other leader of a supervising department (该部门领导班子其他成员)")
    INDUSTRY_HEAD = "industry_head", _("Principal of an industry competent department (行业（领域）主管部门主要负责人)")
    DEPARTMENT_HEAD = "department_head", _("Leader of another working department (其他工作部门领导干部)")
    # Added in issue 13 (not in PRODUCT §1.2's first table): 第四条 names "部门党委（党组）主要负责人"
    # among the first responsible persons, and 第五条（二）（九） give their Party committee or
    # Party group duties with a frequency. Usually the same person as the department's principal,
    # but a separate post (党组书记) where the two are held apart.
    DEPT_PARTY_SECRETARY = (
        "dept_party_secretary",
        _("Principal of a department Party committee or Party group (部门党委（党组）主要负责人)"),
    )


class Rank(models.TextChoices):
    """A user's rank inside their department: officers do the work, leaders decide."""

    OFFICER = "officer", _("Officer (承办人)")
    LEADER = "leader", _("Leader (负责人)")


class CadreStatus(models.TextChoices):
    IN_OFFICE = "in_office", _("In office (在职)")
    TRANSFERRED = "transferred", _("Transferred (调离转岗)")
    PROMOTED = "promoted", _("Promoted (提拔)")
    RETIRED = "retired", _("Retired (退休)")


class MoveKind(models.TextChoices):
    APPOINTMENT = "appointment", _("First appointment (任职)")
    TRANSFER = "transfer", _("Transfer (调离转岗)")
    PROMOTION = "promotion", _("Promotion (提拔)")
    RETIREMENT = "retirement", _("Retirement (退休)")
