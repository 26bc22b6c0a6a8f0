"""The demo sign-ins, one per back-office role. The README and the start-up script print this list."""

from __future__ import annotations

from dataclasses import dataclass

from shangliang.core.roles import Role

DEMO_PASSWORD = "shangliang2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    display_name: str
    scope: str  # the name of the region the account is limited to ("" for everything)
    organisation: str = ""  # the name of the organisation the account works for
    member: str = ""  # the CPPCC member the account belongs to
    superuser: bool = False

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("demo_admin", Role.ADMIN, "系统管理员", "", superuser=True),
    DemoLogin("demo_staff", Role.STAFF, "周海燕", "海城区", organisation="政协北海市海城区委员会办公室"),
    DemoLogin("demo_chair", Role.CHAIR, "梁国栋", "海城区", organisation="社会和法制委员会"),
    DemoLogin("demo_member", Role.MEMBER, "邵响亮", "海城区", member="邵响亮"),
    DemoLogin("demo_secretary", Role.SECRETARY, "杨宇芳", "政法路社区"),
    DemoLogin("demo_grid", Role.GRID_WORKER, "莫小玲", "政法路社区第1网格"),
    DemoLogin(
        "demo_reviewer", Role.REVIEWER, "林燕", "东街街道", organisation="中共北海市海城区东街街道工作委员会"
    ),
    DemoLogin("demo_officer", Role.OFFICER, "韦建华", "海城区", organisation="海城区住房和城乡建设局"),
)


def logins_table() -> str:
    """The logins as a plain-text table for the terminal."""
    rows = [("用户名", "密码", "角色", "姓名", "数据范围")]
    rows += [(d.username, d.password, d.role_label, d.display_name, d.scope or "全部") for d in DEMO_LOGINS]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
