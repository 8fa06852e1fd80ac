#!/usr/bin/env python3
"""The parser peer: time prometheus_client's text parser on an exposition file, in memory.

Consumes every family of text_string_to_metric_families (the same work as our
parse-and-drop) and prints one line: `median_s samples prometheus_client_version runs`.

usage: prom_client_parse.py FILE RUNS
"""
import statistics
import sys
import time
from importlib.metadata import version

from prometheus_client.parser import text_string_to_metric_families

path, runs = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    text = f.read()
times = []
samples = 0
for _ in range(runs):
    start = time.perf_counter()
    samples = 0
    for family in text_string_to_metric_families(text):
        samples += len(family.samples)
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times):.6f} {samples} {version('prometheus_client')} {runs}")
