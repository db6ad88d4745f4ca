#!/usr/bin/env python3
"""Write hft-dashboard.json, the Grafana dashboard of the engine's control endpoint (GET /metrics).

The metric names are the contract in README.md (next to this file); EngineTests/GrafanaDashboardTests
checks that every expression of the dashboard names a metric of that contract and that the hop and
counter families exist in HFTTelemetry's real output. Edit this script, not the JSON, then re-run it.
Import into Grafana (>= 9, schemaVersion 39) with Dashboards > Import; it asks for the Prometheus
data source (${DS_PROMETHEUS}).
Usage: make_dashboard.py [OUT.json]   (default: hft-dashboard.json next to this script)
Safe to re-run: (over)writes OUT.json only; the output is deterministic.
"""
import json
import os
import sys

DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}

# StandardHop (Sources/HFTTelemetry/StandardHop.swift) plus the engine's two extra queue hops, its two trade feature hops and three order hops
# (Sources/Engine/Pipeline/TradingEngine.swift), in path order, as TelemetryReport.prometheusName writes them.
HOPS = [
    ("wire", "exchange time -> receive time (wall clock)"),
    ("queue_feed_to_book", "Feed publish -> Book consume"),
    ("decode", "frame bytes -> decoded event"),
    ("book", "book update (sync + apply)"),
    ("queue_book_to_signals", "Book publish -> Signals consume"),
    ("features", "feature vector for one book event"),
    ("features_trade", "a trade's feature state updates"),
    ("features_refresh", "vector rewrite after trades, on an idle cycle"),
    ("inference_tcn", "TCN streaming step"),
    ("inference_tabnet", "TabNet forward pass"),
    ("inference_ppo", "PPO policy forward pass"),
    ("queue_signals_to_strategy", "Signals publish -> Strategy consume"),
    ("strategy", "strategy plugin on_tick"),
    ("risk", "pre-trade risk gate"),
    ("send", "order encode + hand-off"),
    ("tick_to_order", "end to end: receive -> order bytes handed off"),
    ("order_to_ack", "order sent -> venue acknowledgement"),
    ("order_tick_to_signal", "ticks that led to an order: receive -> view published"),
    ("order_tick_to_decision", "ticks that led to an order: receive -> strategy returned"),
    ("order_tick_to_risk", "ticks that led to an order: receive -> risk gate passed"),
]
QUANTILES = [("0.5", "p50"), ("0.99", "p99"), ("0.999", "p99.9")]

_next_id = [0]


def pid():
    _next_id[0] += 1
    return _next_id[0]


def target(expr, legend, ref):
    return {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}


def timeseries(title, targets, x, y, w=8, h=8, unit="short", description="", stack=False, log=False):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10 if stack else 0, "showPoints": "never",
              "spanNulls": False, "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    if log:
        custom["scaleDistribution"] = {"type": "log", "log": 10}
    return {
        "id": pid(), "type": "timeseries", "title": title, "description": description, "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit, "custom": custom}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                    "tooltip": {"mode": "multi", "sort": "desc"}},
        "targets": [target(e, l, chr(ord("A") + i)) for i, (e, l) in enumerate(targets)],
    }


def stat(title, expr, legend, x, y, w=4, h=4, unit="short", mappings=None, thresholds=None, description=""):
    return {
        "id": pid(), "type": "stat", "title": title, "description": description, "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {
            "unit": unit, "mappings": mappings or [],
            "thresholds": thresholds or {"mode": "absolute", "steps": [{"color": "green", "value": None}]},
        }, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "background", "graphMode": "none", "textMode": "value_and_name",
                    "justifyMode": "auto", "orientation": "auto"},
        "targets": [target(expr, legend, "A")],
    }


def row(title, y):
    return {"id": pid(), "type": "row", "title": title, "collapsed": False, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1},
            "panels": []}


def red_when_one():
    return {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 1}]}


def rate(name, by=""):
    grouped = f"sum by ({by}) " if by else "sum "
    return f"{grouped}(rate({name}{{job=~\"$job\"}}[$__rate_interval]))"


