#!/usr/bin/env python3
"""Copies a one-image OCI layout and adds a layer holding one file: the runner image plus the stand-in GitLab's CA.

usage: add-file-layer.py SRC_LAYOUT DST_LAYOUT FILE PATH_IN_IMAGE

The new layer is a gzip-compressed tar with PATH_IN_IMAGE (mode 0644, owner 0:0, mtime 0), so the same file gives
the same digest. Blobs of SRC are hard-linked into DST. This replaces `buildah from` + `commit` (which copies the whole
root filesystem into vfs storage) for a per-run file: milliseconds instead of about ten seconds per architecture.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile


def blob_path(layout: str, digest: str) -> str:
    algorithm, hexdigest = digest.split(":", 1)
    return os.path.join(layout, "blobs", algorithm, hexdigest)


def write_blob(layout: str, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    path = blob_path(layout, digest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    return digest


def read_json(layout: str, digest: str) -> dict:
    with open(blob_path(layout, digest), "rb") as blob:
        return json.load(blob)


def main(src: str, dst: str, file: str, path_in_image: str) -> None:
    with open(os.path.join(src, "index.json"), "rb") as index_file:
        index = json.load(index_file)
    if len(index["manifests"]) != 1:
        sys.exit(f"add-file-layer: {src} holds {len(index['manifests'])} manifests, expected one image")
    manifest_descriptor = index["manifests"][0]
    manifest = read_json(src, manifest_descriptor["digest"])
    config = read_json(src, manifest["config"]["digest"])

    shutil.rmtree(dst, ignore_errors=True)
    for directory, _, names in os.walk(os.path.join(src, "blobs")):
        target = os.path.join(dst, os.path.relpath(directory, src))
        os.makedirs(target, exist_ok=True)
        for name in names:
            os.link(os.path.join(directory, name), os.path.join(target, name))
    shutil.copyfile(os.path.join(src, "oci-layout"), os.path.join(dst, "oci-layout"))

    with open(file, "rb") as source:
        content = source.read()
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        parts = path_in_image.strip("/").split("/")
        for depth in range(1, len(parts)):
            entry = tarfile.TarInfo("/".join(parts[:depth]) + "/")
            entry.type, entry.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(entry)
        entry = tarfile.TarInfo("/".join(parts))
        entry.size, entry.mode = len(content), 0o644
        tar.addfile(entry, io.BytesIO(content))
    diff_id = "sha256:" + hashlib.sha256(layer.getvalue()).hexdigest()
    layer_bytes = gzip.compress(layer.getvalue(), mtime=0)
    layer_digest = write_blob(dst, layer_bytes)

    config["rootfs"]["diff_ids"].append(diff_id)
    config.setdefault("history", []).append(
        {"created": "1970-01-01T00:00:00Z", "created_by": f"add-file-layer.py {path_in_image}"}
    )
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    manifest["config"] = {**manifest["config"], "digest": write_blob(dst, config_bytes), "size": len(config_bytes)}
    manifest["layers"].append(
        {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": len(layer_bytes)}
    )
    manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
    new_descriptor = {**manifest_descriptor, "digest": write_blob(dst, manifest_bytes), "size": len(manifest_bytes)}
    with open(os.path.join(dst, "index.json"), "w") as index_file:
        json.dump({**index, "manifests": [new_descriptor]}, index_file)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
