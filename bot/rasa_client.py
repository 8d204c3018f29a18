"""Talks to Rasa's REST channel over one pooled HTTP client."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa (or its action server) could not answer: the message must be kept and retried."""


class RasaClient:
    def __init__(
        self, base_url: str, timeout: float = 20.0, client: httpx.AsyncClient | None = None, token: str | None = None
    ):
        self._url = f"{base_url}/webhooks/rest/webhook"
        headers = {"X-Gateway-Token": token} if token else {}
        self._client = client or httpx.AsyncClient(
            timeout=timeout, headers=headers, limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
        )

    async def ask(self, sender: str, message: str, message_id: int | None = None) -> list[dict[str, Any]]:
        """``message_id``: the inbox's id, so that a message retried after a failure is kept for staff once."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if message_id is not None:
            body["message_id"] = message_id
        try:
            response = await self._client.post(self._url, json=body)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa unreachable: {exc.__class__.__name__}") from exc
        if response.status_code >= 500:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        response.raise_for_status()
        replies = response.json()
        if not replies:
            # Rasa answers 200 with [] when the action server is down; every turn of ours says something.
            raise RasaUnavailable("Rasa answered with no message (action server down?)")
        return list(replies)

    async def close(self) -> None:
        await self._client.aclose()
