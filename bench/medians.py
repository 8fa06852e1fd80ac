#!/usr/bin/env python3
"""Print a Markdown table of medians from hyperfine --export-json files, with ratios to the first
command of each file. usage: medians.py FILE.json [FILE.json ...]"""
import json
import statistics
import sys

print("| command | median | min | max | runs | ratio to first |")
print("|---|---:|---:|---:|---:|---:|")
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    base = statistics.median(results[0]["times"])
    for r in results:
        t = r["times"]
        med = statistics.median(t)
        fmt = lambda s: f"{s * 1000:.1f} ms"
        print(f"| `{r['command']}` | {fmt(med)} | {fmt(min(t))} | {fmt(max(t))} | {len(t)} | {med / base:.2f}× |")
