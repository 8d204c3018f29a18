"""The fallback's buttons (mpp.suggest): which question about which service leads."""

from __future__ import annotations

from mpp.suggest import fallback_reply


def titles(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.title for c in reply.choices]


def test_a_weak_hint_does_not_make_every_button_a_location_question(demo) -> None:  # type: ignore[no-untyped-def]
    # "ktp beda alamat bisa?" below the threshold: location 0.12 is a weak hint, requirements lead
    ranking = [("informasi", 0.25), ("tanya_lokasi", 0.12), ("tanya_syarat", 0.05)]
    reply = fallback_reply(demo.catalogue, "paspor ato skck beda alamat bisa?", None, ranking, None)
    assert len(reply.choices) >= 2
    assert all(t.startswith("Syarat ") for t in titles(reply)), titles(reply)


def test_a_clear_hint_leads(demo) -> None:  # type: ignore[no-untyped-def]
    ranking = [("tanya_biaya", 0.28), ("informasi", 0.2)]
    reply = fallback_reply(demo.catalogue, "paspor ato skck brp", None, ranking, None)
    assert all(t.startswith("Biaya ") for t in titles(reply)), titles(reply)


def test_one_service_offers_every_question_about_it_and_booking(demo) -> None:  # type: ignore[no-untyped-def]
    ranking = [("tanya_lama_proses", 0.28), ("tanya_jadwal", 0.15)]
    reply = fallback_reply(demo.catalogue, "bisa gak ktp diwakilin", "ktp_el", ranking, "kota_bogor")
    intents = [c.intent for c in reply.choices]
    assert intents[0] == "tanya_lama_proses"
    assert set(intents) == {
        "tanya_syarat",
        "tanya_biaya",
        "tanya_lama_proses",
        "tanya_jadwal",
        "tanya_lokasi",
        "pesan_antrean",
    }
    assert all(c.entities == {"layanan": "ktp_el", "mpp": "kota_bogor"} for c in reply.choices)
    assert "daftar_layanan" not in intents  # never "Daftar layanan KTP Elektronik"


def test_a_list_question_hint_is_not_a_question_about_a_service(demo) -> None:  # type: ignore[no-untyped-def]
    reply = fallback_reply(demo.catalogue, "ktp gmn", "ktp_el", [("daftar_layanan", 0.29)], None)
    assert reply.choices[0].intent == "tanya_syarat"
    assert not any(t.startswith("Daftar layanan") for t in titles(reply))
