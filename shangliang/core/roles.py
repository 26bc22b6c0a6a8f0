"""The roles of DOMAIN §3. Shared by every app's permission predicates."""

from django.db import models


class Role(models.TextChoices):
    RESIDENT = "resident", "居民"
    GRID_WORKER = "grid_worker", "网格员/全科社工"
    SECRETARY = "secretary", "社区书记"
    MEMBER = "member", "政协委员"
    STAFF = "staff", "政协机关工作人员"
    CHAIR = "chair", "专委会主任"
    REVIEWER = "reviewer", "党政点评人"
    OFFICER = "officer", "职能部门经办人"
    ADMIN = "admin", "系统管理员"


# Roles that work in the back office (the staff layout), with the navigation they see.
BACK_OFFICE_ROLES = frozenset(Role) - {Role.RESIDENT}
