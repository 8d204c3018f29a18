"""Group chats: questions are answered, but nothing personal happens there.

A Telegram group is one conversation (``telegram-group:<chat id>``) that every member reads;
a booking, a NIK or "hapus data saya" there would be seen by, made for, or erase data of
someone else. So the assistant asks for a private chat instead, at two places:
* the REST channel (``bot.rasa_channel``), before Rasa stores anything: a group message whose
  intent starts a personal flow, or that carries a NIK or phone number, is answered with
  ``PRIVATE_CHAT_PLEASE`` and never reaches the dialogue;
* the action server (``bot.action_guard``): any action but the question-answering ones is
  refused for a group sender, should the dialogue get there anyway.
"""

from __future__ import annotations

GROUP_PREFIXES = ("telegram-group:",)
# A complaint (keluhan starts the complaint form) and its number belong to one person too.
PERSONAL_INTENTS = frozenset(
    {"pesan_antrean", "cek_antrean", "batal_antrean", "ubah_jadwal", "hapus_data", "keluhan", "cek_pengaduan"}
)
GROUP_ACTIONS = frozenset({"action_jawab_pertanyaan", "action_jawab_pengaduan", "action_fallback_layanan"})
PRIVATE_CHAT_PLEASE = (
    "Untuk memesan, mengecek, atau membatalkan antrean, untuk pengaduan, dan untuk NIK atau nomor HP, silakan chat "
    "saya secara "
    "pribadi (buka profil saya, lalu tekan Kirim Pesan), bukan di grup, agar data Anda tidak terlihat anggota lain. "
    "Pertanyaan soal syarat, biaya, jadwal, dan lokasi tetap bisa ditanyakan di sini. 🙏"
)


def is_group(sender: str) -> bool:
    return sender.startswith(GROUP_PREFIXES)
