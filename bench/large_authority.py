"""Benchmark: the access decision at a large authority's scale (100,000 children, 250,000 referrals).

Issue 11, "Scale of the decision itself". Builds its own database (dropped and made afresh), fills it with
bulk SQL the way the sharing services leave it under the group model (an organisation's or a role's
permissions held once, by its ``AccessGroup``), prints the permission rows beside what the old per-person
model would have written for the same reasons, then times the children list for a person who sees about
40,000 children through their organisation's group and for one who sees a handful, and the single-child
decision. See bench/README.md. Run with ``make bench-large``.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from children_list import (
    PAGE_SIZE,
    drop_database,
    explain,
    measure,
    percentiles,
    recreate_database,
    setup_django,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/beacon_bench_large"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000, help="children (100,000)")
    parser.add_argument("--referrals", type=int, default=250_000, help="referrals (250,000)")
    parser.add_argument(
        "--spa-share", type=float, default=0.8, help="share of the referrals made to the SPA (0.8)"
    )
    parser.add_argument(
        "--spa-children",
        type=int,
        default=40_000,
        help="children with a referral open at the single point of access (SPA): what its staff see (40,000)",
    )
    parser.add_argument("--spa-staff", type=int, default=16, help="staff of the SPA (16)")
    parser.add_argument("--organisations", type=int, default=40, help="other organisations (40)")
    parser.add_argument("--professionals", type=int, default=2_000, help="their professionals (2,000)")
    parser.add_argument(
        "--org-consents", type=int, default=10_000, help="consents to an organisation (10,000)"
    )
    parser.add_argument("--role-consents", type=int, default=16_000, help="consents to a role (16,000)")
    parser.add_argument(
        "--team-children",
        type=int,
        default=30_000,
        help="children with two professionals on their team (30,000)",
    )
    parser.add_argument("--handful", type=int, default=12, help="children the narrow subject sees (12)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each measurement (30)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first (5)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards for inspection")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by an earlier --keep run; build nothing"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to (re)create; its name must contain 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    return parser.parse_args()


# --- Bulk SQL -------------------------------------------------------------------------------------


def execute(sql: str, params: dict | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params: dict | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def clone(template, select_from: str, overrides: dict[str, str], params: dict | None = None) -> int:
    """One row per row of ``select_from`` (SQL), copying ``template``'s columns except ``overrides``
    (column -> SQL expression, with ``%(name)s`` parameters), then delete the template.

    The template is saved through the ORM, so every other column has the value Django would give it; the
    copies are one ``INSERT ... SELECT``, far faster than building model instances.
    """
    model = type(template)
    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields if field.column != "id"]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise ValueError(f"{table} has no columns {unknown}")
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
    # Out of the table first, so that the copies never collide with it on a unique constraint.
    execute(f'CREATE TEMP TABLE bench_template AS SELECT * FROM "{table}" WHERE id = {template.pk}')
    model.objects.filter(pk=template.pk).delete()
    count = execute(
        f'INSERT INTO "{table}" ({names}) SELECT {values} FROM bench_template t, {select_from}',
        params or None,
    )
    execute("DROP TABLE bench_template")
    return count


def build_data(args: argparse.Namespace) -> dict:
    """Everything the sharing services would have written for a large authority, in bulk SQL."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from apps.accounts.models import (
        Organisation,
        OrganisationMembership,
        OrganisationType,
        ProfessionalRole,
        User,
    )
    from apps.children.categories import PERMISSION, Category
    from apps.children.models import Child, SocialWorkInvolvement, VulnerabilityFlag, VulnerabilityType
    from apps.consent.models import Consent, ConsentCategory
    from apps.referrals.models import ConcernLevel, Referral, Route
    from apps.sharing.models import AccessGrant, AccessGroup, OrganisationAccessGrant
    from apps.teams.models import TeamMembership
    from tests.factories import nhs_number_from

    started = time.perf_counter()

    # People. Organisation 0 is the single point of access; each other organisation has a dominant role (three
    # in four of its staff), so a consent to "the school nurses at the school nursing service" reaches many.
    types = list(OrganisationType.objects.all())
    roles = list(ProfessionalRole.objects.all())
    spa = Organisation.objects.create(name="Bench Single Point of Access", type=types[0])
    others = Organisation.objects.bulk_create(
        Organisation(name=f"Bench Organisation {n:02d}", type=types[n % len(types)])
        for n in range(args.organisations)
    )
    narrow_org = Organisation.objects.create(name="Bench Youth Club", type=types[-1])

    def professional(username: str) -> User:
        # No one signs in to the benchmark database.
        return User(username=username, display_name=username, kind=User.Kind.PROFESSIONAL, password="!")  # noqa: S106

    users = User.objects.bulk_create(
        [professional(f"bench-spa-{n:02d}") for n in range(args.spa_staff)]
        + [professional(f"bench-prof-{n:05d}") for n in range(args.professionals)]
        + [professional("bench-narrow")],
        batch_size=5_000,
    )
    spa_staff, professionals, narrow = users[: args.spa_staff], users[args.spa_staff : -1], users[-1]
    dominant = {org.pk: roles[n % len(roles)] for n, org in enumerate(others)}
    people = [(user, spa, roles[0]) for user in spa_staff]
    for n, user in enumerate(professionals):
        org = others[n % len(others)]
        people.append((user, org, dominant[org.pk] if n % 4 else roles[(n // 7) % len(roles)]))
    people.append((narrow, narrow_org, roles[0]))
    OrganisationMembership.objects.bulk_create(
        (
            OrganisationMembership(user=user, organisation=org, role=role, started_on=date(2024, 1, 1))
            for user, org, role in people
        ),
        batch_size=5_000,
    )
    execute("CREATE TABLE bench_prof (n int PRIMARY KEY, id bigint NOT NULL)")
    execute(
        "INSERT INTO bench_prof SELECT n - 1, id FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS u(id, n)",
        {"ids": [user.pk for user in professionals]},
    )
    execute("CREATE TABLE bench_org (n int PRIMARY KEY, id bigint NOT NULL, role_id bigint NOT NULL)")
    execute(
        "INSERT INTO bench_org SELECT n - 1, id, role FROM unnest(%(ids)s::bigint[], %(roles)s::bigint[]) "
        "WITH ORDINALITY AS u(id, role, n)",
        {"ids": [org.pk for org in others], "roles": [dominant[org.pk].pk for org in others]},
    )

    # Children, with the list's summary columns: a current social-work status for four in five, and about
    # 1.5 current vulnerabilities each.
    template = Child.objects.create(
        given_name="T",
        family_name="T",
        date_of_birth=date(2010, 1, 1),
        strengths="Synthetic benchmark record.",
    )
    clone(
        template,
        "generate_series(0, %(last)s) g",
        {
            "public_id": "gen_random_uuid()",
            "given_name": "'Bench' || g",
            "family_name": "'Family' || lpad(((hashint4(g) & 2147483647) %% 2000)::text, 4, '0')",
            "preferred_name": "CASE WHEN g %% 4 = 0 THEN 'B' || g ELSE '' END",
            "date_of_birth": "date '2008-01-01' + (g * 7919) %% (365 * 16)",
            "nhs_number": "(%(nhs)s::text[])[g + 1]",
        },
        {"last": args.children - 1, "nhs": [nhs_number_from(n) for n in range(args.children)]},
    )
    execute("CREATE TABLE bench_child (n int PRIMARY KEY, id bigint NOT NULL)")
    execute("INSERT INTO bench_child SELECT row_number() OVER (ORDER BY id) - 1, id FROM children_child")
    first_child = Child.objects.get(pk=scalar("SELECT id FROM bench_child WHERE n = 0"))
    statuses = [choice for choice, _ in SocialWorkInvolvement.Status.choices]
    clone(
        SocialWorkInvolvement.objects.create(
            child=first_child, status=statuses[0], started_on=date(2025, 1, 1)
        ),
        "bench_child g",
        {"child_id": "g.id", "status": "(%(statuses)s::text[])[1 + g.n %% %(count)s]"},
        {"statuses": statuses, "count": len(statuses)},
    )
    execute(
        "DELETE FROM children_socialworkinvolvement s USING bench_child g "
        "WHERE s.child_id = g.id AND g.n % 5 = 4"
    )
    vtypes = list(VulnerabilityType.objects.values_list("pk", flat=True))
    clone(
        VulnerabilityFlag.objects.create(
            child=first_child, type_id=vtypes[0], source="school", identified_on=date(2025, 1, 1)
        ),
        "bench_child g, generate_series(0, 2) k",
        {
            "child_id": "g.id",
            "type_id": "(%(types)s::bigint[])[1 + (g.n + k * 7) %% %(count)s]",
            "ended_on": "CASE WHEN k = 2 THEN date '2025-06-01' END",
        },
        {"types": vtypes, "count": len(vtypes)},
    )
    execute(
        "DELETE FROM children_vulnerabilityflag f USING bench_child g "
        "WHERE f.child_id = g.id AND (f.id + g.n) % 4 = 0"
    )

    # Referrals: most to the SPA, the rest to the other organisations. The SPA has one open for each of the
    # first ``spa_children`` children (three in five accepted); the others were decided and closed long ago.
    # Only an open referral gives its service access: one OrganisationAccessGrant per child and basis.
    spa_referrals = int(args.referrals * args.spa_share)
    spa_accepted = args.spa_children * 3 // 5
    clone(
        Referral.objects.create(
            child=first_child,
            receiving_organisation=spa,
            route=Route.SCHOOL,
            made_by=professionals[0],
            presenting_needs="Synthetic benchmark referral.",
            professional_concern=ConcernLevel.MEDIUM,
            family_concern=ConcernLevel.MEDIUM,
            consent_to_refer=Referral.ConsentToRefer.BOTH,
        ),
        "generate_series(0, %(last)s) s(g) JOIN bench_child c ON c.n = s.g %% %(children)s "
        "JOIN bench_prof p ON p.n = s.g %% %(professionals)s "
        "LEFT JOIN bench_org o ON o.n = s.g %% %(organisations)s",
        {
            "public_id": "gen_random_uuid()",
            "child_id": "c.id",
            "made_by_id": "p.id",
            "receiving_organisation_id": "CASE WHEN s.g < %(spa_referrals)s THEN %(spa)s ELSE o.id END",
            "status": "CASE WHEN s.g < %(spa_accepted)s THEN 'accepted' "
            "WHEN s.g < %(spa_children)s THEN 'triaged' ELSE 'closed' END",
            "received_at": "now() - (%(last)s - s.g) * interval '20 minutes'",
            "closed_at": "CASE WHEN s.g >= %(spa_children)s "
            "THEN now() - (%(last)s - s.g) * interval '10 minutes' END",
        },
        {
            "last": args.referrals - 1,
            "children": args.children,
            "professionals": len(professionals),
            "organisations": len(others),
            "spa_referrals": spa_referrals,
            "spa": spa.pk,
            "spa_accepted": spa_accepted,
            "spa_children": args.spa_children,
        },
    )
    clone(
        OrganisationAccessGrant.objects.create(
            child=first_child, organisation=spa, basis=OrganisationAccessGrant.Basis.REFERRAL_RECEIVED
        ),
        "bench_child c, (VALUES ('referral_received'), ('referral_accepted')) b(basis)",
        {"child_id": "c.id", "basis": "b.basis"},
        {},
    )
    execute(
        "DELETE FROM sharing_organisationaccessgrant g USING bench_child c WHERE g.child_id = c.id AND "
        "(c.n >= %(spa_children)s OR (g.basis = 'referral_accepted' AND c.n >= %(spa_accepted)s))",
        {"spa_children": args.spa_children, "spa_accepted": spa_accepted},
    )

    # The access groups, named as access_group_for() names them, with their members: the SPA's, each
    # organisation's, and each organisation's dominant role's.
    def access_group(organisation: Organisation, role: ProfessionalRole | None = None) -> AccessGroup:
        name = f"access:org:{organisation.pk}" + (f":role:{role.pk}" if role else "")
        return AccessGroup.objects.create(
            group=Group.objects.create(name=name), organisation=organisation, role=role
        )

    spa_group = access_group(spa)
    for org in others:
        access_group(org)
        access_group(org, dominant[org.pk])
    execute(
        f"""INSERT INTO {User.groups.through._meta.db_table} (user_id, group_id)
            SELECT m.user_id, a.group_id FROM accounts_organisationmembership m
              JOIN sharing_accessgroup a ON a.organisation_id = m.organisation_id
                                        AND (a.role_id IS NULL OR a.role_id = m.role_id)
             WHERE m.ended_on IS NULL"""
    )

    # Consents to an organisation (core record, team, plans) and to a role at one (core record, team,
    # appointments), each for a different child. One in ten has ended (its rows wait for the expiry sweep,
    # and restrict() must ignore them meanwhile); three in ten end later this year.
    def consents(count: int, *, kind: str, step: int, categories: list[Category]) -> None:
        clone(
            Consent.objects.create(
                child=first_child,
                grantor=Consent.Grantor.YOUNG_PERSON,
                recipient_kind=Consent.RecipientKind.ORGANISATION,
                recipient_organisation=spa,
                purpose="Synthetic benchmark consent.",
                valid_from=date(2025, 1, 1),
                form=Consent.Form.WRITTEN,
                evidence="Signed form on file.",
                recorded_by=professionals[0],
            ),
            "generate_series(0, %(last)s) s(g) "
            "JOIN bench_child c ON c.n = (s.g * %(step)s + 1) %% %(children)s "
            "JOIN bench_org o ON o.n = s.g %% %(organisations)s",
            {
                "public_id": "gen_random_uuid()",
                "child_id": "c.id",
                "recipient_kind": "%(kind)s",
                "recipient_organisation_id": "o.id",
                "recipient_role_id": "CASE WHEN %(kind)s = 'role' THEN o.role_id END",
                "valid_until": "CASE WHEN s.g %% 10 = 0 THEN current_date - 10 "
                "WHEN s.g %% 10 < 4 THEN current_date + 200 END",
                "purpose": "%(kind)s || ' ' || s.g",
            },
            {
                "last": count - 1,
                "step": step,
                "children": args.children,
                "organisations": len(others),
                "kind": kind,
            },
        )
        for category in categories:
            clone(
                ConsentCategory.objects.create(consent=Consent.objects.first(), category=category),
                "consent_consent c WHERE c.recipient_kind = %(kind)s",
                {"consent_id": "c.id"},
                {"kind": kind},
            )

    consents(
        args.org_consents,
        kind="organisation",
        step=7,
        categories=[Category.CORE, Category.TEAM, Category.PLANS],
    )
    consents(
        args.role_consents,
        kind="role",
        step=11,
        categories=[Category.CORE, Category.TEAM, Category.APPOINTMENTS],
    )

    # The group permission rows, as _group_permissions_sync() writes them: the SPA's from its grants, and
    # each consent's categories for its organisation's or role's group, until the end of its last day.
    execute(
        """INSERT INTO sharing_childgroupobjectpermission
               (group_id, permission_id, content_object_id, expires_at, basis)
           SELECT %(group)s, p.id, g.child_id, NULL, g.lawful_basis
             FROM sharing_organisationaccessgrant g
             JOIN auth_permission p ON p.content_type_id = %(content_type)s AND p.codename = ANY(
                  CASE g.basis WHEN 'referral_received' THEN %(received)s::text[]
                               ELSE %(accepted)s::text[] END)""",
        {
            "group": spa_group.group_id,
            "content_type": ContentType.objects.get_for_model(Child).pk,
            "received": [PERMISSION[Category.CORE], PERMISSION[Category.REFERRALS]],
            "accepted": [PERMISSION[Category.APPOINTMENTS], "record_child_appointments"],
        },
    )
    execute(
        """INSERT INTO sharing_childgroupobjectpermission
               (group_id, permission_id, content_object_id, expires_at, basis)
           SELECT a.group_id, p.id, c.child_id,
                  (c.valid_until + 1)::timestamp AT TIME ZONE 'Europe/London', 'consent'
             FROM consent_consent c
             JOIN consent_consentcategory cc ON cc.consent_id = c.id
             JOIN sharing_accessgroup a ON a.organisation_id = c.recipient_organisation_id
                                       AND a.role_id IS NOT DISTINCT FROM c.recipient_role_id
             JOIN auth_permission p ON p.content_type_id = %(content_type)s AND p.codename = CASE cc.category
                  WHEN 'core' THEN 'view_child' WHEN 'team' THEN 'view_child_team'
                  ELSE 'view_child_' || cc.category END""",
        {"content_type": ContentType.objects.get_for_model(Child).pk},
    )

    # People's own grants: every record's creator (core record and team, may change it), two professionals on
    # the team around ``team_children`` children (also appointments), and the narrow subject on the team of a
    # handful. Their rows as _child_permissions_sync() writes them.
    clone(
        AccessGrant.objects.create(
            child=first_child, user=professionals[0], basis=AccessGrant.Basis.CREATOR, can_change=True
        ),
        "bench_child c JOIN bench_prof p ON p.n = c.n %% %(professionals)s",
        {"child_id": "c.id", "user_id": "p.id"},
        {"professionals": len(professionals)},
    )
    team_template = TeamMembership.objects.create(
        child=first_child,
        kind=TeamMembership.Kind.PROFESSIONAL,
        user=professionals[0],
        started_on=date(2025, 1, 1),
    )
    clone(
        team_template,
        "(SELECT c.id AS child_id, p.id AS user_id FROM bench_child c CROSS JOIN generate_series(1, 2) k "
        " JOIN bench_prof p ON p.n = (c.n * 3 + k * 5) %% %(professionals)s WHERE c.n < %(team_children)s "
        " UNION ALL SELECT c.id, %(narrow)s FROM bench_child c WHERE c.n %% %(spread)s = 17 "
        " AND c.n < %(spread)s * %(handful)s) m",
        {"public_id": "gen_random_uuid()", "child_id": "m.child_id", "user_id": "m.user_id"},
        {
            "professionals": len(professionals),
            "team_children": args.team_children,
            "narrow": narrow.pk,
            "spread": args.children // args.handful,
            "handful": args.handful,
        },
    )
    clone(
        AccessGrant.objects.create(
            child=first_child,
            user=professionals[0],
            basis=AccessGrant.Basis.CREATOR,
            revoked_at=timezone.now(),  # Out of the way of the copies' unique constraints.
        ),
        "teams_teammembership m",
        {
            "child_id": "m.child_id",
            "user_id": "m.user_id",
            "basis": "'team_member'",
            "membership_id": "m.id",
            "revoked_at": "NULL",
        },
        {},
    )
    content_type = ContentType.objects.get_for_model(Child).pk
    execute(
        """INSERT INTO sharing_childuserobjectpermission
               (user_id, permission_id, content_object_id, expires_at, basis)
           SELECT g.user_id, p.id, g.child_id, NULL, g.lawful_basis
             FROM sharing_accessgrant g
             JOIN auth_permission p ON p.content_type_id = %(content_type)s AND p.codename = ANY(
                  CASE g.basis WHEN 'creator' THEN %(creator)s::text[] ELSE %(team)s::text[] END)
           ON CONFLICT DO NOTHING""",
        {
            "content_type": content_type,
            "creator": ["view_child", "view_child_team", "change_child"],
            "team": ["view_child", "view_child_team", "record_child_appointments", "change_child"],
        },
    )
    for table in (
        "children_child",
        "referrals_referral",
        "consent_consent",
        "consent_consentcategory",
        "sharing_accessgrant",
        "sharing_organisationaccessgrant",
        "teams_teammembership",
        "children_socialworkinvolvement",
        "children_vulnerabilityflag",
        "sharing_childuserobjectpermission",
        "sharing_childgroupobjectpermission",
        User.groups.through._meta.db_table,
    ):
        execute(f'VACUUM ANALYZE "{table}"')
    print(f"Built the authority in {time.perf_counter() - started:.1f} s")
    return {"wide": spa_staff[0].pk, "narrow": narrow.pk}


def subjects() -> dict:
    from apps.accounts.models import User

    return {
        "wide": User.objects.get(username="bench-spa-00").pk,
        "narrow": User.objects.get(username="bench-narrow").pk,
    }


# --- What the tables hold, and what the per-person model would have held --------------------------


def report_rows() -> dict:
    """The permission rows now, by source, beside the per-person model's: each group row once per member."""
    rows = {}
    counts = {
        "children": "SELECT count(*) FROM children_child",
        "referrals": "SELECT count(*) FROM referrals_referral",
        "open organisation grants": "SELECT count(*) FROM sharing_organisationaccessgrant",
        "consents": "SELECT count(*) FROM consent_consent",
        "person grants": "SELECT count(*) FROM sharing_accessgrant",
        "team memberships": "SELECT count(*) FROM teams_teammembership",
        "professionals": "SELECT count(*) FROM accounts_user WHERE kind = 'professional'",
        "access groups": "SELECT count(*) FROM sharing_accessgroup",
        "group memberships": "SELECT count(*) FROM accounts_user_groups",
    }
    print()
    for label, sql in counts.items():
        rows[label] = scalar(sql)
        print(f"  {label:<26} {rows[label]:>10,}")
    sources = scalar(
        """SELECT json_agg(x) FROM (
             SELECT CASE WHEN a.role_id IS NOT NULL THEN 'role consents'
                         WHEN p.basis = 'consent' THEN 'organisation consents'
                         ELSE 'referrals to the SPA' END AS source,
                    count(*) AS now, sum(m.members) AS per_person
               FROM sharing_childgroupobjectpermission p
               JOIN sharing_accessgroup a ON a.group_id = p.group_id
               JOIN (SELECT group_id, count(*) AS members FROM accounts_user_groups GROUP BY group_id) m
                 ON m.group_id = p.group_id
              GROUP BY 1
             UNION ALL
             SELECT 'people''s own grants', count(*), count(*) FROM sharing_childuserobjectpermission
           ) x"""
    )
    print(
        "\n| Permission rows from | Per-person model (computed) | Group model (these tables) |"
        "\n|---|---:|---:|"
    )
    total_now = total_old = 0
    for source in sources:
        total_now += source["now"]
        total_old += source["per_person"]
        print(f"| {source['source']} | {source['per_person']:,} | {source['now']:,} |")
    print(f"| **Total** | **{total_old:,}** | **{total_now:,}** |")
    print(
        f"\nGroup model: {total_now:,} rows, {total_old / total_now:.1f} times fewer; permission tables and "
        f"indexes {scalar(SIZE_SQL)}."
    )
    return rows


SIZE_SQL = """SELECT pg_size_pretty(sum(pg_total_relation_size(c)))
                FROM unnest(ARRAY['sharing_childuserobjectpermission',
                                  'sharing_childgroupobjectpermission']) c"""


def check_projection() -> None:
    """Re-derive a sample of children's rows through the sharing services and stop if any differ: the bulk
    SQL must leave exactly what the services would (expired rows aside: the sweep removes those)."""
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.children.models import Child
    from apps.sharing.models import ChildGroupObjectPermission, ChildUserObjectPermission
    from apps.sharing.services import access_groups_sync, child_access_resync

    def snapshot(child_ids):
        live = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        fields = ("content_object_id", "permission__codename", "expires_at", "basis")
        return (
            sorted(
                ChildUserObjectPermission.objects.filter(content_object_id__in=child_ids)
                .filter(live)
                .values_list("user_id", *fields)
            ),
            sorted(
                ChildGroupObjectPermission.objects.filter(content_object_id__in=child_ids)
                .filter(live)
                .values_list("group_id", *fields)
            ),
        )

    sample = (0, 1, 2, 3, 8, 13, 24_001, 30_001, 39_999, 40_000, 50_017, 77_778, 99_999)
    child_ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    child_ids = [child_ids[n] for n in sample if n < len(child_ids)]
    before = snapshot(child_ids)
    users = list(User.objects.filter(username__in=["bench-spa-00", "bench-prof-00001", "bench-prof-00004"]))
    groups_before = {user.pk: set(user.groups.values_list("pk", flat=True)) for user in users}
    with transaction.atomic():
        for child in Child.objects.filter(pk__in=child_ids):
            child_access_resync(child=child)
        for user in users:
            access_groups_sync(user=user)
        after = snapshot(child_ids)
        groups_after = {user.pk: set(user.groups.values_list("pk", flat=True)) for user in users}
        transaction.set_rollback(True)
    if before != after or groups_before != groups_after:
        for label, old, new in (("user", before[0], after[0]), ("group", before[1], after[1])):
            print(f"{label} rows only in the bulk data: {sorted(set(old) - set(new))[:10]}")
            print(f"{label} rows only from the services: {sorted(set(new) - set(old))[:10]}")
        sys.exit("The bulk data is not what the sharing services write: fix build_data() before timing.")
    print(
        f"\nChecked: the sharing services re-derive the same {len(before[0]) + len(before[1])} live rows for "
        f"{len(child_ids)} sample children, and the same groups for {len(users)} people."
    )


# --- Measuring ------------------------------------------------------------------------------------


def run_benchmarks(args: argparse.Namespace, ids: dict) -> list[tuple[str, list[float]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.accounts.models import User
    from apps.children.selectors import child_list, child_list_count
    from apps.sharing.access import child_access
    from apps.sharing.selectors import access_child

    client = APIClient()
    results: list[tuple[str, list[float]]] = []

    def timed(label: str, fn: Callable[[], object]) -> None:
        timings = measure(fn, runs=args.runs, warmup=args.warmup)
        results.append((label, timings))
        p50, p95 = percentiles(timings)
        print(f"  {label:<66} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")

    for who, subject_id in ids.items():
        user = User.objects.get(pk=subject_id)
        expected = scalar(
            """SELECT count(DISTINCT content_object_id) FROM (
                 SELECT content_object_id, expires_at FROM sharing_childuserobjectpermission p
                  JOIN auth_permission a ON a.id = p.permission_id
                  WHERE a.codename = 'view_child' AND p.user_id = %(user)s
                 UNION ALL
                 SELECT content_object_id, expires_at FROM sharing_childgroupobjectpermission p
                  JOIN auth_permission a ON a.id = p.permission_id
                  JOIN accounts_user_groups ug ON ug.group_id = p.group_id
                  WHERE a.codename = 'view_child' AND ug.user_id = %(user)s) x
               WHERE expires_at IS NULL OR expires_at > now()""",
            {"user": subject_id},
        )

        def api_get(subject_id=subject_id) -> dict:
            # A fresh user object per request, as authentication gives a real request: nothing cached on it.
            client.force_authenticate(user=User.objects.get(pk=subject_id))
            response = client.get("/api/v1/children/")
            if response.status_code != 200:
                sys.exit(f"GET /api/v1/children/ answered {response.status_code}: {response.content[:300]}")
            return response.json()

        answer = api_get()
        if answer["count"] != expected or len(answer["results"]) != min(expected, PAGE_SIZE):
            sys.exit(f"{who}: the API counted {answer['count']} children where the rows give {expected}.")
        names = [(child["family_name"], child["given_name"]) for child in answer["results"]]
        if names != sorted(names):
            sys.exit(f"{who}: the page is not in name order.")
        child = child_list(user=user)[min(expected, PAGE_SIZE) // 2]
        print(f"\n{who}: {user.username} sees {expected:,} children")
        timed(f"{who}: API GET /api/v1/children/ (in-process APIClient)", api_get)
        timed(
            f"{who}: ORM list(child_list(user)[:25])",
            lambda user=user: list(child_list(user=user)[:PAGE_SIZE]),
        )
        timed(
            f"{who}: child_list_count(user), the paginator's count",
            lambda user=user: child_list_count(user=user),
        )
        timed(
            f"{who}: child_access(user, child), the decision",
            lambda user=user, child=child: child_access(user=user, child=child),
        )
        timed(
            f"{who}: access_child(user, public_id, audit=False)",
            lambda user=user, child=child: access_child(user, child.public_id, audit=False),
        )
        timed(
            f"{who}: access_child(user, public_id), with audit and disclosure",
            lambda user=user, child=child: access_child(user, child.public_id),
        )
        # Both people's plans: a change that helps the wide person must not hurt the narrow one.
        if True:
            with CaptureQueriesContext(connection) as captured:
                api_get()
            print(f"\nQueries per GET /api/v1/children/ for {who}: {len(captured)}")
            for query in captured.captured_queries:
                print(f"  {query['time']}s {' '.join(query['sql'].split())[:160]}")
            page_sql, page_params = child_list(user=user)[:PAGE_SIZE].query.sql_with_params()
            explain(f"{who}: page query, child_list(user)[:25]", page_sql, page_params)
            with CaptureQueriesContext(connection) as captured:
                child_list_count(user=user)
            explain(f"{who}: the paginator's count", captured.captured_queries[-1]["sql"], None)
            with CaptureQueriesContext(connection) as captured:
                child_access(user=user, child=child)
            explain(f"{who}: child_access()", captured.captured_queries[-1]["sql"], None)
            with CaptureQueriesContext(connection) as captured:
                access_child(user, child.public_id, audit=False)
            for number, query in enumerate(captured.captured_queries, 1):
                explain(f"{who}: access_child(audit=False), query {number}", query["sql"], None)
    return results


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    print(f"Load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; database {args.database_url}")
    if not args.reuse:
        recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connections

    try:
        if not args.reuse:
            step = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            print(f"Migrated in {time.perf_counter() - step:.1f} s")
            build_data(args)
            check_projection()
        report_rows()
        results = run_benchmarks(args, subjects())
        print(f"\n| Measurement ({args.runs} runs) | p50 ms | p95 ms |\n|---|---:|---:|")
        for label, timings in results:
            p50, p95 = percentiles(timings)
            print(f"| {label} | {p50:.2f} | {p95:.2f} |")
    finally:
        connections.close_all()
        if args.keep or args.reuse:
            print(f"\nKept the database: {args.database_url}")
        else:
            drop_database(args.database_url)
    print(f"\nEnd to end: {time.perf_counter() - started:.1f} s; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
