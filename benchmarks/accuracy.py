"""Detection accuracy: precision, recall and F1 per feature on the labelled set, as text and as espeak-ng speech.

Text: every labelled utterance (tests/data/labelled/*.txt except answers.txt) on its own, and every
answer line in the context of its answer. Speech: the same utterances and answers synthesised with
espeak-ng (mockvoice.speech.synthesize, rate 150, default voice), transcribed by the default model
through mockvoice.api.transcribe_for_rubric (the product path, rubric hotwords on), and scored;
answers are compared by per-feature counts (true positives = min(found, labelled)).
Transcripts are cached under tests/.cache/accuracy/ so re-runs take seconds. Two sets: OWN (tests/data/labelled, the
learned check's training data; speech covers its hand-written files, not the train-* batches) and HELD-OUT
(tests/data/heldout, written blind to the rules and never trained or tuned on).
Usage: .venv/bin/python benchmarks/accuracy.py [--set own|heldout|both] [--heldout DIR] [--files NAME,...]
                                                 [--text-only] [--errors] [--rules]
--heldout DIR scores any folder of files in the same format as the held-out set (a reviewer's own, say).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from labelled import DATA, FEATURES, load_answers, load_utterances, strong_weak_pairs  # noqa: E402

from mockvoice.detection import detect_features  # noqa: E402
from mockvoice.detectors import analyse, cleaned, clarifying_question  # noqa: E402
from mockvoice.transcript import Transcript  # noqa: E402
from mockvoice.utterances import split_utterances  # noqa: E402

CACHE = ROOT / "tests" / ".cache" / "accuracy"
HELDOUT = ROOT / "tests" / "data" / "heldout"
RULES_ONLY = False


class Tally:
    def __init__(self) -> None:
        self.c = {f: [0, 0, 0] for f in FEATURES}
        self.errors: list[str] = []

    def add(self, feature: str, predicted: int, gold: int, text: str = "") -> None:
        tp = min(predicted, gold)
        self.c[feature][0] += tp
        self.c[feature][1] += predicted - tp
        self.c[feature][2] += gold - tp
        if predicted != gold:
            self.errors.append(f"{'FP' if predicted > gold else 'FN'} {feature}: {text}")

    def f1(self, feature: str) -> tuple[float, float, float]:
        tp, fp, fn = self.c[feature]
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        return p, r, 2 * p * r / max(p + r, 1e-9)


class Texts(list):
    """Cleaned utterance texts, with the sentence each belongs to (clauses of one sentence share it)."""

    sentences: list[int] | None = None
    spoken: bool = False  # a transcript of audio: judged by the model's speech thresholds


def detect_spans(texts: list[str]) -> dict[str, list[range]]:
    """What scoring finds, each hit as the utterances its evidence spans: the rules checked by the learned model
    (or the rules alone with --rules)."""
    if RULES_ONLY:
        questions = frozenset(clarifying_question(texts).indices)
        found = {f: analyse(f, texts, (), questions) for f in FEATURES}
    else:
        found = detect_features(texts, sentences=getattr(texts, "sentences", None), spoken=getattr(texts, "spoken", False))
    return {f: [range(h.index, (h.through or h.index) + 1) for h in a.hits] for f, a in found.items()}


def detect_all(texts: list[str]) -> dict[str, set[int]]:
    """The utterance each hit starts at, per feature."""
    return {f: {span[0] for span in spans} for f, spans in detect_spans(texts).items()}


def line_of_span(span: range, where: list[int], texts: list[str]) -> int:
    """The answer line most of a hit's words came from (a hit spanning a sentence's clauses may start in the line before)."""
    words: dict[int, int] = {}
    for i in span:
        words[where[i]] = words.get(where[i], 0) + len(texts[i].split())
    return max(words, key=words.get)


def utterances_of(transcript: Transcript) -> Texts:
    utts = split_utterances(transcript)
    out = Texts(cleaned(utts))
    out.sentences = [u.sentence for u in utts]
    out.spoken = transcript.timed
    return out


def _cached_transcript(text: str, rubric: str) -> Transcript:
    from mockvoice.api import transcribe_for_rubric
    from mockvoice.errors import SilentAudioError
    from mockvoice.speech import synthesize
    from mockvoice.transcriber import TranscribeOptions

    key = hashlib.sha256(repr((text, rubric, TranscribeOptions().initial_prompt, 150)).encode()).hexdigest()[:20]
    path = CACHE / f"{key}.json"
    if path.exists():
        return Transcript.model_validate_json(path.read_text())
    clip = synthesize(text)
    try:
        tr = transcribe_for_rubric(clip, rubric)
    except SilentAudioError:
        tr = Transcript(text="")
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tr.model_dump_json())
    tmp.replace(path)
    return tr


def _speech_file(path: Path) -> bool:
    """Files spoken in the speech evaluation: every held-out file; of the own set, the hand-written files (not the
    train-* batches, which would take about an hour to synthesise and transcribe, nor the asr-* copies, already speech)."""
    return path.parent != DATA or not path.name.startswith(("train-", "asr-"))


def _files(folder: Path, only: tuple[str, ...] = ()) -> list[Path]:
    """The folder's data files, or just those whose name (without .txt) is in `only`."""
    return sorted(p for p in folder.glob("*.txt") if not only or p.stem in only)


