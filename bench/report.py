"""Turns what bench/run.sh measured (target/bench/*) into target/bench/report.{md,json}, with each
figure set against its budget. Exits non-zero only when the server misbehaved: failed requests,
or acknowledged messages lost or duplicated."""
import csv
import json
import operator
import platform
import re
import subprocess
import sys
from pathlib import Path

out, duration, connections = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
KB = 1024


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str) -> dict:
    text = (out / f"wrk-{name}.txt").read_text()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50_ms": to_ms(re.search(r"\s50%\s+(\S+)", text).group(1)),
        "p99_ms": to_ms(re.search(r"\s99%\s+(\S+)", text).group(1)),
        "errors": (int(errors.group(1)) if errors else 0) + (sum(map(int, socket.groups()[:3])) if socket else 0),
        # Answers slower than wrk's 2 s timeout: a latency, not a failure.
        "timeouts": int(socket.group(4)) if socket else 0,
    }


def load(name: str) -> dict:
    return json.loads((out / name).read_text())


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


bare, portal, inbox, thread = wrk("bare"), wrk("portal_poll"), wrk("inbox_poll"), wrk("thread_poll")
overload = wrk("overload")
rss_before_kb, rss_after_kb, overload_connections = map(int, (out / "overload-rss.txt").read_text().split())
overload.update(connections=overload_connections, server_rss_mb_before=rss_before_kb / 1024, server_rss_mb_after=rss_after_kb / 1024)
rate_portal, rate_inbox = load("rate-portal_poll.json"), load("rate-inbox_poll.json")
rate_sign_ins, rate_bursts = load("rate-portal_poll-sign-ins.json"), load("rate-portal_poll-sign-in-bursts.json")
scale, sends, uploads = load("scale.json"), load("sends.json"), load("uploads.json")
broadcast = load("broadcast.json")
# Two Parley servers behind nginx on one SurrealDB server over ws:// (bench/run.sh, last section).
ws_bare, ws_portal, ws_inbox = wrk("ws_bare"), wrk("ws_portal_poll"), wrk("ws_inbox_poll")
scale_ws, sends_ws = load("scale-ws.json"), load("sends-ws.json")


def read_weights(name: str) -> tuple[list[dict], dict]:
    """The files of one page (the page itself, then its assets) and their totals."""
    files = []
    for line in (out / name).read_text().splitlines():
        raw, gz, br, path = line.split(maxsplit=3)
        files.append({"path": path, "raw": int(raw), "gzip": int(gz), "brotli": int(br)})
    return files, {k: sum(w[k] for w in files) for k in ("raw", "gzip", "brotli")}


weights, totals = read_weights("weight.txt")
app_weights, app_totals = read_weights("weight-app.txt")
app_wasm_brotli = sum(w["brotli"] for w in app_weights if w["path"].endswith(".wasm"))
# The app bundle's wasm before the portal had a bundle of its own (make bench, 2026-11-24).
APP_WASM_BROTLI_BEFORE = 556_881
# The named copy also holds the names section, which the browser's copy does not: code and data only.
twiggy = [t for t in csv.DictReader((out / "twiggy-top.csv").read_text().splitlines()) if "subsection" not in t["Name"]][:15]
portal_wasm_raw = sum(w["raw"] for w in weights if w["path"].endswith(".wasm"))
lighthouse = load("lighthouse.json")
audit = lambda key: lighthouse["audits"][key]["numericValue"]
lh = {"score": round(lighthouse["categories"]["performance"]["score"] * 100),
      "first_contentful_paint_ms": audit("first-contentful-paint"), "largest_contentful_paint_ms": audit("largest-contentful-paint"),
      "total_blocking_time_ms": audit("total-blocking-time"), "cumulative_layout_shift": audit("cumulative-layout-shift"),
      "speed_index_ms": audit("speed-index"), "total_byte_weight": int(audit("total-byte-weight")),
      "lighthouse_version": lighthouse["lighthouseVersion"], "form_factor": lighthouse["configSettings"]["formFactor"],
      "throttling": lighthouse["configSettings"]["throttlingMethod"]}
