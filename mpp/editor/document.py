"""Where an edit lands in the catalogue document, and how a part of it is read, replaced and sourced.

The document is what the loader validates (``mpp.catalogue.loader.build_catalogue``): relative
file name -> content, exactly as in the YAML files. A *target* is one entry: a service of
``layanan.yaml``, one MPP's offering of a service, one MPP's own block, the top level of one MPP's
file (its agencies and counters: a *site*), or a whole MPP file (a new MPP). A *section* is the part of an entry one form edits (e.g. a service's fees and legal basis);
two changes conflict only when they touch the same section.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Mapping

from mpp.catalogue.loader import MPP_DIR, SERVICES_FILE

SERVICE, OFFERING, MPP, SITE, MPP_FILE = "service", "offering", "mpp", "site", "mpp_file"
KINDS = (SERVICE, OFFERING, MPP, SITE, MPP_FILE)
Document = dict[str, Any]


class NotFound(LookupError):
    """The target is not in the document (removed meanwhile, or never there)."""


@dataclass(frozen=True)
class Target:
    kind: str  # one of KINDS
    mpp: str | None = None
    service: str | None = None

    def __post_init__(self) -> None:
        needs = {
            SERVICE: (False, True),
            OFFERING: (True, True),
            MPP: (True, False),
            SITE: (True, False),
            MPP_FILE: (True, False),
        }
        if self.kind not in needs:
            raise ValueError(f"unknown target kind {self.kind!r}")
        mpp, service = needs[self.kind]
        if bool(self.mpp) != mpp or bool(self.service) != service:
            raise ValueError(
                f"a {self.kind} target needs {'an MPP' if mpp else 'no MPP'} and "
                f"{'a service' if service else 'no service'}"
            )

    @property
    def key(self) -> str:
        """Stored in ``catalogue_change.target``: ktp_el, kota_bogor/ktp_el, kota_bogor."""
        return "/".join(part for part in (self.mpp, self.service) if part)

    @classmethod
    def parse(cls, kind: str, key: str) -> Target:
        if kind == SERVICE:
            return cls(kind, service=key)
        if kind == OFFERING:
            mpp, _, service = key.partition("/")
            return cls(kind, mpp=mpp, service=service)
        return cls(kind, mpp=key)


def mpp_file(code: str) -> str:
    return f"{MPP_DIR}/{code}.yaml"


def _find(items: Any, code: str) -> dict[str, Any] | None:
    for item in items or []:
        if isinstance(item, dict) and item.get("code") == code:
            return item
    return None


def entry(document: Mapping[str, Any], target: Target) -> dict[str, Any]:
    """The target's entry in the document (the stored object itself: copy before changing it)."""
    if target.kind == SERVICE:
        found = _find((document.get(SERVICES_FILE) or {}).get("services"), target.service or "")
    else:
        content = document.get(mpp_file(target.mpp or ""))
        if target.kind in (MPP_FILE, SITE):
            found = content
        elif target.kind == MPP:
            found = (content or {}).get("mpp")
        else:
            found = _find((content or {}).get("services"), target.service or "")
    if not isinstance(found, dict):
        raise NotFound(f"{target.kind} {target.key} is not in the catalogue")
    return found


def section(document: Mapping[str, Any], target: Target, keys: tuple[str, ...]) -> dict[str, Any]:
    """The keys of the target's entry one form edits (a copy; an absent key stays absent)."""
    if target.kind == MPP_FILE:
        found = document.get(mpp_file(target.mpp or ""))
        return {"file": copy.deepcopy(found)} if found is not None else {}
    item = entry(document, target)
    return {k: copy.deepcopy(item[k]) for k in keys if k in item}


def with_section(
    document: Mapping[str, Any], target: Target, keys: tuple[str, ...], value: Mapping[str, Any]
) -> Document:
    """A new document with the target's section replaced (keys missing from ``value`` are removed)."""
    new = copy.deepcopy(dict(document))
    if target.kind == MPP_FILE:
        name = mpp_file(target.mpp or "")
        if value.get("file") is None:
            new.pop(name, None)
        else:
            new[name] = copy.deepcopy(value["file"])
        return new
    item = entry(new, target)
    for key in keys:
        if key in value:
            item[key] = copy.deepcopy(value[key])
        else:
            item.pop(key, None)
    return new


def sources_of(document: Mapping[str, Any], target: Target) -> list[dict[str, Any]]:
    """The source list the target's facts name ids from: the service's, or the MPP file's."""
    if target.kind == SERVICE:
        return list(entry(document, target).get("sources") or [])
    content = document.get(mpp_file(target.mpp or "")) or {}
    return list((content.get("mpp") or {}).get("sources") or [])


def with_source(document: Mapping[str, Any], target: Target, source: Mapping[str, Any]) -> Document:
    """A new document with ``source`` added to the target's source list (no-op if its id is there)."""
    new = copy.deepcopy(dict(document))
    holder: Any = (
        entry(new, target) if target.kind == SERVICE else (new.get(mpp_file(target.mpp or "")) or {}).get("mpp")
    )
    if not isinstance(holder, dict):
        raise NotFound(f"MPP {target.mpp} is not in the catalogue")
    listed = holder.setdefault("sources", [])
    if not any(isinstance(s, dict) and s.get("id") == source.get("id") for s in listed):
        listed.append(dict(source))
    return new


_SLUG = re.compile(r"[^a-z0-9]+")


def new_source_id(existing: list[dict[str, Any]], title: str, day: str) -> str:
    """A source id unique in ``existing``: ``konsol_<date>_<words of the title>``."""
    words = _SLUG.sub("_", title.lower()).strip("_")[:24].strip("_") or "sumber"
    base = f"konsol_{day.replace('-', '')}_{words}"
    taken = {s.get("id") for s in existing if isinstance(s, dict)}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate
