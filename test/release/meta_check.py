#!/usr/bin/env python3
"""Check META.json against the PGXN Meta Spec 1.0.0 (https://pgxn.org/spec/)
and against the release's other version numbers: default_version of the
control file (as semver), debian/changelog, and a heading in CHANGELOG.md.
Prints every problem; exits 1 if there is any."""
import json
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
fouten = []

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+)?$")
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
            "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
            "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown"}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
RANGE = re.compile(r"^\s*(==|!=|>=|<=|>|<)?\s*(\S+)\s*$")


def fout(msg):
    fouten.append(msg)


def is_semver(v):
    return isinstance(v, str) and SEMVER.match(v) is not None


def check_version_range(where, v):
    if v == 0 or v == "0":
        return
    if not isinstance(v, str):
        fout(f"{where}: version must be a string or 0, not {v!r}")
        return
    for deel in v.split(","):
        m = RANGE.match(deel)
        if not m or not is_semver(m.group(2)):
            fout(f"{where}: {deel.strip()!r} is not a version (semver) with an optional operator")


def strings(where, v):
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
        fout(f"{where}: must be a string or a non-empty array of strings")


with open(os.path.join(top, "META.json")) as f:
    try:
        meta = json.load(f)
    except ValueError as e:
        print(f"META.json: not JSON: {e}")
        sys.exit(1)

for key in ("name", "abstract", "maintainer", "license", "provides", "meta-spec", "version"):
    if key not in meta:
        fout(f"required key {key!r} is missing")
name = meta.get("name", "")
if not isinstance(name, str) or len(name) < 2 or re.search(r"[\s/\\:]|[\x00-\x1f]", name):
    fout(f"name {name!r}: at least two characters, no whitespace, slash, backslash or colon")
if not isinstance(meta.get("abstract"), str) or not meta.get("abstract"):
    fout("abstract: a non-empty string")
strings("maintainer", meta.get("maintainer"))
lic = meta.get("license")
if isinstance(lic, str):
    if lic not in LICENSES:
        fout(f"license {lic!r} is not one of the spec's license strings")
elif isinstance(lic, list):
    for x in lic:
        if x not in LICENSES:
            fout(f"license {x!r} is not one of the spec's license strings")
elif not isinstance(lic, dict) or not lic:
    fout("license: a string, an array of strings or an object of name: URL")
spec = meta.get("meta-spec", {})
if not isinstance(spec, dict) or spec.get("version") != "1.0.0":
    fout("meta-spec.version must be \"1.0.0\"")
if not is_semver(meta.get("version")):
    fout(f"version {meta.get('version')!r} is not a semantic version")
provides = meta.get("provides", {})
if not isinstance(provides, dict) or not provides:
    fout("provides: an object with at least one extension")
else:
    for ext, p in provides.items():
        if not isinstance(p, dict):
            fout(f"provides.{ext}: an object")
            continue
        for key in ("file", "version"):
            if key not in p:
                fout(f"provides.{ext}.{key} is missing")
        if "version" in p and not is_semver(p["version"]):
            fout(f"provides.{ext}.version {p['version']!r} is not a semantic version")
        for key in ("file", "docfile"):
            if key in p and not os.path.exists(os.path.join(top, p[key])):
                fout(f"provides.{ext}.{key}: {p[key]} does not exist")
        for key in p:
            if key not in ("file", "version", "abstract", "docfile") and not key.lower().startswith("x_"):
                fout(f"provides.{ext}: unknown key {key!r}")
for phase, rels in meta.get("prereqs", {}).items():
    if phase not in PHASES:
        fout(f"prereqs: unknown phase {phase!r}")
        continue
    for rel, deps in rels.items():
        if rel not in RELATIONS:
            fout(f"prereqs.{phase}: unknown relation {rel!r}")
            continue
        for dep, v in deps.items():
            check_version_range(f"prereqs.{phase}.{rel}.{dep}", v)
if "release_status" in meta and meta["release_status"] not in ("stable", "testing", "unstable"):
    fout("release_status: stable, testing or unstable")
if "tags" in meta:
    t = meta["tags"]
    if not isinstance(t, list) or not all(isinstance(x, str) and 0 < len(x) < 256 for x in t):
        fout("tags: an array of strings of 1 to 255 characters")
for key in meta.get("no_index", {}):
    if key not in ("file", "directory"):
        fout(f"no_index: unknown key {key!r}")
    else:
        strings(f"no_index.{key}", meta["no_index"][key])
known = {"name", "abstract", "description", "version", "maintainer", "license", "provides",
         "prereqs", "release_status", "generated_by", "no_index", "tags", "resources", "meta-spec"}
for key in meta:
    if key not in known and not key.lower().startswith("x_"):
        fout(f"unknown key {key!r} (custom keys start with x_)")

# The release's other version numbers.
with open(os.path.join(top, "verwerkingenlog.control")) as f:
    m = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M)
control = m.group(1) if m else None
als_semver = control + ".0" if control and re.match(r"^\d+\.\d+$", control) else control
if meta.get("version") != als_semver:
    fout(f"version {meta.get('version')!r} is not default_version {control!r} of the control file")
for ext, p in provides.items() if isinstance(provides, dict) else []:
    if isinstance(p, dict) and p.get("version") != als_semver:
        fout(f"provides.{ext}.version {p.get('version')!r} is not default_version {control!r}")
with open(os.path.join(top, "debian", "changelog")) as f:
    m = re.match(r"^\S+ \(([^)]*)\)", f.readline())
if not m or m.group(1) != control:
    fout(f"debian/changelog's top entry is {m.group(1) if m else '?'}, not {control}")
with open(os.path.join(top, "CHANGELOG.md")) as f:
    if not re.search(r"^## " + re.escape(control) + r"\b", f.read(), re.M):
        fout(f"CHANGELOG.md has no heading \"## {control}\"")

for x in fouten:
    print(f"META.json: {x}")
if fouten:
    sys.exit(1)
print(f"META.json: valid (PGXN Meta Spec 1.0.0), version {meta['version']} as the control file, "
      "debian/changelog and CHANGELOG.md")
