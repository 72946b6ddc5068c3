"""Benchmark: the latency the language-model probe path adds to a turn, measured apart from the practice loop.

Against the loopback chat-completions server (real HTTP + SSE on 127.0.0.1) with a simulated model:
`--ttft` seconds before the first token and `--per-chunk` seconds per streamed chunk (~1 token).
Printed, as p50/p95 over `--runs` turns, each next to the baseline measured in the same run:

  rules             the rule-based probe chooser alone (the baseline every turn already pays)
  llm first/total   request -> first speakable sentence / complete validated probe
  client overhead   the same, minus the model time the server simulated (HTTP, thread, parsing, validation)
  fallback          time to the rule probe when the model fails: past the budget (overhead beyond it),
                    HTTP 500, connection refused, and once the model is left out after 3 failures in a row

  in the loop       with --loop N: N interviews through the real practice loop (espeak-ng answers streamed in
                    real time, VAD, tiny.en, scoring, speech) with the rules, then with the simulated model:
                    `response_latency_ms` of each probe turn, so the model's cost shows in the number users feel

    .venv/bin/python benchmarks/llm_latency.py [--runs 30] [--ttft 0.25] [--per-chunk 0.02] [--budget 2.0] [--loop 3]

`measure()` returns the same figures as a dict, for benchmarks/latency.py to print beside the loop's.
"""

from __future__ import annotations

import argparse
import json
import socket
import time

from mockvoice import load_rubric, score_text
from mockvoice.llm import ChatClient, LLMConfig, LLMProbeWriter
from mockvoice.llm.loopback import Behaviour, LoopbackLLM
from mockvoice.probes import ProbeContext, RuleProbeWriter
from mockvoice.prompts import find_question
from mockvoice.transcript import Transcript

ANSWER = (
    "How many links a day do we create, and what is the read to write ratio? I would generate codes from a counter "
    "rather than hashing, because a counter never collides, and keep the mapping in a key value store with a cache."
)
PROBE = {
    "feature": "failure_mode",
    "family": "failure_mode",
    "probe": "You put a cache in front of the key value store. What happens to redirects when that store is down "
    "for five minutes?",
}
CHUNK = 6  # characters per streamed chunk, about one token


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _ms(values: list[float]) -> str:
    return f"p50 {_pct(values, 0.5) * 1000:8.2f} ms   p95 {_pct(values, 0.95) * 1000:8.2f} ms"


