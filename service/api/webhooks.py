"""Webhook endpoints (register, list, delete, rotate the secret) and the delivery log (list, redeliver).

Every route acts for the caller (`deps.get_owner`): another key's endpoint or delivery is 404 (an admin key
reaches all)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..common.owners import Owner
from ..contracts import schemas
from ..webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    EndpointCreated,
    EndpointIn,
    EndpointOut,
    EndpointPage,
    SecretOut,
)
from ..webhooks.service import WebhookService
from .body import json_body
from .deps import get_owner
from .openapi import request_body

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": schemas.ErrorOut}}
CONFLICT: dict[int | str, dict[str, Any]] = {**NOT_FOUND, 409: {"model": schemas.ErrorOut}}


def get_webhooks(request: Request) -> WebhookService:
    return request.app.state.webhooks


@router.post(
    "/endpoints",
    status_code=201,
    response_model=EndpointCreated,
    summary="Register an endpoint; its whsec_ secret is shown only in this answer",
    responses={status: {"model": schemas.ErrorOut} for status in (400, 415, 422)},
    openapi_extra=request_body(EndpointIn),
)
async def create_endpoint(
    request: Request, hooks: WebhookService = Depends(get_webhooks), owner: Owner = Depends(get_owner)
) -> EndpointCreated:
    body = await json_body(request, EndpointIn, request.app.state.settings.max_body_bytes)
    return await run_in_threadpool(hooks.create_endpoint, owner, body.url, list(body.events))  # resolves DNS


@router.get("/endpoints", response_model=EndpointPage, summary="Registered endpoints (no secrets), newest first")
def list_endpoints(
    limit: int = Query(20, ge=1, description="Page size (at most WIREBRIEF_JOB_PAGE_MAX)."),
    after: str | None = Query(None, description="`next_after` of the previous page."),
    hooks: WebhookService = Depends(get_webhooks),
    owner: Owner = Depends(get_owner),
) -> EndpointPage:
    return hooks.endpoint_page(owner, limit, after)


@router.get("/endpoints/{endpoint_id}", response_model=EndpointOut, responses=NOT_FOUND)
def get_endpoint(
    endpoint_id: str, hooks: WebhookService = Depends(get_webhooks), owner: Owner = Depends(get_owner)
) -> EndpointOut:
    return hooks.get_endpoint(endpoint_id, owner)


@router.delete(
    "/endpoints/{endpoint_id}",
    status_code=204,
    response_class=Response,
    responses=CONFLICT,
    summary="Delete an endpoint; its pending deliveries are cancelled",
)
def delete_endpoint(
    endpoint_id: str, hooks: WebhookService = Depends(get_webhooks), owner: Owner = Depends(get_owner)
) -> Response:
    hooks.delete_endpoint(endpoint_id, owner)
    return Response(status_code=204)


@router.post(
    "/endpoints/{endpoint_id}/rotate",
    response_model=SecretOut,
    responses=CONFLICT,
    summary="New secret; the old one also signs for WIREBRIEF_WEBHOOK_SECRET_GRACE_S",
)
def rotate_secret(
    endpoint_id: str, hooks: WebhookService = Depends(get_webhooks), owner: Owner = Depends(get_owner)
) -> SecretOut:
    return hooks.rotate_secret(endpoint_id, owner)


@router.get("/deliveries", response_model=DeliveryPage, summary="Deliveries with every attempt, newest first")
def list_deliveries(
    limit: int = Query(20, ge=1),
    after: str | None = Query(None),
    endpoint_id: str | None = Query(None),
    state: Literal["pending", "succeeded", "failed", "cancelled"] | None = Query(None),
    hooks: WebhookService = Depends(get_webhooks),
    owner: Owner = Depends(get_owner),
) -> DeliveryPage:
    return hooks.delivery_page(owner, limit, after, endpoint_id, state)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryOut, responses=NOT_FOUND)
def get_delivery(
    delivery_id: str, hooks: WebhookService = Depends(get_webhooks), owner: Owner = Depends(get_owner)
) -> DeliveryOut:
    return hooks.get_delivery(delivery_id, owner)


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryOut,
    responses=CONFLICT,
    summary="Send a finished delivery again (same webhook-id, fresh retry schedule)",
)
def redeliver(
    delivery_id: str, hooks: WebhookService = Depends(get_webhooks), owner: Owner = Depends(get_owner)
) -> DeliveryOut:
    return hooks.redeliver(delivery_id, owner)
