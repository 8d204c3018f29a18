"""How citizens name an MPP, from what the stored catalogue says about it.

The NLU recognises the ``mpp`` entity from alias tables learnt at training time; an MPP onboarded
later is recognised from these names, read from the stored catalogue at run time
(``nlu.mpp_names``). Names are derived only from the MPP's own record (code, name, city, brand and
the aliases its administrators entered); an alias two MPPs would share is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mpp.db.catalogue_tables import CatalogueVersionRow, MppRow

_KOTA = re.compile(r"^kota\s+", re.I)
_KABUPATEN = re.compile(r"^(kabupaten|kab\.?)\s+", re.I)
_MPP_WORDS = re.compile(r"^(mal|mall)\s+pelayanan\s+publik\s+", re.I)


@dataclass(frozen=True)
class MppNames:
    code: str
    name: str
    city: str
    brand: str | None = None
    aliases: tuple[str, ...] = ()


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def aliases_of(mpp: MppNames) -> set[str]:
    """Every way of naming this MPP that points at it alone (no bare name of a regency's seat)."""
    names = {mpp.code.replace("_", " "), mpp.name, mpp.city, *mpp.aliases}
    if mpp.brand:
        names.add(mpp.brand)
    short = _MPP_WORDS.sub("", mpp.name)
    if short != mpp.name:
        names |= {f"mpp {short}", f"mal pelayanan publik {short}", f"mall pelayanan publik {short}"}
    if _KOTA.match(mpp.city):
        place = _KOTA.sub("", mpp.city)
        names |= {place, f"mpp {place}", f"mpp kota {place}", f"{place} kota"}
    elif _KABUPATEN.match(mpp.city):
        place = _KABUPATEN.sub("", mpp.city)
        names |= {f"kabupaten {place}", f"kab {place}", f"mpp kabupaten {place}", f"mpp kab {place}"}
    else:
        names |= {mpp.city, f"mpp {mpp.city}"}
    return {c for c in (_clean(n) for n in names) if c}


def alias_table(mpps: Iterable[MppNames], keep: Mapping[str, str] | None = None) -> dict[str, str]:
    """alias -> MPP code: the ``keep`` table (training time) wins; an alias claimed by two MPPs is dropped."""
    keep = {_clean(k): v for k, v in (keep or {}).items()}
    claims: dict[str, set[str]] = {}
    for mpp in mpps:
        for alias in aliases_of(mpp):
            claims.setdefault(alias, set()).add(mpp.code)
    table = {alias: next(iter(codes)) for alias, codes in claims.items() if len(codes) == 1 and alias not in keep}
    table.update(keep)
    return table


def stored_version(session: Session) -> int:
    return int(session.execute(select(func.max(CatalogueVersionRow.id))).scalar() or 0)


def stored_mpp_names(session: Session) -> list[MppNames]:
    rows = session.execute(select(MppRow.code, MppRow.name, MppRow.city, MppRow.brand, MppRow.aliases)).all()
    return [MppNames(code, name, city, brand, tuple(aliases or ())) for code, name, city, brand, aliases in rows]