def evaluate(folder: Path, speech: bool, only: tuple[str, ...] = ()) -> tuple[Tally, Tally, Tally]:
    """Tallies for single utterances, answer lines (text only) and answer counts over one folder's files."""
    utt, lines, counts = Tally(), Tally(), Tally()  # lines: answer lines, in text as written, in speech aligned
    for path in (p for p in _files(folder, only) if "answers" not in p.name and (not speech or _speech_file(p))):
        for ln in load_utterances(path):
            texts = utterances_of(_cached_transcript(ln.text, "system-design")) if speech else cleaned_one(ln.text)
            hits = detect_all(texts)
            for f in FEATURES:
                utt.add(f, int(bool(hits[f])), int(f in ln.labels), ln.text)
    for path in (p for p in _files(folder, only) if "answers" in p.name and (not speech or _speech_file(p))):
        for ans in load_answers(path):
            if speech:
                texts = utterances_of(_cached_transcript(ans.text, ans.rubric))
                where = line_of_utterance(texts, [ln.text for ln in ans.lines])
                spans = detect_spans(texts)
                for f in FEATURES:
                    found = {line_of_span(span, where, texts) for span in spans[f]}
                    for j, ln in enumerate(ans.lines):
                        lines.add(f, int(j in found), int(f in ln.labels), f"[{ans.id}] {ln.text}")
            else:
                texts = utterances_of(Transcript.from_text(ans.text))
                parts = [cleaned_one(ln.text) for ln in ans.lines]  # a line of two sentences is two utterances
                where = [j for j, part in enumerate(parts) for _ in part]
                line_hits = detect_all([t for part in parts for t in part])
                for f in FEATURES:
                    found = {where[i] for i in line_hits[f]}
                    for j, ln in enumerate(ans.lines):
                        lines.add(f, int(j in found), int(f in ln.labels), f"[{ans.id}] {ln.text}")
            hits = detect_all(texts)
            for f in FEATURES:
                counts.add(f, len(hits[f]), ans.count(f), f"[{ans.id}] found {len(hits[f])}, labelled {ans.count(f)}")
    return utt, lines, counts


def line_of_utterance(texts: list[str], lines: list[str]) -> list[int]:
    """For each spoken utterance, the labelled line most of its words came from (aligned on words, in order).

    Speech-to-text splits and joins sentences differently from how the answer was written, so spoken
    answers are compared line by line through this alignment: a line counts as found for a feature when
    an utterance aligned to it has that feature. An utterance with no aligned word takes its predecessor's line.
    """
    out: list[int] = []
    for v in alignment_votes(texts, lines)[0]:
        out.append(max(v, key=v.get) if v else (out[-1] if out else 0))
    return out


def alignment_votes(texts: list[str], lines: list[str]) -> tuple[list[dict[int, int]], list[int]]:
    """For each spoken utterance, how many of its words matched each labelled line (difflib on words, in
    order), and each line's length in words (after the same cleaning)."""
    src: list[str] = []
    src_line: list[int] = []
    sizes: list[int] = []
    for j, text in enumerate(lines):
        words = " ".join(cleaned_one(text)).split()
        src += words
        src_line += [j] * len(words)
        sizes.append(len(words))
    hyp: list[str] = []
    hyp_utt: list[int] = []
    for i, text in enumerate(texts):
        words = text.split()
        hyp += words
        hyp_utt += [i] * len(words)
    votes: list[dict[int, int]] = [{} for _ in texts]
    for a, b, n in difflib.SequenceMatcher(None, src, hyp, autojunk=False).get_matching_blocks():
        for k in range(n):
            v = votes[hyp_utt[b + k]]
            v[src_line[a + k]] = v.get(src_line[a + k], 0) + 1
    return votes, sizes


def cleaned_one(text: str) -> list[str]:
    return utterances_of(Transcript.from_text(text))


