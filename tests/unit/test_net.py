"""The client address: X-Forwarded-For counts only from a trusted proxy."""

from __future__ import annotations

import pytest

from mpp.net import client_address, parse_trusted

NGINX = parse_trusted("127.0.0.1, 10.1.0.0/16")


def test_a_direct_client_is_its_own_address_whatever_it_claims() -> None:
    assert client_address("203.0.113.7", ["198.51.100.1"], NGINX) == "203.0.113.7"
    assert client_address("203.0.113.7", [], ()) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client() -> None:
    assert client_address("127.0.0.1", ["198.51.100.1"], NGINX) == "198.51.100.1"
    # the client forged a first entry; nginx appended the real peer; a second proxy hop inside 10.1/16
    assert client_address("127.0.0.1", ["6.6.6.6, 198.51.100.1, 10.1.2.3"], NGINX) == "198.51.100.1"
    assert client_address("127.0.0.1", ["6.6.6.6", "198.51.100.1"], NGINX) == "198.51.100.1"  # two headers


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


def test_malformed_hops_stop_the_walk() -> None:
    assert client_address("127.0.0.1", ["garbage"], NGINX) == "127.0.0.1"
    assert client_address("127.0.0.1", ["198.51.100.1, nonsense"], NGINX) == "127.0.0.1"
    assert client_address("127.0.0.1", ["[2001:db8::1]:443"], NGINX) == "2001:db8::1"
    assert client_address("::ffff:127.0.0.1", ["198.51.100.9"], NGINX) == "198.51.100.9"
    assert client_address(None, [], NGINX) == "unknown"


def test_the_setting_is_parsed_or_refused_with_the_bad_entry() -> None:
    assert parse_trusted("") == () and parse_trusted("none") == ()
    assert len(parse_trusted("127.0.0.1,::1")) == 2
    with pytest.raises(ValueError, match="'nginx' is not an IP"):
        parse_trusted("127.0.0.1, nginx")
