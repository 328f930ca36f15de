import json, sys, copy
for p in ("p1", "p2"):
    d = json.load(open(f"enc/{p}_default_schema.json"))
    b = copy.deepcopy(d)
    b["fields"] = [f for f in b["fields"] if f["name"] != "full_name_by_postcode"]
    json.dump(b, open(f"enc/{p}_baseline_schema.json", "w"), indent=1)
    # deliberately weak control: names unsalted, one exact token; postcode unsalted
    w = copy.deepcopy(b)
    for f in w["fields"]:
        if f["name"] in ("first_name", "last_name", "middle_name"):
            f["salt"] = None; f["tokens"] = {"type": "exact"}; f["filter_bits"] = 128; f["k"] = 30
            f["hardening"] = [{"type": "xor_fold"}]; f["comparison"] = {"thresholds": []}; f.pop("pad", None)
    json.dump(w, open(f"enc/{p}_weak_schema.json", "w"), indent=1)
