#!/usr/bin/env python3
"""Writes internal/api/compute/extra_spec_validators.json: the flavor extra
spec validators Nova registers (nova/api/validation/extra_specs/, the
nova.api.extra_spec_validators entry points), one per line, in Nova's
registration order, for the 2.86 check in flavor_extra_specs.go.

Usage: nova-extra-spec-validators.py NOVA_GIT OS_TRAITS_GIT OS_RC_GIT > FILE
(bare git repositories; their HEAD is read). Nova's modules are imported
with stand-ins for what they need of oslo and nova.objects.fields; only
the declarations (name, regex, value) are kept.
"""
import importlib
import json
import os
import subprocess
import sys
import tempfile

MODULES = ["accel", "aggregate_instance_extra_specs", "capabilities", "hw", "hw_rng", "hw_video", "null", "os",
           "pci_passthrough", "quota", "resources", "traits", "vmware"]

STUBS = {
    "nova/__init__.py": "",
    "nova/api/__init__.py": "",
    "nova/api/validation/__init__.py": "",
    "nova/exception.py": "class ValidationError(Exception):\n    pass\n",
    "nova/objects/__init__.py": "",
    "oslo_utils/__init__.py": "",
    "oslo_utils/strutils.py": "",
    "pbr/__init__.py": "",
    "pbr/version.py": "class VersionInfo:\n    def __init__(self, *a):\n        pass\n",
}


def archive(repo, path, into):
    tar = subprocess.run(["git", "-C", repo, "archive", "HEAD", path], check=True, capture_output=True).stdout
    subprocess.run(["tar", "x", "-C", into], input=tar, check=True)


def fields_stub(nova):
    # The enums hw.py reads from nova/objects/fields.py, copied verbatim.
    src = subprocess.run(["git", "-C", nova, "show", "HEAD:nova/objects/fields.py"], check=True,
                         capture_output=True, text=True).stdout
    out = ["class BaseNovaEnum:\n    pass\n"]
    for cls in ["BlockDeviceEncryptionFormatType", "SoundModelType", "USBControllerModelType"]:
        start = src.index(f"class {cls}(")
        end = src.index("ALL =", start)
        end = src.index(")", end) + 1
        out.append(src[start:end] + "\n")
    return "\n".join(out)


def main():
    nova, traits, rcs = sys.argv[1:4]
    d = tempfile.mkdtemp()
    archive(nova, "nova/api/validation/extra_specs", d)
    archive(traits, "os_traits", d)
    archive(rcs, "os_resource_classes", d)
    for path, text in STUBS.items():
        os.makedirs(os.path.dirname(os.path.join(d, path)), exist_ok=True)
        with open(os.path.join(d, path), "w") as f:
            f.write(text)
    with open(os.path.join(d, "nova/objects/fields.py"), "w") as f:
        f.write(fields_stub(nova))
    sys.path.insert(0, d)
    lines = []
    for m in MODULES:
        for v in importlib.import_module("nova.api.validation.extra_specs." + m).register():
            e = {"name": v.name, "regex": v.name_regex, "type": {int: "int", str: "str", bool: "bool"}[v.value["type"]]}
            for k in ("pattern", "min", "max"):
                if k in v.value:
                    e[k] = v.value[k]
            if "enum" in v.value:
                e["enum"] = [str(x) for x in v.value["enum"]]
            lines.append(json.dumps(e))
    print("[\n" + ",\n".join(lines) + "\n]")


main()