def build():
    panels = []
    y = 0
    panels.append(row("Engine state", y)); y += 1
    panels.append(stat("Mode", 'hft_mode{job=~"$job"} == 1', "{{mode}}", 0, y,
                       description="hft_mode: 1 for the current trading mode (paper, live, replay)."))
    panels.append(stat("Halted (kill)", 'max(hft_halted{job=~"$job"})', "halted", 4, y,
                       mappings=[{"type": "value", "options": {"0": {"text": "running"}, "1": {"text": "HALTED"}}}],
                       thresholds=red_when_one(), description="1 after POST /kill: no new orders."))
    panels.append(stat("Book stale", 'max by (symbol) (hft_book_stale{job=~"$job"})', "{{symbol}}", 8, y,
                       mappings=[{"type": "value", "options": {"0": {"text": "ok"}, "1": {"text": "STALE"}}}],
                       thresholds=red_when_one(), description="1 while the traded book must not be trusted."))
    panels.append(stat("Position", 'hft_position{job=~"$job"}', "{{symbol}}", 12, y))
    panels.append(stat("Realized PnL", 'hft_pnl_realized{job=~"$job"}', "{{symbol}}", 16, y))
    panels.append(stat("Unrealized PnL", 'hft_pnl_unrealized{job=~"$job"}', "{{symbol}}", 20, y))
    y += 4

    panels.append(row("PnL, position, orders", y)); y += 1
    panels.append(timeseries("PnL (quote units)", [
        ('hft_pnl_realized{job=~"$job"}', "realized {{symbol}}"),
        ('hft_pnl_unrealized{job=~"$job"}', "unrealized {{symbol}}"),
        ('hft_pnl_realized{job=~"$job"} + on (symbol, job, instance) hft_pnl_unrealized{job=~"$job"}', "total {{symbol}}"),
    ], 0, y))
    panels.append(timeseries("Position and working orders", [
        ('hft_position{job=~"$job"}', "position {{symbol}}"),
        ('hft_working_orders{job=~"$job"}', "working {{symbol}}"),
    ], 8, y))
    panels.append(timeseries("Orders and fills per second", [
        (rate("hft_orders_total", "symbol"), "orders {{symbol}}"),
        (rate("hft_fills_total", "symbol"), "fills {{symbol}}"),
        (rate("hft_execution_acks_total"), "acks"),
        (rate("hft_execution_cancels_total"), "cancels"),
    ], 16, y, unit="ops"))
    y += 8
    panels.append(timeseries("Refusals per second", [
        (rate("hft_execution_risk_rejects_total"), "risk rejects"),
        (rate("hft_execution_venue_rejects_total"), "venue rejects"),
        (rate("hft_strategy_invalid_intents_total"), "invalid intents"),
        (rate("hft_strategy_intents_halted_total"), "intents after kill"),
        (rate("hft_strategy_errors_total"), "strategy errors"),
        (rate("hft_execution_journal_failures_total"), "journal failures"),
        (rate("hft_execution_unknown_orders_total"), "unknown orders"),
        ('sum by (kind) (rate(hft_execution_oms_events_total{job=~"$job"}[$__rate_interval]))', "order manager: {{kind}}"),
    ], 0, y, unit="ops"))
    panels.append(timeseries("Strategy flow per second", [
        (rate("hft_strategy_ticks_total"), "ticks"),
        (rate("hft_strategy_timers_total"), "on_timer calls"),
        (rate("hft_strategy_intents_total"), "intents"),
        (rate("hft_execution_orders_total"), "orders (execution stage)"),
        (rate("hft_execution_fills_total"), "fills (execution stage)"),
    ], 8, y, unit="ops"))
    panels.append(timeseries("Back-pressure per second", [
        (rate("hft_signals_conflations_total"), "signal conflations"),
        (rate("hft_signals_back_pressure_total"), "signals -> strategy full"),
        (rate("hft_strategy_command_back_pressure_total"), "strategy -> execution full"),
        (rate("hft_execution_fill_back_pressure_total"), "execution -> strategy full"),
    ], 16, y, unit="ops"))
    y += 8

    panels.append(row("Feed and book", y)); y += 1
    panels.append(timeseries("Feed frames per second", [
        (rate("hft_feed_frames_total"), "frames"),
        (rate("hft_feed_held_diffs_total"), "rollover: diffs held"),
        (rate("hft_feed_duplicate_trades_total"), "rollover: duplicate trades dropped"),
    ], 0, y, unit="ops", log=True,
        description="Frames the Book stage processed; during a connection rollover, the new connection's diffs held "
                    "until the old one caught up, and the trades both delivered (dropped once). Log scale."))
    panels.append(timeseries("Feed problems per second", [
        (rate("hft_feed_parse_errors_total"), "parse errors"),
        (rate("hft_feed_gaps_total"), "sequence gaps (resync)"),
        (rate("hft_engine_unroutable_total"), "unroutable events"),
        (rate("hft_signals_stale_commits_total"), "changes while stale"),
        (rate("hft_signals_ignored_books_total"), "ignored (crossed/one-sided) books"),
        (rate("hft_signals_wire_out_of_range_total"), "exchange time out of range"),
    ], 8, y, unit="ops"))
    panels.append(timeseries("Book health", [
        ('max by (symbol) (hft_book_stale{job=~"$job"})', "stale {{symbol}}"),
        ('sum by (symbol) (increase(hft_book_oracle_matched_total{job=~"$job"}[$__rate_interval])) / '
         'sum by (symbol) (increase(hft_book_oracle_checked_total{job=~"$job"}[$__rate_interval]))',
         "bookTicker match ratio {{symbol}}"),
    ], 16, y, unit="percentunit",
        description="Stale flag (1 = do not trust) and the share of bookTicker points the local book matched."))
    panels[-1]["fieldConfig"]["overrides"].append({
        "matcher": {"id": "byRegexp", "options": "stale.*"}, "properties": [{"id": "unit", "value": "short"}],
    })
    y += 8

    panels.append(row("Latency per hop (p50, p99, p99.9)", y)); y += 1
    panels.append(timeseries("p99 of every hop", [
        (f'hft_hop_{name}_seconds{{job=~"$job",quantile="0.99"}}', name) for name, _ in HOPS
    ], 0, y, w=24, h=9, unit="s", log=True,
        description="Summary quantiles since engine start (HDR histograms, not windowed)."))
    y += 9
    for i, (name, what) in enumerate(HOPS):
        x = (i % 3) * 8
        if i and i % 3 == 0:
            y += 7
        panels.append(timeseries(f"{name}: {what}", [
            (f'hft_hop_{name}_seconds{{job=~"$job",quantile="{q}"}}', label) for q, label in QUANTILES
        ] + [(f'rate(hft_hop_{name}_seconds_count{{job=~"$job"}}[$__rate_interval])', "samples/s")],
            x, y, h=7, unit="s"))
        # The samples/s series has its own unit and axis.
        panels[-1]["fieldConfig"]["overrides"].append({
            "matcher": {"id": "byName", "options": "samples/s"},
            "properties": [{"id": "unit", "value": "ops"}, {"id": "custom.axisPlacement", "value": "right"}],
        })
    y += 7

    panels.append(row("Errors", y)); y += 1
    panels.append(timeseries("Distinct errors per second (top 10)", [
        ('topk(10, sum by (error, detail) (rate(hft_errors_total{job=~"$job"}[$__rate_interval])))', "{{error}} {{detail}}"),
    ], 0, y, w=16, unit="ops"))
    panels.append(timeseries("Error log overflow", [
        (rate("hft_error_log_overflow_total"), "dropped observations/s"),
    ], 16, y, unit="ops", description="Observations dropped because a distinct-error table was full."))
    y += 8

    panels.append(row("Threads", y)); y += 1
    panels.append(timeseries("Stalls of the spinning threads per second", [
        ('sum by (thread, core) (rate(hft_thread_stalls_total{job=~"$job"}[$__rate_interval]))', "{{thread}} (core {{core}})"),
    ], 0, y, w=12, unit="ops",
        description="Idle duty cycles of a busy-spinning thread that took at least ~10 us: time the core did not give the "
                    "thread (interrupts, the tick, other tasks, the hypervisor); a frame arriving then waited. hft tune check --jitter S measures a core before a run."))
    panels.append(timeseries("Share of time the spinning threads were stalled", [
        ('sum by (thread, core) (rate(hft_thread_stall_seconds_total{job=~"$job"}[$__rate_interval]))', "{{thread}} (core {{core}})"),
    ], 12, y, w=12, unit="percentunit", description="Seconds stalled per second."))
    y += 8
    panels.append(timeseries("Idle duty cycles of the spinning threads per second", [
        ('sum by (thread, core) (rate(hft_thread_idle_cycles_total{job=~"$job"}[$__rate_interval]))', "{{thread}} (core {{core}})"),
    ], 0, y, w=12, unit="ops",
        description="Polls that found no work: a spinning thread with few idle cycles is saturated (frames queue behind each other)."))
    return panels


def dashboard():
    return {
        "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "Scrapes the engine's GET /metrics",
                      "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"}],
        "__requires": [
            {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "9.0.0"},
            {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
            {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
            {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
        ],
        "annotations": {"list": []},
        "description": "HFT Core engine: state, PnL, orders, feed/book health and per-hop latency from GET /metrics.",
        "editable": True,
        "graphTooltip": 1,
        "id": None,
        "links": [],
        "panels": build(),
        "refresh": "5s",
        "schemaVersion": 39,
        "tags": ["hft"],
        "templating": {"list": [{
            "name": "job", "label": "job", "type": "query", "datasource": DS,
            "query": {"query": "label_values(hft_mode, job)", "refId": "job"},
            "definition": "label_values(hft_mode, job)",
            "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 1,
            "current": {}, "options": [],
        }]},
        "time": {"from": "now-30m", "to": "now"},
        "timepicker": {},
        "timezone": "utc",
        "title": "HFT Core engine",
        "uid": "hft-core-engine",
        "version": 1,
    }


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "hft-dashboard.json")
    with open(out, "w") as f:
        json.dump(dashboard(), f, indent=2)
        f.write("\n")
    print(f"wrote {out}")