asset_headers = (out / "asset-headers.txt").read_text().splitlines() if (out / "asset-headers.txt").exists() else []
sh = lambda cmd: subprocess.run(["sh", "-c", cmd], capture_output=True, text=True).stdout.strip()
machine = {"cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"), "cores": sh("nproc"),
           "memory": sh("free -g | awk '/Mem:/ {print $2 \" GiB\"}'"), "os": platform.platform()}

ratio = lambda key: scale["large"][key]["p50_ms"] / scale["small"][key]["p50_ms"]
scaling = {key: ratio(key) for key in scale["small"]}
scaling_ws = {key: scale_ws["large"][key]["p50_ms"] / scale_ws["small"][key]["p50_ms"] for key in scale_ws["small"]}
long_vs_short = {size: scale[size]["portal_poll_long_thread"]["p50_ms"] / scale[size]["portal_poll_short_thread"]["p50_ms"]
                 for size in ("small", "large")}
budgets = {
    "portal_poll_throughput_vs_bare": (portal["requests_per_s"] / bare["requests_per_s"], ">= 0.40"),
    "inbox_poll_throughput_vs_bare": (inbox["requests_per_s"] / bare["requests_per_s"], ">= 0.40"),
    "thread_poll_throughput_vs_bare": (thread["requests_per_s"] / bare["requests_per_s"], ">= 0.40"),
    "portal_poll_p99_ms_at_2000_per_s": (rate_portal["latency"]["p99_ms"], "< 5"),
    "inbox_poll_p99_ms_at_2000_per_s": (rate_inbox["latency"]["p99_ms"], "< 5"),
    "portal_poll_p99_ms_at_2000_per_s_during_20_sign_ins_per_s": (rate_sign_ins["latency"]["p99_ms"], "< 10"),
    "portal_poll_p99_ms_at_2000_per_s_during_bursts_of_20_sign_ins": (rate_bursts["latency"]["p99_ms"], "< 10"),
    "inbox_first_page_100k_vs_1k": (scaling["inbox_first_page"], "<= 1.5"),
    "inbox_poll_100k_vs_1k": (scaling["inbox_poll"], "<= 1.5"),
    "portal_poll_100k_vs_1k": (scaling["portal_poll_short_thread"], "<= 1.5"),
    "portal_poll_10k_messages_vs_1": (long_vs_short["large"], "<= 1.5"),
    "durable_send_p50_ms": (sends["single"]["latency"]["p50_ms"], "< 5"),
    "concurrent_send_errors": (sends["concurrent"]["errors"], "== 0"),
    "acknowledged_lost_or_duplicated": (sends["verdict"]["lost"] + sends["verdict"]["duplicated"] + sends["verdict"]["seq_mismatch"], "== 0"),
    "threads_with_seq_gaps": (sends["verdict"]["threads_with_gaps"], "== 0"),
    "broadcast_200_bookings_seconds": (broadcast["seconds"], "< 5"),
    "broadcast_bookings_not_sent": (broadcast["bookings"] - broadcast["sent"], "== 0"),
    "other_send_p50_during_broadcast_vs_alone": (broadcast["other_sends_during"]["p50_ms"] / broadcast["other_sends_alone"]["p50_ms"], "<= 3"),
    "ws_portal_poll_throughput_vs_bare": (ws_portal["requests_per_s"] / ws_bare["requests_per_s"], ">= 0.40"),
    "ws_inbox_poll_throughput_vs_bare": (ws_inbox["requests_per_s"] / ws_bare["requests_per_s"], ">= 0.40"),
    "ws_inbox_first_page_100k_vs_1k": (scaling_ws["inbox_first_page"], "<= 1.5"),
    "ws_inbox_poll_100k_vs_1k": (scaling_ws["inbox_poll"], "<= 1.5"),
    "ws_portal_poll_100k_vs_1k": (scaling_ws["portal_poll_short_thread"], "<= 1.5"),
    "ws_acknowledged_lost_or_duplicated": (sends_ws["verdict"]["lost"] + sends_ws["verdict"]["duplicated"] + sends_ws["verdict"]["seq_mismatch"], "== 0"),
    "portal_page_brotli_bytes": (totals["brotli"], f"<= {130 * KB}"),
    "portal_lighthouse_performance_score": (lh["score"], ">= 95"),
    "app_bundle_wasm_brotli_bytes": (app_wasm_brotli, f"<= {APP_WASM_BROTLI_BEFORE}"),
}
COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def meets(value: float, rule: str) -> bool:
    """Whether `value` keeps a rule written as "<operator> <bound>", e.g. "<= 1.5"."""
    op, bound = rule.split()
    return COMPARE[op](value, float(bound))


