"""The two federation APIs, the hub's and the node's, each assembled here from the apps' routers.

Each is a NinjaAPI made by ``fame.federation.federation_api`` (the door:
signatures, the JSON parser, one error shape), mounted by ``fame.urls`` at
/federation/v1/hub/ and /federation/v1/node/ for the roles this process plays,
with its OpenAPI document at ``openapi.json`` under that.

How an app adds endpoints: in one of its modules, ``router = Router()``
(``from ninja import Router``) with its operations, each declaring its body and
answers as schemas and its door as ``auth=SignedRequest(key lookup, ...)``, with
``response={200: TheAnswer, **ERRORS}``; then one ``add_router`` line below,
with the prefix under the role's root. No app's API module imports another's:
they meet here.
"""

from __future__ import annotations

from fame.federation import federation_api

hub = federation_api(
    role="hub",
    title="FAME hub federation API",
    description="What agency nodes send the hub: index updates, heartbeats, and requests for "
    "proofs that the hub's audit log only grew. Every request is signed by a registered node.",
)
hub.add_router("", "fame.federation.hub_api.router")
hub.add_router("/audit", "fame.audit.witness_api.hub_router")

node = federation_api(
    role="node",
    title="FAME node federation API",
    description="What an agency node answers: record and CAF updates from its agencies' "
    "systems; detail requests, CAF work, audit tree heads, restore statements and status "
    "from the hub. Every "
    "request is signed; the hub's requests for a person carry a user assertion.",
)
node.add_router("", "fame.node.api.router")
node.add_router("/audit", "fame.audit.witness_api.node_router")
node.add_router("/cafs", "fame.caf.node.api.router")
