"""Build real sessions for replay/report tests: espeak-ng speech, tiny.en transcripts, real scoring."""

from __future__ import annotations

import shutil
from pathlib import Path

from mockvoice.api import transcribe_for_rubric
from mockvoice.scoring import score_transcript
from mockvoice.session import ProbeRecord, Session, Turn, save_session
from mockvoice.transcript import Transcript

from support import speak

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

QUESTION = "Design a URL shortener like bit.ly."
PROBE = "How would you know it is healthy in production?"
# Turn 1: two clarifying questions, a long (3.5 s) pause, a trade-off and a failure mode; no monitoring.
ANSWER_1 = [
    "How many users do we expect per day?", 0.6,
    "Do we need custom aliases?", 3.5,
    "Redis is faster than a database lookup, but the trade-off is that it costs memory.", 0.6,
    "If the cache goes down, we fall back to the database.",
]
# Turn 2: monitoring and a scale estimate.
ANSWER_2 = [
    "I would add dashboards for p99 latency and error rate, with an alert against the SLO.", 0.7,
    "One hundred million writes a day is roughly twelve hundred writes per second.",
]

_TRANSCRIPTS: dict[str, Transcript] = {}


def transcribed(parts: list) -> tuple[Path, Transcript]:
    """Synthesised WAV (cached on disk) and its real tiny.en transcript (cached for the test run)."""
    wav = speak(parts)
    if str(wav) not in _TRANSCRIPTS:
        _TRANSCRIPTS[str(wav)] = transcribe_for_rubric(wav, "system-design")
    return wav, _TRANSCRIPTS[str(wav)]


def build_session(folder: Path, answers: list[list], prompts: list[str], sid: str, created_at: str,
                  question: str = QUESTION, transform=None) -> Path:
    """Write a complete session folder: answer WAVs, transcripts, scorecards and probes, via save_session."""
    folder.mkdir(parents=True, exist_ok=True)
    turns = []
    for i, (parts, prompt) in enumerate(zip(answers, prompts), start=1):
        wav, transcript = transcribed(parts)
        if transform is not None:
            transcript = transform(transcript)
        shutil.copyfile(wav, folder / f"turn-{i:02d}.wav")
        asked = turns[-1].probe if turns else None  # scored as the interviewer scores a reply to its probe
        card = score_transcript(transcript, "system-design", follow_up=i > 1, probed=asked.feature if asked else None)
        missing = card.missing()
        probe = None
        if i < len(answers):
            probe = ProbeRecord(text=prompts[i], feature=missing[0] if missing else None, reason="monitoring missing")
        turns.append(Turn(index=i, prompt=prompt, prompt_kind="question" if i == 1 else "probe",
                          audio=f"turn-{i:02d}.wav", transcript=transcript, scorecard=card, probe=probe))
    session = Session(id=sid, created_at=created_at, source="practice", status="complete", question=question,
                      rubric="system-design", turns=turns, wrap_up="Work on monitoring next.")
    save_session(folder, session)
    return folder
