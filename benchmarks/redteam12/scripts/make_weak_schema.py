#!/usr/bin/env python3
"""Deliberately weak schema for capability checks: the three name fields unsalted, unpadded,
unbalanced (plain 512-bit Bloom filters of padded bigrams); everything else as suggested."""
import json, sys
s = json.load(open(sys.argv[1]))
for f in s["fields"]:
    if f["name"] in ("first_name", "middle_name", "last_name"):
        f["salt"] = None; f["pad"] = None; f["hardening"] = []
        f.pop("key_with", None)
json.dump(s, open(sys.argv[2], "w"), indent=1)