met = {name: meets(value, rule) for name, (value, rule) in budgets.items()}

report = {
    "machine": machine,
    "empty_poll": {"load": {"tool": "wrk (Debian)", "threads": 2, "connections": connections, "duration": duration},
                   "bare": bare, "portal_poll": portal, "inbox_poll": inbox, "thread_poll": thread,
                   "fixed_rate": {"portal_poll": rate_portal, "inbox_poll": rate_inbox,
                                  "portal_poll_during_sign_ins": rate_sign_ins, "portal_poll_during_sign_in_bursts": rate_bursts},
                   "portal_poll_body_bytes": int((out / "portal-poll-bytes.txt").read_text()),
                   "overload": overload},
    "scaling": {**scale, "ratios_p50_large_vs_small": scaling, "long_vs_short_thread_poll_p50": long_vs_short},
    "sends": sends,
    "several_servers": {"bare": ws_bare, "portal_poll": ws_portal, "inbox_poll": ws_inbox, "sends": sends_ws,
                        "scaling": {**scale_ws, "ratios_p50_large_vs_small": scaling_ws},
                        "send_p50_ws_vs_embedded": sends_ws["single"]["latency"]["p50_ms"] / sends["single"]["latency"]["p50_ms"]},
    "broadcast": broadcast,
    "uploads": uploads,
    "page_weight": {"files": weights, "total": totals, "headers": asset_headers,
                    "app_bundle": {"files": app_weights, "total": app_totals}, "portal_wasm_twiggy_top": twiggy},
    "lighthouse": lh,
    "budgets": {name: {"value": value, "budget": rule, "met": met[name]} for name, (value, rule) in budgets.items()},
}
(out / "report.json").write_text(json.dumps(report, indent=2))

row = lambda name, r: f"| {name} | {r['requests_per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {r['timeouts']} |"
rate_row = lambda name, r: f"| {name} | {r['achieved_per_s']:.0f} | {r['latency']['p50_ms']:.2f} | {r['latency']['p99_ms']:.2f} | {r['errors']} |"
ms = lambda s: f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}"
labels = {"inbox_first_page": "inbox first page (30 rows)", "inbox_poll": "inbox poll, nothing new",
          "portal_poll_short_thread": "portal poll, thread of 1 message", "portal_poll_long_thread": f"portal poll, thread of {scale['long_thread_messages']:,} messages"}
