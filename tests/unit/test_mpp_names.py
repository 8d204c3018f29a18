"""Names of an MPP derived from its stored record: what points at it alone, and training aliases win."""

from __future__ import annotations

from mpp.catalogue.names import MppNames, alias_table, aliases_of
from nlu.entity_matcher import EntityMatcher

DEPOK = MppNames("kota_depok", "MPP Kota Depok", "Kota Depok", aliases=("mpp dp",))
KAB_BOGOR = MppNames("kabupaten_bogor", "Mal Pelayanan Publik Kabupaten Bogor", "Kabupaten Bogor")


def test_a_city_is_named_with_and_without_kota_and_a_regency_never_bare() -> None:
    assert {"kota depok", "depok", "mpp depok", "mpp kota depok", "mpp dp"} <= aliases_of(DEPOK)
    regency = aliases_of(KAB_BOGOR)
    assert {"kabupaten bogor", "kab bogor", "mpp kabupaten bogor"} <= regency
    assert "bogor" not in regency and "mpp bogor" not in regency


def test_training_aliases_win_and_shared_aliases_are_dropped() -> None:
    twin = MppNames("kota_depok_baru", "MPP Depok Baru", "Kota Depok")  # claims "depok" too
    table = alias_table([DEPOK, twin, KAB_BOGOR], keep={"bogor": "kota_bogor", "kab bogor": "kota_bogor"})
    assert "depok" not in table and "mpp kota depok" not in table  # both say "Kota Depok"
    assert table["mpp dp"] == "kota_depok" and table["mpp depok baru"] == "kota_depok_baru"
    assert table["bogor"] == "kota_bogor" and table["kab bogor"] == "kota_bogor"  # training wins
    matcher = EntityMatcher({}, table, {})
    assert [f.value for f in matcher.find("jam buka mpp kabupaten bogor")] == ["kabupaten_bogor"]
    assert [f.value for f in matcher.find("mpp bogor buka jam brp")] == ["kota_bogor"]
