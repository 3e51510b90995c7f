#!/usr/bin/env python3
"""Writes a one-file OCI image archive (for `ctr images import`): BINARY as /pause, the entrypoint.

usage: oci-archive.py BINARY ARCH IMAGE_NAME OUT_TAR

Deterministic: same binary, same archive (no timestamps, fixed ownership), so its digest is a cache key.
"""
import hashlib
import io
import json
import sys
import tarfile


def tar_bytes(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, mode in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime, info.uid, info.gid = len(data), mode, 0, 0, 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def blob(data, media_type):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    return {"mediaType": media_type, "digest": digest, "size": len(data)}, ("blobs/sha256/" + digest[7:], data)


def main(binary, arch, name, out):
    with open(binary, "rb") as f:
        program = f.read()
    layer = tar_bytes([("pause", program, 0o755)])
    layer_desc, layer_file = blob(layer, "application/vnd.oci.image.layer.v1.tar")
    config = json.dumps({
        "architecture": arch, "os": "linux",
        "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
        "rootfs": {"type": "layers", "diff_ids": [layer_desc["digest"]]},
    }, sort_keys=True).encode()
    config_desc, config_file = blob(config, "application/vnd.oci.image.config.v1+json")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": config_desc, "layers": [layer_desc]}, sort_keys=True).encode()
    manifest_desc, manifest_file = blob(manifest, "application/vnd.oci.image.manifest.v1+json")
    manifest_desc["annotations"] = {"io.containerd.image.name": name,
                                    "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]}
    manifest_desc["platform"] = {"architecture": arch, "os": "linux"}
    index = json.dumps({"schemaVersion": 2, "manifests": [manifest_desc]}, sort_keys=True).encode()
    files = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}', 0o644), ("index.json", index, 0o644)]
    files += [(path, data, 0o644) for path, data in (layer_file, config_file, manifest_file)]
    with open(out, "wb") as f:
        f.write(tar_bytes(files))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
