"""Backup and restore of one instance: the database, the uploaded files and a manifest.

A backup is a directory holding

* ``database.sqlite3`` (SQLite's online backup API: consistent while the site runs) or
  ``database.dump`` (``pg_dump --format=custom``);
* ``media.tar.gz``: everything under ``MEDIA_ROOT``;
* ``manifest.json``: when, from which database engine and migrations, the row count of every
  table, every file with its size and SHA-256, and a fingerprint of the field keys in use.

The keys themselves are never written to a backup: restoring needs the same ``SHANGLIANG_FIELD_KEY``
and ``SHANGLIANG_LOOKUP_KEY`` (kept apart, e.g. in the service's key file), or the contact data reads
as "无法解密".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from shangliang.privacy import personal

MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
FORMAT = 1


class BackupError(Exception):
    pass


def key_fingerprints() -> list[str]:
    """A short, one-way fingerprint of each configured field key (to tell whether a restore can read)."""
    return [
        hmac.new(key, b"shangliang-backup-fingerprint", hashlib.sha256).hexdigest()[:16]
        for key in personal._keys()
    ]


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict[str, Any]]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    args += ["--username", str(db.get("USER") or "postgres"), "--dbname", str(db["NAME"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _check_pg_tools(tool: str) -> None:
    found = shutil.which(tool)
    if not found:
        raise BackupError(f"{tool} is needed for a PostgreSQL database (Debian package postgresql-client).")
    output = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)\.", output)
    tool_major = int(match.group(1)) if match else 0
    connection.ensure_connection()
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    if tool_major < server_major:
        raise BackupError(
            f"{tool} {tool_major} is older than the server ({server_major}): install the matching client."
        )


def backup(destination: Path) -> Path:
    """Write a backup into a new directory under ``destination``; its path."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = destination / f"shangliang-{stamp}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = destination / f"shangliang-{stamp}-{suffix}"
    target.mkdir(parents=True)
    os.chmod(target, 0o700)
    vendor = connection.vendor
    counts = table_counts()
    if vendor == "sqlite":
        database = target / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif vendor == "postgresql":
        _check_pg_tools("pg_dump")
        database = target / "database.dump"
        args, env = _pg_env()
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(database), *args],
            env=env,
            check=True,
        )
    else:
        raise BackupError(f"No backup for the {vendor} database.")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA, "w:gz") as archive:
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "database": database.name,
        "database_sha256": _sha256(database),
        "migrations": sorted(MigrationRecorder.Migration.objects.values_list("app", "name")),
        "counts": counts,
        "media": media_files(media_root),
        "field_key_fingerprint": key_fingerprints()[0],
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=list))
    for path in target.iterdir():
        os.chmod(path, 0o600)
    return target


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup directory.")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')}.")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Replace this instance's database and uploaded files by the backup's; returns the manifest.
    Stop the web servers, workers and scheduler first."""
    manifest = read_manifest(source)
    database = source / manifest["database"]
    if _sha256(database) != manifest["database_sha256"]:
        raise BackupError(f"{database} does not match its manifest (damaged or changed).")
    vendor = connection.vendor
    if vendor != manifest["engine"]:
        raise BackupError(f"The backup is of a {manifest['engine']} database; this instance uses {vendor}.")
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(database) as copy:
            copy.backup(connection.connection)
        copy.close()
    else:
        _check_pg_tools("pg_restore")
        args, env = _pg_env()
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *args,
                str(database),
            ],
            env=env,
            check=True,
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True)
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return manifest


def differences(manifest: dict[str, Any]) -> list[str]:
    """What of the restored instance differs from the manifest (empty when everything matches)."""
    found = []
    counts = table_counts()
    for label, count in manifest["counts"].items():
        if counts.get(label) != count:
            found.append(f"{label}: {counts.get(label)} rows, the backup had {count}")
    files = media_files(Path(settings.MEDIA_ROOT))
    if files != manifest["media"]:
        found.append(
            f"uploaded files: {len(files)} restored, the backup had {len(manifest['media'])} (or contents differ)"
        )
    return found


def keys_match(manifest: dict[str, Any]) -> bool:
    return manifest.get("field_key_fingerprint") in key_fingerprints()


def default_destination() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def describe(manifest: dict[str, Any]) -> str:
    created = dt.datetime.fromisoformat(manifest["created_at"])
    rows = sum(manifest["counts"].values())
    return f"{timezone.localtime(created):%Y-%m-%d %H:%M} · {manifest['engine']} · {rows} rows · {len(manifest['media'])} files"