single, many, v = sends["single"], sends["concurrent"], sends["verdict"]
md = [
    "# Parley benchmark report",
    "",
    f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory']}, {machine['os']}. Release build; "
    "server, database (embedded surrealkv, fsync on every commit) and load generator share the machine.",
    "",
    "## Budgets",
    "",
    "| budget | measured | target | |",
    "|---|---|---|---|",
    *[f"| {name} | {value:.2f} | {rule} | {verdict(met[name])} |" if isinstance(value, float) else f"| {name} | {value:,} | {rule} | {verdict(met[name])} |"
      for name, (value, rule) in budgets.items()],
    "",
    f"## Empty polls against a bare JSON endpoint (wrk, 2 threads, {connections} connections, {duration} each)",
    "",
    f"The server holds the demo plus {scale['large_threads']:,} generated threads at the polled location.",
    "",
    "| endpoint | req/s | p50 ms | p99 ms | errors | over 2 s |",
    "|---|---|---|---|---|---|",
    row("bare `GET /api/ping` (no database)", bare),
    row("portal poll, nothing new", portal),
    row("inbox poll, nothing new", inbox),
    row("open thread's poll, nothing new (notes, who is replying)", thread),
    "",
    f"Throughput ratios: portal poll / bare = **{budgets['portal_poll_throughput_vs_bare'][0]:.2f}**, "
    f"inbox poll / bare = **{budgets['inbox_poll_throughput_vs_bare'][0]:.2f}**, "
    f"thread poll / bare = **{budgets['thread_poll_throughput_vs_bare'][0]:.2f}**. "
    f"An empty portal poll answers {report['empty_poll']['portal_poll_body_bytes']} bytes (postcard, as the portal bundle asks for it).",
    "",
    "At a fixed rate (open loop: latency counted from when each request was due):",
    "",
    "| endpoint | achieved/s | p50 ms | p99 ms | errors |",
    "|---|---|---|---|---|",
    rate_row(f"portal poll at {rate_portal['target_per_s']:.0f}/s", rate_portal),
    rate_row(f"inbox poll at {rate_inbox['target_per_s']:.0f}/s", rate_inbox),
    rate_row(f"portal poll at {rate_sign_ins['target_per_s']:.0f}/s, {rate_sign_ins['sign_ins']['per_s']:.0f} sign-ins/s beside", rate_sign_ins),
    rate_row(f"portal poll at {rate_bursts['target_per_s']:.0f}/s, {rate_bursts['sign_ins']['per_s']:.0f} sign-ins at once each second", rate_bursts),
    "",
    *[f"The sign-ins beside it ({label}): {r['sign_ins']['done']} signed in, {r['sign_ins']['failed']} failed, "
      f"p50 {r['sign_ins']['latency']['p50_ms']:.1f} ms, p99 {r['sign_ins']['latency']['p99_ms']:.1f} ms each."
      for label, r in (("spread", rate_sign_ins), ("bursts", rate_bursts))],
    "",
    f"Overload: the empty portal poll over {overload['connections']:,} connections: {overload['requests_per_s']:.0f} req/s, "
    f"p50 {overload['p50_ms']:.2f} ms, p99 {overload['p99_ms']:.2f} ms, {overload['errors']} errors, {overload['timeouts']} over 2 s; "
    f"server memory (RSS) {overload['server_rss_mb_before']:.0f} MB before, {overload['server_rss_mb_after']:.0f} MB after.",
    "",
    f"## Scaling: {scale['small_threads']:,} vs {scale['large_threads']:,} threads (in-process through the router, "
    f"{scale['iterations']} calls each, p50 / p99 ms)",
    "",
    "| request | small | large | p50 ratio |",
    "|---|---|---|---|",
    *[f"| {labels[k]} | {ms(scale['small'][k])} | {ms(scale['large'][k])} | {scaling[k]:.2f} |" for k in scale["small"]],
    "",
    f"A poll of the {scale['long_thread_messages']:,}-message thread costs {long_vs_short['large']:.2f}x a poll of a one-message thread. "
    f"Generating the data through the store took {scale['generate_seconds']:.0f} s.",
    "",
    "## Durable sends (portal_send over HTTP, surrealkv with fsync on every commit)",
    "",
    "| senders | sends | errors | p50 ms | p99 ms | sends/s |",
    "|---|---|---|---|---|---|",
    *[f"| {p['senders']} | {p['sends']} | {p['errors']} | {p['latency']['p50_ms']:.2f} | {p['latency']['p99_ms']:.2f} | {p['throughput']:.0f} |" for p in (single, many)],
    "",
    f"Afterwards: {v['acknowledged']} acknowledged sends, {v['stored_once']} stored exactly once with their seq, "
    f"{v['lost']} lost, {v['duplicated']} duplicated, {v['seq_mismatch']} under another seq; "
    f"{v['threads_with_gaps']} of {v['threads_checked']} threads with a gap in their seqs.",
    "",
    "## Several servers: two Parley servers behind nginx on one SurrealDB server (ws://)",
    "",
    "The same release server twice, on one SurrealDB server (tools/surreal-server, release, surrealkv with fsync on "
    "every commit), behind nginx round robin with kept upstream connections; everything on this one machine. The "
    "bare endpoint is measured through the same nginx and servers.",
    "",
    "| endpoint | req/s | p50 ms | p99 ms | errors | over 2 s |",
    "|---|---|---|---|---|---|",
    row("bare `GET /api/ping` (no database)", ws_bare),
    row("portal poll, nothing new", ws_portal),
    row("inbox poll, nothing new", ws_inbox),
    "",
    f"Throughput ratios: portal poll / bare = **{budgets['ws_portal_poll_throughput_vs_bare'][0]:.2f}**, "
    f"inbox poll / bare = **{budgets['ws_inbox_poll_throughput_vs_bare'][0]:.2f}**.",
    "",
    f"Durable sends through nginx: one sender p50 **{sends_ws['single']['latency']['p50_ms']:.2f} ms** "
    f"(p99 {sends_ws['single']['latency']['p99_ms']:.2f}) against {single['latency']['p50_ms']:.2f} ms embedded: "
    f"**{report['several_servers']['send_p50_ws_vs_embedded']:.2f}x**; {sends_ws['concurrent']['senders']} senders "
    f"{sends_ws['concurrent']['throughput']:.0f} sends/s (embedded {many['throughput']:.0f}), "
    f"{sends_ws['concurrent']['errors']} errors; {sends_ws['verdict']['lost']} lost, {sends_ws['verdict']['duplicated']} duplicated.",
    "",
    f"Scaling over ws:// ({scale_ws['small_threads']:,} vs {scale_ws['large_threads']:,} threads, in-process router, remote database, p50 / p99 ms):",
    "",
    "| request | small | large | p50 ratio |",
    "|---|---|---|---|",
    *[f"| {labels[k]} | {ms(scale_ws['small'][k])} | {ms(scale_ws['large'][k])} | {scaling_ws[k]:.2f} |" for k in scale_ws["small"]],
    "",
    "## A message to a whole departure (send_broadcast over HTTP)",
    "",
    f"{broadcast['bookings']} bookings, none with a conversation yet: every thread started and its message stored "
    f"(fsync on each) in **{broadcast['seconds']:.2f} s**; {broadcast['sent']} of {broadcast['bookings']} then sent. "
    f"Another customer sending in their own conversation meanwhile: p50 {broadcast['other_sends_during']['p50_ms']:.2f} ms, "
    f"p99 {broadcast['other_sends_during']['p99_ms']:.2f} ms over {broadcast['other_sends_during']['count']} sends, against "
    f"p50 {broadcast['other_sends_alone']['p50_ms']:.2f} ms, p99 {broadcast['other_sends_alone']['p99_ms']:.2f} ms alone just before.",
    "",
    "## Uploads (portal upload over HTTP, files in a local directory)",
    "",
    f"A {uploads['photo_bytes'] / 1e6:.1f} MB phone photo ({uploads['photo_pixels'][0]}x{uploads['photo_pixels'][1]}), received, decoded, "
    f"turned upright, re-encoded without its metadata, thumbnailed and stored: p50 {uploads['photo']['p50_ms']:.0f} ms, "
    f"p99 {uploads['photo']['p99_ms']:.0f} ms over {uploads['photo']['count']} uploads one after another ({uploads['errors']} errors).",
    "",
    "| ten at once | MB each | errors | server RSS before | peak | seconds |",
    "|---|---|---|---|---|---|",
    *[f"| {label} | {m['bytes_each'] / 1e6:.1f} | {m['errors']} | {m['rss_before_mb']:.0f} MB | {m['rss_peak_mb']:.0f} MB | {m['seconds']:.1f} |"
      for label, m in (("PDFs (streamed to storage)", uploads["concurrent_pdfs"]), ("photos (decoded two at a time)", uploads["concurrent_photos"]))],
    "",
    "## Page weight: the portal page as a phone fetches it (bytes on the wire)",
    "",
    "| file | raw | gzip | brotli |",
    "|---|---|---|---|",
    *[f"| `{w['path']}` | {w['raw']:,} | {w['gzip']:,} | {w['brotli']:,} |" for w in weights],
    f"| **total** | {totals['raw']:,} | {totals['gzip']:,} | {totals['brotli']:,} |",
    "",
    "Asset headers (asked for brotli):",
    "",
    *[f"    {h}" for h in asset_headers],
    "",
    "The app bundle, which every other page loads (here `/login`):",
    "",
    "| file | raw | gzip | brotli |",
    "|---|---|---|---|",
    *[f"| `{w['path']}` | {w['raw']:,} | {w['gzip']:,} | {w['brotli']:,} |" for w in app_weights],
    f"| **total** | {app_totals['raw']:,} | {app_totals['gzip']:,} | {app_totals['brotli']:,} |",
    "",
    f"The portal's wasm ({portal_wasm_raw:,} bytes), its largest items after wasm-opt (`twiggy top`, bytes before compression):",
    "",
    "| bytes | share | item |",
    "|---|---|---|",
    *[f"| {int(t['ShallowSize']):,} | {100 * int(t['ShallowSize']) / portal_wasm_raw:.2f} % | `{t['Name'][:110].replace('|', '/')}` |" for t in twiggy],
    "",
    f"## Lighthouse on the portal page ({lh['lighthouse_version']}, {lh['form_factor']}, {lh['throttling']} throttling, Debian's Chromium)",
    "",
    "| performance score | first contentful paint | largest contentful paint | total blocking time | layout shift | speed index | total byte weight |",
    "|---|---|---|---|---|---|---|",
    f"| {lh['score']} | {lh['first_contentful_paint_ms']:.0f} ms | {lh['largest_contentful_paint_ms']:.0f} ms | {lh['total_blocking_time_ms']:.0f} ms | "
    f"{lh['cumulative_layout_shift']:.3f} | {lh['speed_index_ms']:.0f} ms | {lh['total_byte_weight']:,} bytes |",
]
(out / "report.md").write_text("\n".join(md) + "\n")
misbehaved = (bare["errors"] + portal["errors"] + inbox["errors"] + thread["errors"] + rate_portal["errors"] + rate_inbox["errors"] + rate_sign_ins["errors"] + rate_sign_ins["sign_ins"]["failed"] + rate_bursts["errors"] + rate_bursts["sign_ins"]["failed"]
              + single["errors"] + many["errors"] + uploads["errors"] + uploads["concurrent_pdfs"]["errors"] + uploads["concurrent_photos"]["errors"] + v["lost"] + v["duplicated"] + v["seq_mismatch"] + v["threads_with_gaps"]
              + broadcast["bookings"] - broadcast["sent"]
              + ws_bare["errors"] + ws_portal["errors"] + ws_inbox["errors"] + sends_ws["single"]["errors"] + sends_ws["concurrent"]["errors"]
              + sends_ws["verdict"]["lost"] + sends_ws["verdict"]["duplicated"] + sends_ws["verdict"]["seq_mismatch"])
sys.exit(1 if misbehaved else 0)
