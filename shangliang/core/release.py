"""The release a process serves: what the shared cache's keys start with.

A deploy changes the code or the templates, and so the release: whatever an earlier release left in
the shared cache (rendered option lists, page parts) is never read by the new one. Deployments may
name the release (``SHANGLIANG_RELEASE``, e.g. the commit); otherwise it is a digest of the installed
code and templates, computed once at start. Imported by the settings: the standard library only.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SUFFIXES = (".py", ".html", ".txt", ".js", ".css", ".svg")


def code_digest(*roots: Path) -> str:
    """A digest of every code and template file under ``roots`` (paths and contents)."""
    digest = hashlib.blake2b(digest_size=8)
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def release_id(*roots: Path) -> str:
    return os.environ.get("SHANGLIANG_RELEASE", "").strip() or code_digest(*roots)
