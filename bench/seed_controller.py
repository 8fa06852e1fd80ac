#!/usr/bin/env python3
"""The peer for rizk-scale's benchmarks: a faithful port of the seed's AutoScalingController
(scaling-guide.txt: collect_metrics + get_scaling_recommendation), run one-shot.

The seed keeps its history in memory; to do the same job as `rizk-scale recommend [--collect]`
one-shot, this port loads and saves the same JSON Lines history. Everything else is the seed's
code: psutil.cpu_percent(interval=1), virtual_memory().percent, the placeholder service metrics,
the thresholds and the replica tiers.

usage: seed_controller.py HISTORY [--collect]
"""
import json
import sys
from dataclasses import dataclass, asdict
from typing import Any, Dict

import psutil


@dataclass
class ScalingMetrics:
    cpu_percent: float
    memory_percent: float
    requests_per_second: float
    cache_hit_rate: float
    error_rate: float
    response_time_ms: float
    active_connections: int


class AutoScalingController:
    def __init__(self):
        self.metrics_history = []
        self.scaling_thresholds = {
            "scale_up": {"cpu_percent": 70, "memory_percent": 80, "requests_per_second": 100,
                         "response_time_ms": 1000, "error_rate": 5},
            "scale_down": {"cpu_percent": 30, "memory_percent": 40, "requests_per_second": 20,
                           "response_time_ms": 200, "error_rate": 1},
        }

    def collect_metrics(self) -> ScalingMetrics:
        cpu_percent = psutil.cpu_percent(interval=1)
        memory = psutil.virtual_memory()
        memory_percent = memory.percent
        cache_stats = {}
        metrics = ScalingMetrics(
            cpu_percent=cpu_percent, memory_percent=memory_percent,
            requests_per_second=self._get_requests_per_second(),
            cache_hit_rate=cache_stats.get("overall_hit_rate", 0),
            error_rate=self._get_error_rate(), response_time_ms=self._get_avg_response_time(),
            active_connections=self._get_active_connections())
        self.metrics_history.append(metrics)
        if len(self.metrics_history) > 100:
            self.metrics_history = self.metrics_history[-100:]
        return metrics

    def should_scale_up(self, metrics: ScalingMetrics) -> bool:
        t = self.scaling_thresholds["scale_up"]
        conditions = [metrics.cpu_percent > t["cpu_percent"], metrics.memory_percent > t["memory_percent"],
                      metrics.requests_per_second > t["requests_per_second"],
                      metrics.response_time_ms > t["response_time_ms"], metrics.error_rate > t["error_rate"]]
        return sum(conditions) >= 2

    def should_scale_down(self, metrics: ScalingMetrics) -> bool:
        t = self.scaling_thresholds["scale_down"]
        conditions = [metrics.cpu_percent < t["cpu_percent"], metrics.memory_percent < t["memory_percent"],
                      metrics.requests_per_second < t["requests_per_second"],
                      metrics.response_time_ms < t["response_time_ms"], metrics.error_rate < t["error_rate"]]
        return all(conditions)

    def get_scaling_recommendation(self) -> Dict[str, Any]:
        if len(self.metrics_history) < 3:
            return {"action": "wait", "reason": "Insufficient metrics history"}
        current_metrics = self.metrics_history[-1]
        recent = self.metrics_history[-3:]
        avg_cpu = sum(m.cpu_percent for m in recent) / len(recent)
        avg_memory = sum(m.memory_percent for m in recent) / len(recent)
        avg_rt = sum(m.response_time_ms for m in recent) / len(recent)
        if self.should_scale_up(current_metrics):
            return {"action": "scale_up",
                    "reason": f"High resource usage: CPU {avg_cpu:.1f}%, Memory {avg_memory:.1f}%, Response Time {avg_rt:.1f}ms",
                    "recommended_replicas": self._calculate_scale_up_replicas(current_metrics)}
        elif self.should_scale_down(current_metrics):
            return {"action": "scale_down", "reason": f"Low resource usage: CPU {avg_cpu:.1f}%, Memory {avg_memory:.1f}%",
                    "recommended_replicas": 1}
        return {"action": "maintain", "reason": "Metrics within acceptable range"}

    def _calculate_scale_up_replicas(self, metrics):
        if metrics.cpu_percent > 90:
            return 3
        elif metrics.cpu_percent > 80:
            return 2
        return 1

    def _get_requests_per_second(self): return 50.0  # Placeholder (the seed's)
    def _get_error_rate(self): return 2.0  # Placeholder
    def _get_avg_response_time(self): return 250.0  # Placeholder
    def _get_active_connections(self): return 50  # Placeholder


def main():
    path, collect = sys.argv[1], "--collect" in sys.argv[2:]
    c = AutoScalingController()
    fields = ScalingMetrics.__dataclass_fields__
    try:
        with open(path) as f:
            for line in f:
                d = json.loads(line)
                c.metrics_history.append(ScalingMetrics(**{k: (d.get(k) or 0) for k in fields}))
    except FileNotFoundError:
        pass
    c.metrics_history = c.metrics_history[-100:]
    if collect:
        c.collect_metrics()
        with open(path, "w") as f:
            for m in c.metrics_history:
                f.write(json.dumps(asdict(m)) + "\n")
    print(json.dumps(c.get_scaling_recommendation()))


if __name__ == "__main__":
    main()
