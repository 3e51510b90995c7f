#!/usr/bin/env python3
"""Writes kubeconform's standalone-strict JSON schemas for every built-in kind from a Kubernetes swagger.json.

usage: k8s-schemas.py SWAGGER_JSON OUT_DIR

SWAGGER_JSON is api/openapi-spec/swagger.json of the pinned k8s.io/kubernetes module (the same release as the
kube-apiserver that test:cluster builds), so no schema is downloaded. OUT_DIR gets `<kind>-<group>-<version>.json`
(`<kind>-<version>.json` for the core group), the layout kubeconform reads (`{{ .ResourceKind }}{{ .KindSuffix }}`).

The transformation is the one yannh/kubernetes-json-schema applies (openapi2jsonschema, "standalone-strict"):
  * every $ref is inlined (a schema that refers to itself, only JSONSchemaProps, stays open: `{}`),
  * every object schema that lists properties gets `additionalProperties: false` (strict: unknown fields fail),
  * IntOrString accepts string or integer, Quantity string or number (as the API server does),
  * apiVersion and kind are pinned to the kind's own values.
"""
import json
import os
import sys

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"


def main(swagger_path: str, out_dir: str) -> int:
    with open(swagger_path) as f:
        definitions = json.load(f)["definitions"]

    def resolve(schema, stack):
        if isinstance(schema, list):
            return [resolve(s, stack) for s in schema]
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name == INT_OR_STRING:
                return {"oneOf": [{"type": "string"}, {"type": "integer"}]}
            if name == QUANTITY:
                return {"oneOf": [{"type": "string"}, {"type": "number"}]}
            if name in stack:
                return {}
            return resolve(definitions[name], stack + (name,))
        out = {}
        for key, value in schema.items():
            if key in ("x-kubernetes-group-version-kind", "x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key",
                       "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
                       "x-kubernetes-unions"):
                continue
            if key == "properties":
                out[key] = {p: resolve(v, stack) for p, v in value.items()}
            else:
                out[key] = resolve(value, stack)
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out

    os.makedirs(out_dir, exist_ok=True)
    written = 0
    for name, definition in sorted(definitions.items()):
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            group, version, kind = gvk["group"], gvk["version"], gvk["kind"]
            schema = resolve(definition, (name,))
            api_version = f"{group}/{version}" if group else version
            props = schema.setdefault("properties", {})
            props["apiVersion"] = {"type": "string", "enum": [api_version]}
            props["kind"] = {"type": "string", "enum": [kind]}
            schema["$schema"] = "http://json-schema.org/schema#"
            suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
            path = os.path.join(out_dir, f"{kind.lower()}{suffix}.json")
            with open(path, "w") as f:
                json.dump(schema, f, indent=1, sort_keys=True)
            written += 1
    if written == 0:
        print(f"k8s-schemas: no kinds found in {swagger_path}", file=sys.stderr)
        return 1
    print(f"k8s-schemas: wrote {written} schemas to {out_dir}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
