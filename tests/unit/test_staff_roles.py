"""The authorisation table and scopes, without a database."""

from __future__ import annotations

import pytest

from mpp.staff.roles import (
    GRANTS,
    OPERATOR,
    Permission,
    Refused,
    Role,
    StaffMember,
    authorize,
    authorize_grant,
    can,
    mpp_scope,
)

CLERK = StaffMember(1, "sari", Role.CLERK, "kota_bogor", "disdukcapil")
ADMIN = StaffMember(2, "admin", Role.MPP_ADMIN, "kota_bogor", None)
SUPERVISOR = StaffMember(3, "sup", Role.SUPERVISOR, "kota_bogor", None)
NATIONAL = StaffMember(4, "nas", Role.NATIONAL_ADMIN, None, None)

# The table as a reader of the README expects it: permission -> roles that have it.
EXPECTED = {
    Permission.SERVE_QUEUE: {Role.CLERK},
    Permission.CONFIRM_PRIORITY: {Role.CLERK},
    Permission.VIEW_DEAD_LETTERS: {Role.MPP_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN},
    Permission.MANAGE_KIOSKS: {Role.MPP_ADMIN, Role.NATIONAL_ADMIN},
    Permission.MANAGE_STAFF: {Role.MPP_ADMIN, Role.NATIONAL_ADMIN},
    Permission.EDIT_CATALOGUE: {Role.CLERK, Role.MPP_ADMIN, Role.NATIONAL_ADMIN},  # a clerk: own agency only
    Permission.APPROVE_CATALOGUE: {Role.MPP_ADMIN, Role.NATIONAL_ADMIN},  # national facts: national only
    Permission.HANDLE_HANDOFFS: {Role.CLERK, Role.SUPERVISOR},
    Permission.TRIAGE_COMPLAINTS: {Role.CLERK, Role.MPP_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN},
    Permission.VIEW_DASHBOARD: {Role.MPP_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN},
    Permission.ONBOARD_MPP: {Role.NATIONAL_ADMIN},
    Permission.POST_ANNOUNCEMENTS: {Role.MPP_ADMIN, Role.NATIONAL_ADMIN},
    Permission.RECORD_APPLICATIONS: {Role.CLERK},  # the clerk of the ticket's agency
    Permission.VIEW_APPLICATIONS: {Role.CLERK, Role.MPP_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN},
}


def test_every_permission_has_a_row_and_the_rows_are_as_documented() -> None:
    assert set(GRANTS) == set(Permission)
    assert {p: set(r) for p, r in GRANTS.items()} == EXPECTED


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("member", [CLERK, ADMIN, SUPERVISOR, NATIONAL], ids=lambda m: m.role.value)
def test_a_role_without_the_permission_is_refused_in_its_own_scope(permission: Permission, member: StaffMember) -> None:
    allowed = member.role in EXPECTED[permission]
    assert can(member, permission, mpp=member.mpp_code, agency=member.agency_code) is allowed
    if not allowed:
        with pytest.raises(Refused, match=member.role.label):
            authorize(member, permission, mpp=member.mpp_code)


def test_nobody_but_a_national_admin_acts_on_another_mpp() -> None:
    assert not can(CLERK, Permission.SERVE_QUEUE, mpp="kota_bekasi", agency="disdukcapil")
    assert not can(ADMIN, Permission.MANAGE_KIOSKS, mpp="kota_bekasi")
    assert not can(SUPERVISOR, Permission.VIEW_DEAD_LETTERS, mpp="kota_bekasi")
    assert can(NATIONAL, Permission.MANAGE_KIOSKS, mpp="kota_bekasi")
    with pytest.raises(Refused, match="hanya untuk kota_bogor"):
        authorize(ADMIN, Permission.MANAGE_KIOSKS, mpp="kota_bekasi")


def test_a_clerk_serves_only_their_own_agency() -> None:
    assert can(CLERK, Permission.SERVE_QUEUE, mpp="kota_bogor", agency="disdukcapil")
    with pytest.raises(Refused, match="instansi disdukcapil"):
        authorize(CLERK, Permission.SERVE_QUEUE, mpp="kota_bogor", agency="samsat")


def test_who_may_create_which_accounts() -> None:
    authorize_grant(ADMIN, Role.CLERK, mpp="kota_bogor")
    authorize_grant(ADMIN, Role.SUPERVISOR, mpp="kota_bogor")
    with pytest.raises(Refused):
        authorize_grant(ADMIN, Role.MPP_ADMIN, mpp="kota_bogor")  # no peers
    with pytest.raises(Refused):
        authorize_grant(ADMIN, Role.NATIONAL_ADMIN, mpp=None)  # no escalation
    with pytest.raises(Refused):
        authorize_grant(ADMIN, Role.CLERK, mpp="kota_bekasi")  # not another MPP
    with pytest.raises(Refused):
        authorize_grant(CLERK, Role.CLERK, mpp="kota_bogor")
    for role in Role:
        authorize_grant(OPERATOR, role, mpp="kota_bekasi")  # the CLI operator holds the database


def test_scopes_a_role_needs_are_checked_when_the_member_is_made() -> None:
    with pytest.raises(ValueError, match="needs an agency"):
        StaffMember(9, "x", Role.CLERK, "kota_bogor", None)
    with pytest.raises(ValueError, match="needs an MPP"):
        StaffMember(9, "x", Role.MPP_ADMIN, None, None)
    assert mpp_scope(ADMIN) == "kota_bogor" and mpp_scope(NATIONAL) is None
