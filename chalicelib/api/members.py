"""The team: invite members, accept an invitation, list, change roles, remove.

Who may call each route is the permission table's (chalicelib/api/permissions.py);
the rules about the member concerned are the service's.
"""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.accounts.model import Caller
from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)
MEMBER = "/v1/members/{member_id}"


def _caller(req: ApiRequest) -> Caller:
    principal = req.principal
    return Caller(kind=principal.token_kind, id=principal.actor_id, name=principal.actor_name,
                  role=principal.role)


@route(bp, "/v1/members", ["POST"], status=201)
def invite(req: ApiRequest):
    return services().members.invite(req.principal.store_id, _caller(req), req.json())


@route(bp, "/v1/members/accept", ["POST"], public=True)
def accept(req: ApiRequest):
    return services().members.accept(req.json())


@route(bp, "/v1/members", ["GET"])
def list_members(req: ApiRequest):
    return {"items": services().members.list_members(req.principal.store_id), "next_cursor": None}


@route(bp, MEMBER, ["PATCH"])
def change_role(req: ApiRequest):
    return services().members.change_role(req.principal.store_id, _caller(req),
                                          req.params["member_id"], req.json())


@route(bp, MEMBER, ["DELETE"])
def remove(req: ApiRequest):
    services().members.remove(req.principal.store_id, _caller(req), req.params["member_id"])
    return respond(None, 204)