def pair_scores(folder: Path, speech: bool, only: tuple[str, ...] = ()) -> list[tuple[str, float, str, float]]:
    """Overall scores of each strong/weak pair the answers files list: (strong id, its score, weak id, its score)."""
    from mockvoice.scoring import score_transcript

    out = []
    for path in (p for p in _files(folder, only) if "answers" in p.name and (not speech or _speech_file(p))):
        answers = {a.id: a for a in load_answers(path)}
        for strong, weak in strong_weak_pairs(path):
            if strong in answers and weak in answers:
                s, w = (score_transcript(_cached_transcript(a.text, a.rubric) if speech else Transcript.from_text(a.text),
                                         a.rubric, question=a.question).overall for a in (answers[strong], answers[weak]))
                out.append((strong, s, weak, w))
    return out


def report_pairs(title: str, pairs: list[tuple[str, float, str, float]]) -> None:
    if pairs:
        print(f"\n{title}: the stronger scored higher in {sum(s > w for _, s, _, w in pairs)} of {len(pairs)}")
        print("  " + ", ".join(f"{a} {s:.0f} vs {b} {w:.0f}" for a, s, b, w in pairs))


def report(title: str, tally: Tally) -> None:
    print(f"\n{title}")
    print(f"  {'feature':20} {'precision':>9} {'recall':>7} {'F1':>6}   tp/fp/fn")
    for f in FEATURES:
        p, r, f1 = tally.f1(f)
        tp, fp, fn = tally.c[f]
        print(f"  {f:20} {p:9.3f} {r:7.3f} {f1:6.3f}   {tp}/{fp}/{fn}")


def _sizes(folder: Path, only: tuple[str, ...] = ()) -> str:
    n_utts = sum(len(load_utterances(p)) for p in _files(folder, only) if "answers" not in p.name)
    answers = [a for p in _files(folder, only) if "answers" in p.name for a in load_answers(p)]
    return f"{n_utts} utterances, {len(answers)} answers ({sum(len(a.lines) for a in answers)} answer lines)"


def _shown(folder: Path) -> str:
    return str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder)


def main() -> None:
    global RULES_ONLY
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--text-only", action="store_true", help="skip the synthesised-speech evaluation")
    ap.add_argument("--errors", action="store_true", help="list every disagreement with the labels")
    ap.add_argument("--set", choices=("own", "heldout", "both"), default="both",
                    help="own: tests/data/labelled (the model's training data); heldout: tests/data/heldout (never trained or tuned on)")
    ap.add_argument("--rules", action="store_true", help="score the rule detectors alone, without the learned check")
    ap.add_argument("--heldout", type=Path, default=HELDOUT, metavar="DIR",
                    help="the held-out folder (default tests/data/heldout); any folder of files in the same format")
    ap.add_argument("--files", default="", metavar="NAME,...",
                    help="only these files, by name without .txt (e.g. batch-b,answers-c)")
    args = ap.parse_args()
    RULES_ONLY = args.rules
    only = tuple(n.strip().removesuffix(".txt") for n in args.files.split(",") if n.strip())
    sets = [("OWN", DATA), ("HELD-OUT", args.heldout.resolve())]
    sets = [s for s in sets if args.set == "both" or s[0].lower().replace("-", "") == args.set]
    shown: list[Tally] = []
    for name, folder in sets:
        print(f"\n=== {name} set ({_shown(folder)}): {_sizes(folder, only)}; detection: {'rules only' if RULES_ONLY else 'rules + learned check'}")
        if name == "OWN" and not RULES_ONLY:
            from mockvoice.learned import load_model

            print(f"    (the model was trained on this set; its cross-validated F1 by file: {load_model().meta.get('cv_f1')})")
        utt, lines, counts = evaluate(folder, speech=False, only=only)
        report(f"{name} TEXT: single utterances", utt)
        report(f"{name} TEXT: answer lines in context", lines)
        report(f"{name} TEXT: answers, per-feature counts", counts)
        shown += [utt, lines, counts]
        report_pairs(f"{name} TEXT: strong/weak answer pairs (overall score)", pair_scores(folder, False, only))
        if not args.text_only:
            t0 = time.perf_counter()
            s_utt, s_lines, s_counts = evaluate(folder, speech=True, only=only)
            print(f"\n({name} speech: espeak-ng rate 150 -> default model, {time.perf_counter() - t0:.0f} s incl. cache)")
            report(f"{name} SPEECH: single utterances", s_utt)
            report(f"{name} SPEECH: answer lines, aligned to the transcript", s_lines)
            report(f"{name} SPEECH: answers, per-feature counts", s_counts)
            report_pairs(f"{name} SPEECH: strong/weak answer pairs (overall score)", pair_scores(folder, True, only))
            shown += [s_utt, s_lines, s_counts]
    if args.errors:
        for t in shown:
            for e in t.errors:
                print("  " + e)


if __name__ == "__main__":
    main()
