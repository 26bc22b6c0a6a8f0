"""Dependency audit against a local copy of the OSV advisory database for PyPI (no network needed
to check; ``fetch`` needs one).

    python scripts/audit.py fetch     # download the OSV PyPI export into var/audit/ (make audit-db)
    python scripts/audit.py check     # every pin of requirements/*.txt against it (make audit)

``check`` exits 1 when a pinned version is affected by an advisory (listing them), 2 when there is
no database yet. ``AUDIT_DB_URL`` changes where ``fetch`` downloads from (a mirror), ``AUDIT_DB``
where the database file is.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
DB = Path(os.environ.get("AUDIT_DB", ROOT / "var" / "audit" / "osv-pypi.zip"))
URL = os.environ.get("AUDIT_DB_URL", "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(paths: Iterable[Path]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        for line in path.read_text().splitlines():
            if match := PIN.match(line.strip()):
                found[canonical(match.group(1))] = match.group(2)
    return found


def _in_range(version: Version, events: list[dict[str, str]]) -> bool:
    affected = False
    for event in sorted(events, key=lambda e: _key(next(iter(e.values())))):
        if "introduced" in event:
            if version >= _key(event["introduced"]):
                affected = True
        elif "fixed" in event:
            if version >= _key(event["fixed"]):
                affected = False
        elif "last_affected" in event and version > _key(event["last_affected"]):
            affected = False
    return affected


def _key(raw: str) -> Version:
    try:
        return Version("0" if raw == "0" else raw)
    except InvalidVersion:
        return Version("0")


def affects(advisory: dict, name: str, version: str) -> bool:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI" or canonical(package.get("name", "")) != name:
            continue
        if version in affected.get("versions", []):
            return True
        for span in affected.get("ranges", []):
            if span.get("type") == "ECOSYSTEM" and _in_range(parsed, span.get("events", [])):
                return True
    return False


def advisories(db: Path) -> Iterator[dict]:
    with zipfile.ZipFile(db) as archive:
        for name in archive.namelist():
            if name.endswith(".json"):
                yield json.loads(archive.read(name))


def findings(db: Path, pinned: dict[str, str]) -> list[tuple[str, str, str, str]]:
    found = []
    for advisory in advisories(db):
        if advisory.get("withdrawn"):
            continue
        for affected in advisory.get("affected", []):
            name = canonical(affected.get("package", {}).get("name", ""))
            if name in pinned and affects(advisory, name, pinned[name]):
                found.append((name, pinned[name], advisory["id"], advisory.get("summary", "")[:100]))
                break
    return sorted(set(found))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "fetch":
        DB.parent.mkdir(parents=True, exist_ok=True)
        partial = DB.with_suffix(".part")
        try:
            with urllib.request.urlopen(URL, timeout=60) as response, partial.open("wb") as out:
                while block := response.read(1 << 20):
                    out.write(block)
        except OSError as error:
            print(f"Could not download the advisory database from {URL}: {error}", file=sys.stderr)
            return 2
        zipfile.ZipFile(partial).testzip()
        partial.replace(DB)
        print(f"{DB}: {sum(1 for _ in advisories(DB))} advisories")
        return 0
    if not DB.exists():
        print(f"No advisory database at {DB}: run `make audit-db` where the network allows.", file=sys.stderr)
        return 2
    pinned = pins(sorted((ROOT / "requirements").glob("*.txt")))
    found = findings(DB, pinned)
    for name, version, advisory, summary in found:
        print(f"{name}=={version}: {advisory} {summary}")
    print(f"{len(pinned)} pinned packages checked against {DB.name}: {len(found)} affected")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
