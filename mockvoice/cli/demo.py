"""`mockvoice demo`: a whole scripted interview for a machine with no microphone.

A synthesised candidate (espeak-ng) answers through the same listening path a microphone
uses — real-time audio blocks, Silero VAD, patient endpointing, transcription while it
speaks — with real scoring, probes and spoken replies, saved to a session folder.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..endpointing import EndpointConfig
from ..interviewer import PracticeOptions
from ..microphone import ClipMicrophone
from ..prompts import find_question
from ..session import check_recordings
from ..speech import synthesize_parts
from .app import app
from .practice import llm_writer, open_speaker, report, run_interview

DEMO_QUESTION = "url-shortener"
# The candidate's answers: scoping questions and a trade-off with thinking pauses inside, then a
# reply to the probe. espeak-ng adds ~0.4 s of silence around each sentence, so a 0.5 s pause here
# is ~0.9 s of silence and the 2 s one after "let me think" ~2.4 s (held open by the hesitation rule). The first answer leaves failure modes out, so that is what gets probed.
DEMO_ANSWERS: list[list[str | float]] = [
    [
        "Before I design anything, how many new links do we create per day?", 0.4,
        "And what is the read to write ratio, is it mostly redirects?", 0.5,
        "Okay, so, let me think.", 2.0,
        "I would generate short codes from a counter rather than hashing the long URL,",
        "because a counter never collides, but it needs coordination between servers.", 0.4,
        "The mapping goes in a key value store with a cache in front for the hot links.",
    ],
    [
        "If the database is down, redirects for cached links keep working,", 0.3,
        "and the rest fail fast with a timeout and retries with backoff.", 0.4,
        "We would alert on the error rate and the p99 latency of redirects.",
    ],
]


@app.command()
def demo(
    turns: int = typer.Option(2, "--turns", "-n", min=1, max=len(DEMO_ANSWERS), help="How many scripted answers."),
    output_device: str = typer.Option(None, "--output-device", help="Play the interviewer here (default: the default device, if any)."),
    recordings: Path = typer.Option(None, "--recordings", help="Where the session folder goes."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model (default: the bundled tiny.en)."),
    llm_url: str = typer.Option(None, "--llm-url", help="An OpenAI-compatible server (e.g. http://localhost:11434/v1) to write the probes; off by default ($MOCKVOICE_LLM_URL)."),
    llm_model: str = typer.Option(None, "--llm-model", help="The model on that server, e.g. llama3.2 ($MOCKVOICE_LLM_MODEL)."),
) -> None:
    """Watch a scripted interview: a synthetic candidate answers, the interviewer scores and probes."""
    q = find_question(DEMO_QUESTION)
    check_recordings(recordings)
    writer = llm_writer(llm_url, llm_model)
    report("note", "a synthesised candidate answers through the same listening path as a microphone")
    answers = [synthesize_parts(parts) for parts in DEMO_ANSWERS[:turns]]
    options = PracticeOptions(turns=turns, endpoint=EndpointConfig(), source="demo")
    run_interview(q, None, ClipMicrophone(answers), open_speaker(output_device), options, recordings, model,
                  probe_writer=writer)
