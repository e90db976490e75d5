#!/usr/bin/env python3
"""Derive the project's copy of Vietnam's administrative units.

Usage: tools/derive-units.py SOURCE_DIR [OUT_DIR]

SOURCE_DIR holds the three published JSON files (the structure before
1 July 2025, and the new structure with the merges and the splits that map
one to the other); OUT_DIR (default: data/units beside this script's folder)
receives units.csv and succession.csv. See data/units/README.md for the
columns and for where the data come from.

The splits file restates the merges; it is read only to check that both
agree. The counts published in the files' "stats" are checked too, so a
changed source stops the derivation instead of producing a silently
different table.
"""

import csv
import json
import os
import sys
import unicodedata

OLD_FILE = "vn-units-2025-03-01.json"
MERGES_FILE = "vn-units-2025-07-01-merges.json"
SPLITS_FILE = "vn-units-2025-07-01-splits.json"

OLD_TO = "2025-06-30"
NEW_FROM = "2025-07-01"

UNIT_COLUMNS = ["code", "name", "type_name", "kind", "parent_code",
                "valid_from", "valid_to"]
SUCCESSION_COLUMNS = ["old_code", "new_code", "kind", "level"]

# The new structure's file gives names only; the type is the name's leading
# words. Longest first, so "Thành phố" wins over shorter prefixes.
NEW_PROVINCE_TYPES = [
    # Centrally governed cities: named as in the old file's "type".
    ("Thành phố ", "Thành phố Trung ương"),
    ("Tỉnh ", "Tỉnh"),
]
NEW_COMMUNE_TYPES = [
    ("Đặc khu ", "Đặc khu"),
    ("Phường ", "Phường"),
    ("Xã ", "Xã"),
]


class DeriveError(Exception):
    pass


def clean(name):
    """NFC, with runs of spaces collapsed: the published names hold a few
    doubled and trailing spaces ("Xã  Tư", "Xã Bình Khánh ")."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def load(source_dir, name):
    path = os.path.join(source_dir, name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def type_from_name(name, table, what):
    for prefix, type_name in table:
        if name.startswith(prefix):
            return type_name
    raise DeriveError("%s %r: no known type at the start of the name"
                      % (what, name))


def expect(what, got, want):
    if got != want:
        raise DeriveError("%s: %d, expected %d" % (what, got, want))


def old_units(data):
    """Rows of the structure in force until 30 June 2025."""
    rows = []
    provinces = districts = communes = 0
    for p in data["data"]:
        provinces += 1
        rows.append([p["level1_id"], clean(p["name"]), clean(p["type"]),
                     "province", "VN", "", OLD_TO])
        for d in p["level2s"]:
            districts += 1
            rows.append([d["level2_id"], clean(d["name"]), clean(d["type"]),
                         "district", p["level1_id"], "", OLD_TO])
            for c in d["level3s"]:
                communes += 1
                rows.append([c["level3_id"], clean(c["name"]),
                             clean(c["type"]), "commune", d["level2_id"], "",
                             OLD_TO])
    stats = data["stats"]
    expect("old provinces", provinces, stats["level1_count"])
    expect("old districts", districts, stats["level2_count"])
    expect("old communes", communes, stats["level3_count"])
    return rows


def new_units(merges, old_codes):
    """Rows of the structure in force from 1 July 2025, and the succession."""
    rows = []
    links = []
    provinces = communes = 0
    for p in merges["data"]:
        provinces += 1
        name = clean(p["name"])
        rows.append([p["level1_id"], name,
                     type_from_name(name, NEW_PROVINCE_TYPES, "province"),
                     "province", "VN", NEW_FROM, ""])
        for m in p["merges"]:
            if m["old_id"] not in old_codes:
                raise DeriveError("province %s merges unknown %s"
                                  % (p["level1_id"], m["old_id"]))
            links.append([m["old_id"], p["level1_id"], m["type"], "province"])
        for c in p["level2s"]:
            communes += 1
            name = clean(c["name"])
            rows.append([c["level2_id"], name,
                         type_from_name(name, NEW_COMMUNE_TYPES,
                                        "commune"),
                         "commune", p["level1_id"], NEW_FROM, ""])
            for m in c["merges"]:
                # Old communes, and five island districts that had no
                # communes and became special zones (đặc khu).
                if m["old_id"] not in old_codes:
                    raise DeriveError("commune %s merges unknown %s"
                                      % (c["level2_id"], m["old_id"]))
                links.append([m["old_id"], c["level2_id"], m["type"],
                              "commune"])
    stats = merges["stats"]
    expect("new provinces", provinces, stats["level1_count"])
    expect("new communes", communes, stats["level2_count"])
    for link in links:
        if link[2] not in ("full", "partial"):
            raise DeriveError("unknown merge kind %r" % link[2])
    return rows, links


def split_links(splits):
    """The succession read from the splits file, to compare."""
    out = set()
    for p in splits["data"]:
        for s in p["splits"]:
            out.add((p["level1_id"], s["new_id"]))
        for group in ("level2s", "level3s"):
            for u in p.get(group) or []:
                code = u.get("level3_id") or u.get("level2_id")
                for s in u["splits"]:
                    out.add((code, s["new_id"]))
    return out


def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def check(old_rows, new_rows):
    def count(rows, kind):
        return sum(1 for r in rows if r[3] == kind)

    expect("old provinces", count(old_rows, "province"), 63)
    expect("old districts", count(old_rows, "district"), 696)
    expect("old communes", count(old_rows, "commune"), 10047)
    expect("new provinces", count(new_rows, "province"), 34)
    expect("new communes", count(new_rows, "commune"), 3321)
    hp_districts = [r for r in old_rows
                    if r[3] == "district" and r[4] == "31"]
    expect("old Hải Phòng districts", len(hp_districts), 15)
    expect("new Hải Phòng communes",
           sum(1 for r in new_rows if r[3] == "commune" and r[4] == "31"),
           114)


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    source = argv[1]
    out = argv[2] if len(argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "units")
    try:
        old = old_units(load(source, OLD_FILE))
        old_codes = {r[0] for r in old}
        if len(old_codes) != len(old):
            raise DeriveError("codes repeat in the old structure")
        new, links = new_units(load(source, MERGES_FILE), old_codes)
        if len({r[0] for r in new}) != len(new):
            raise DeriveError("codes repeat in the new structure")
        pairs = [(l[0], l[1]) for l in links]
        if len(set(pairs)) != len(pairs):
            raise DeriveError("a succession link repeats")
        if set(pairs) != split_links(load(source, SPLITS_FILE)):
            raise DeriveError("the merges and the splits disagree")
        check(old, new)
    except (OSError, KeyError, ValueError, DeriveError) as e:
        sys.stderr.write("derive-units: %s\n" % e)
        return 1
    os.makedirs(out, exist_ok=True)
    country = ["VN", "Việt Nam", "", "country", "", "", ""]
    write_csv(os.path.join(out, "units.csv"), UNIT_COLUMNS,
              [country] + old + new)
    write_csv(os.path.join(out, "succession.csv"), SUCCESSION_COLUMNS, links)
    print("units.csv: %d units (1 country, %d old, %d new)"
          % (1 + len(old) + len(new), len(old), len(new)))
    print("succession.csv: %d links" % len(links))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
