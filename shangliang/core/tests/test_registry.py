"""The layout registry reads a person's scope: the administrator's entries for any administrator,
and every to-do provider handed the same scope."""

from shangliang.core import registry
from shangliang.core.roles import Role
from shangliang.core.scope import ANONYMOUS, Scope


def test_an_administrator_sees_the_administrators_entries_whatever_the_role_field_says():
    # given an administrator flagged by the scope (a superuser whose role field says staff)
    admin = Scope(user_id=1, role=Role.STAFF, is_admin=True, region_path="")
    staff = Scope(user_id=2, role=Role.STAFF, region_path="/1/")
    # when / then
    assert registry.nav_role(admin) == Role.ADMIN
    assert registry.nav_role(staff) == Role.STAFF
    assert registry.nav_role(ANONYMOUS) == ""


def test_every_todo_provider_is_handed_the_scope(monkeypatch):
    # given two providers that record what they are handed
    seen: list[Scope] = []

    def first(scope):
        seen.append(scope)
        return [registry.TodoItem(title="乙", url="/b/", order=2)]

    def second(scope):
        seen.append(scope)
        return [registry.TodoItem(title="甲", url="/a/", order=1)]

    monkeypatch.setattr(registry, "_todo_providers", [first, second])
    scope = Scope(user_id=3, role=Role.SECRETARY, region_path="/1/2/")
    # when
    items = registry.todo_for(scope)
    # then
    assert seen == [scope, scope]
    assert [i.title for i in items] == ["甲", "乙"]
