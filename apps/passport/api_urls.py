"""API endpoints for the young person's passport (under /api/v1/)."""

from django.urls import path

from apps.passport import api

app_name = "passport-api"

# Ids are matched as any string: a malformed id gets the same 404 as one that names nothing of the caller's.
child = "children/<str:public_id>/passport/"
mine = "my/passports/<str:passport_id>/"

urlpatterns = [
    # Professionals and partner agencies.
    path(child, api.ChildPassportApi.as_view(), name="child-passport"),
    path(f"{child}proposals/", api.ChildPassportProposalsApi.as_view(), name="child-proposals"),
    path(
        f"{child}proposals/<str:proposal_id>/withdraw/",
        api.ChildPassportProposalWithdrawApi.as_view(),
        name="child-proposal-withdraw",
    ),
    path("passports/shared-with-me/", api.PassportsSharedWithMeApi.as_view(), name="shared-with-me"),
    # The owner: the young person, or a parent or carer for a young child.
    path("my/passports/", api.MyPassportListApi.as_view(), name="my-passports"),
    path(mine, api.MyPassportApi.as_view(), name="my-passport"),
    path(f"{mine}sections/<str:section>/", api.MyPassportSectionApi.as_view(), name="my-section"),
    path(f"{mine}proposals/", api.MyPassportProposalListApi.as_view(), name="my-proposals"),
    path(
        f"{mine}proposals/<str:proposal_id>/accept/",
        api.MyPassportProposalAcceptApi.as_view(),
        name="my-proposal-accept",
    ),
    path(
        f"{mine}proposals/<str:proposal_id>/reject/",
        api.MyPassportProposalRejectApi.as_view(),
        name="my-proposal-reject",
    ),
    path(f"{mine}shares/", api.MyPassportShareListApi.as_view(), name="my-shares"),
    path(
        f"{mine}shares/<str:share_id>/revoke/", api.MyPassportShareRevokeApi.as_view(), name="my-share-revoke"
    ),
    path(f"{mine}move/", api.MyPassportMoveApi.as_view(), name="my-move"),
    path(f"{mine}preview/", api.MyPassportPreviewApi.as_view(), name="my-preview"),
    path(f"{mine}reads/", api.MyPassportReadsApi.as_view(), name="my-reads"),
    path(f"{mine}hand-over/", api.MyPassportHandOverApi.as_view(), name="my-hand-over"),
    path(f"{mine}delete/", api.MyPassportDeleteApi.as_view(), name="my-delete"),
]
