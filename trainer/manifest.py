"""The model manifest: the contract between the trainer, the server and the widget.

Every file a widget downloads is listed with its size and sha256 so that the server can
refuse to serve a corrupted artefact and the widget can verify bytes before use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

POINTER_NAME = "manifest.json"


@dataclass(frozen=True)
class ManifestFile:
    name: str
    bytes: int
    sha256: str
    dtype: str


@dataclass
class Manifest:
    version: str
    created: str
    base_model: str
    dims: int
    max_tokens: int
    opset: int
    inputs: list[str]
    output: str
    files: list[ManifestFile]
    # Which encoder file each browser execution provider loads.
    backends: dict[str, str]
    intents: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    # The base export has seen no shopper data, so it has spent no privacy budget.
    dp: dict[str, float] = field(default_factory=lambda: {"epsilon": 0.0, "delta": 0.0, "rounds": 0})
    # Catalogues embedded with this version; the server's catalog indexer fills this in.
    catalogs: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(path: Path, dtype: str) -> ManifestFile:
    return ManifestFile(name=path.name, bytes=path.stat().st_size, sha256=sha256_of(path), dtype=dtype)


def write_pointer(models_dir: Path, version: str) -> Path:
    """models/manifest.json names the version the server publishes as current."""
    pointer = models_dir / POINTER_NAME
    tmp = pointer.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"current": version, "manifest": f"{version}/{POINTER_NAME}"}, indent=2) + "\n")
    tmp.replace(pointer)
    return pointer


def read_current_manifest(models_dir: Path) -> dict[str, Any]:
    pointer = json.loads((models_dir / POINTER_NAME).read_text())
    manifest: dict[str, Any] = json.loads((models_dir / pointer["manifest"]).read_text())
    return manifest


def verify_files(version_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """Names of listed files that are missing or whose bytes do not match the manifest."""
    bad: list[str] = []
    for entry in manifest["files"]:
        path = version_dir / entry["name"]
        if not path.is_file() or path.stat().st_size != entry["bytes"] or sha256_of(path) != entry["sha256"]:
            bad.append(entry["name"])
    return bad


def write_manifest(version_dir: Path, manifest: dict[str, Any]) -> None:
    """Atomically: a reader (the server, a widget) never sees half a manifest."""
    tmp = version_dir / f"{POINTER_NAME}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    tmp.replace(version_dir / POINTER_NAME)


def catalog_entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    entry = next((c for c in manifest.get("catalogs", []) if c["name"] == name), None)
    if entry is None:
        raise SystemExit(f"catalog '{name}' is not indexed in model {manifest['version']}: "
                         "run `npm run index-catalog` first")
    found: dict[str, Any] = entry
    return found


def publish_catalog_file(models_dir: Path, name: str, key: str, file_name: str, dtype: str,
                         write: Callable[[Path], None],
                         update: Callable[[dict[str, Any]], None] | None = None) -> bool:
    """Writes a per-catalogue file into the current version and names it under the catalogue
    entry's `key`, replacing (and deleting) the file it named before; `update` may change
    the rest of the manifest in the same write. False, and neither callback called, when
    that exact file is already published: `write` is where the expensive work belongs."""
    manifest = read_current_manifest(models_dir)
    version_dir = models_dir / str(manifest["version"])
    entry = catalog_entry(manifest, name)
    if entry.get(key) == file_name and (version_dir / file_name).is_file():
        return False
    write(version_dir / file_name)
    stale = entry.get(key)
    entry[key] = file_name
    manifest["files"] = [f for f in manifest["files"] if f["name"] not in (stale, file_name)]
    manifest["files"].append(asdict(describe_file(version_dir / file_name, dtype)))
    if update:
        update(manifest)
    write_manifest(version_dir, manifest)
    if stale and stale != file_name:
        (version_dir / stale).unlink(missing_ok=True)
    return True