def _context() -> ProbeContext:
    q = find_question("url-shortener")
    return ProbeContext(question=q, scorecard=score_text(ANSWER, load_rubric(q.rubric)), transcripts=(Transcript.from_text(ANSWER),))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(runs: int = 30, ttft: float = 0.25, per_chunk: float = 0.02, budget: float = 2.0) -> dict[str, list[float]]:
    """Seconds per run for each path (see the module docstring); the model is simulated on loopback."""
    ctx = _context()
    rules = RuleProbeWriter()
    content = json.dumps(PROBE)
    first_end = content.index("store.") + len("store.")
    sim_first = ttft + per_chunk * -(-first_end // CHUNK)
    sim_total = ttft + per_chunk * -(-len(content) // CHUNK)
    out: dict[str, list[float]] = {k: [] for k in (
        "rules", "llm_first", "llm_total", "overhead_first", "overhead_total", "bare_client", "fallback_over_budget",
        "fallback_http_500", "fallback_refused", "fallback_left_out")}
    with LoopbackLLM(Behaviour(content=content, delay_s=ttft, chunk_delay_s=per_chunk, chunk_chars=CHUNK)) as server:
        # max_failures=0: every reply is tried, so each fallback below pays its own full cost.
        with ChatClient(LLMConfig(url=server.url, model="simulated", budget_s=budget, max_failures=0)) as client:
            writer = LLMProbeWriter(client, rules)
            writer.write(ctx)  # warm: prompt file, imports, first connection
            for _ in range(runs):
                t0 = time.perf_counter()
                rules.write(ctx)
                out["rules"].append(time.perf_counter() - t0)

                stream = writer.stream(ctx)
                list(stream.sentences())
                assert stream.record is not None and stream.record.source == "llm", stream.record
                out["llm_first"].append(stream.first_sentence_s or 0.0)
                out["llm_total"].append(stream.total_s or 0.0)
                out["overhead_first"].append((stream.first_sentence_s or 0.0) - sim_first)
                out["overhead_total"].append((stream.total_s or 0.0) - sim_total)

                server.script(Behaviour(content=content, chunk_chars=len(content)))  # an instant "model"
                t0 = time.perf_counter()
                assert writer.write(ctx).source == "llm"
                out["bare_client"].append(time.perf_counter() - t0)

                server.script(Behaviour(mode="status", status=500))
                t0 = time.perf_counter()
                assert writer.write(ctx).source == "rules"
                out["fallback_http_500"].append(time.perf_counter() - t0)
            short = LLMProbeWriter(client, rules, budget_s=0.2)
            for _ in range(max(5, runs // 3)):
                server.script(Behaviour(mode="hang"))
                t0 = time.perf_counter()
                assert short.write(ctx).source == "rules"
                out["fallback_over_budget"].append(time.perf_counter() - t0 - 0.2)
    with ChatClient(LLMConfig(url=f"http://127.0.0.1:{_free_port()}/v1", budget_s=budget, max_failures=0)) as dead:
        writer = LLMProbeWriter(dead, rules)
        for _ in range(runs):
            t0 = time.perf_counter()
            assert writer.write(ctx).source == "rules"
            out["fallback_refused"].append(time.perf_counter() - t0)
    with ChatClient(LLMConfig(url=f"http://127.0.0.1:{_free_port()}/v1", budget_s=budget)) as dead:
        writer = LLMProbeWriter(dead, rules)  # the default: left out after 3 failed replies in a row
        for _ in range(3):
            writer.write(ctx)
        for _ in range(runs):
            t0 = time.perf_counter()
            assert writer.write(ctx).reason.startswith("llm skipped")
            out["fallback_left_out"].append(time.perf_counter() - t0)
    out["_simulated"] = [sim_first, sim_total]
    return out


LOOP_ANSWERS = [
    ["How many links a day do we create, and what is the read to write ratio?", 0.6,
     "I would generate codes from a counter rather than hashing the long URL."],
    ["A cache in front of the key value store serves the hot links.", 0.5, "Writes go straight to the store."],
    ["We would alert on the error rate of redirects and roll back with a feature flag."],
]


def measure_loop(sessions: int, ttft: float, per_chunk: float, budget: float) -> dict[str, list[float]]:
    """response_latency_ms of probe turns through the real loop: rules vs the simulated model, same answers."""
    import tempfile
    from pathlib import Path

    from mockvoice.interviewer import Interviewer, PracticeOptions
    from mockvoice.microphone import ClipMicrophone
    from mockvoice.player import NullSpeaker
    from mockvoice.speech import synthesize_parts
    from mockvoice.transcriber import get_transcriber

    q = find_question("url-shortener")
    rubric, transcriber = load_rubric(q.rubric), get_transcriber()
    answers = [synthesize_parts(parts) for parts in LOOP_ANSWERS]
    out: dict[str, list[float]] = {"loop_rules": [], "loop_llm": []}
    second = {**PROBE, "probe": "Clicks went up ten times after a link went viral. Which part of this breaks first?"}
    replies = [Behaviour(content=json.dumps(p), delay_s=ttft, chunk_delay_s=per_chunk, chunk_chars=CHUNK) for p in (PROBE, second)]
    with LoopbackLLM(replies[0]) as server, ChatClient(LLMConfig(url=server.url, budget_s=budget, max_failures=0)) as client:
        for _ in range(sessions):
            for name, writer in (("loop_rules", None), ("loop_llm", LLMProbeWriter(client))):
                if writer is not None:
                    server.script(*replies)  # a different probe each turn (a repeat would be refused)
                with tempfile.TemporaryDirectory() as tmp:
                    session = Interviewer(q, rubric, ClipMicrophone(list(answers)), NullSpeaker(realtime=False), transcriber,
                                          Path(tmp) / "s", PracticeOptions(turns=len(answers)), probe_writer=writer).run()
                for turn in session.turns:
                    if turn.probe is not None and turn.timings.get("response_latency_ms") is not None:
                        assert name == "loop_rules" or turn.probe.source == "llm", turn.probe
                        out[name].append(turn.timings["response_latency_ms"] / 1000)
    return out


def summary(figures: dict[str, list[float]]) -> list[str]:
    """Printable lines for the figures from `measure()`."""
    sim_first, sim_total = figures["_simulated"]
    return [
        f"rules (baseline)           {_ms(figures['rules'])}",
        f"llm first sentence         {_ms(figures['llm_first'])}   (simulated model {sim_first * 1000:.0f} ms)",
        f"llm whole probe            {_ms(figures['llm_total'])}   (simulated model {sim_total * 1000:.0f} ms)",
        f"client overhead, first     {_ms(figures['overhead_first'])}",
        f"client overhead, whole     {_ms(figures['overhead_total'])}",
        f"instant model, whole path  {_ms(figures['bare_client'])}",
        f"fallback: past budget      {_ms(figures['fallback_over_budget'])}   (beyond a 200 ms budget)",
        f"fallback: HTTP 500         {_ms(figures['fallback_http_500'])}",
        f"fallback: refused          {_ms(figures['fallback_refused'])}",
        f"fallback: model left out   {_ms(figures['fallback_left_out'])}   (after 3 failed replies in a row)",
    ] + ([
        f"loop, rules: response      {_ms(figures['loop_rules'])}   ({len(figures['loop_rules'])} probe turns)",
        f"loop, model: response      {_ms(figures['loop_llm'])}   ({len(figures['loop_llm'])} probe turns)",
    ] if figures.get("loop_llm") else [])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--ttft", type=float, default=0.25, help="simulated seconds to the model's first token")
    ap.add_argument("--per-chunk", type=float, default=0.02, help="simulated seconds per streamed chunk (~1 token)")
    ap.add_argument("--budget", type=float, default=2.0)
    ap.add_argument("--loop", type=int, default=0, help="also run N interviews through the real loop (about 1 min each)")
    args = ap.parse_args()
    figures = measure(args.runs, args.ttft, args.per_chunk, args.budget)
    if args.loop:
        figures.update(measure_loop(args.loop, args.ttft, args.per_chunk, args.budget))
    print(f"LLM probe path, {args.runs} runs, loopback server, simulated model: first token {args.ttft * 1000:.0f} ms, "
          f"{args.per_chunk * 1000:.0f} ms per chunk of {CHUNK} chars, budget {args.budget:.1f} s")
    for line in summary(figures):
        print("  " + line)


if __name__ == "__main__":
    main()
