"""The client's address: the peer itself, or what a trusted proxy says in X-Forwarded-For.

Behind nginx every request comes from nginx, so logs and per-address limits would see one
address for everyone. Only a peer listed in ``MPP_TRUSTED_PROXIES`` (the gateway and the
console alike; unset: this machine's nginx, 127.0.0.1 and ::1; ``none``: nobody) is believed: the
X-Forwarded-For list is read from the right, skipping trusted proxies, and the first address
that is not one is the client. A header from anyone else is ignored (it is the client's to
forge). Malformed entries end the walk at the last address that was believed.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SETTING = "MPP_TRUSTED_PROXIES"
LOCAL_NGINX = "127.0.0.1,::1"


def parse_trusted(value: str) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; ``""`` or ``"none"`` → none. Raises ValueError naming the entry."""
    if value.strip().lower() in ("", "none"):
        return ()
    networks = []
    for entry in value.split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"{SETTING}: '{entry}' is not an IP address or network") from exc
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """The proxies named by ``MPP_TRUSTED_PROXIES`` (unset: the local nginx). Raises ValueError naming a bad entry."""
    return parse_trusted(os.environ.get(SETTING, LOCAL_NGINX))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address for logs and limits (``forwarded_for``: every X-Forwarded-For header, in order)."""
    current = _address(peer or "")
    if current is None:
        return peer or "unknown"
    if not _trusted(current, trusted):
        return str(current)
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not _trusted(address, trusted):
            break
    return str(current)
