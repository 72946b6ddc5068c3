"""`mockvoice practice`: a spoken mock interview at the microphone, recorded to a session folder."""

from __future__ import annotations

import signal
from dataclasses import replace
from pathlib import Path

import typer

from ..devices import resolve_device
from ..endpointing import EndpointConfig
from ..errors import DeviceError
from ..interviewer import Interviewer, PracticeOptions
from ..keys import KeyReader
from ..microphone import Microphone
from ..player import NullSpeaker, SoundDeviceSpeaker, Speaker
from ..prompts import Question, find_question, pick_question
from ..render import render_scorecard
from ..rubric import load_rubric
from ..session import Session, new_session_dir
from ..transcriber import get_transcriber
from .app import app, console, err_console, tagged

_STYLE = {"question": "bold cyan", "probe": "bold cyan", "wrap_up": "bold cyan", "heard": "dim", "listening": "green",
          "repeat": "cyan", "barge_in": "yellow", "note": "yellow"}
_LABEL = {"question": "Interviewer", "probe": "Interviewer", "wrap_up": "Interviewer", "repeat": "Interviewer (again)",
          "heard": "You said", "listening": "…", "barge_in": "…", "note": "note"}


def report(kind: str, text: str) -> None:
    """Print one line of the conversation as it happens."""
    console.print(tagged(f"{_LABEL.get(kind, kind)}:", _STYLE.get(kind, ""), text), highlight=False, soft_wrap=True)


def open_speaker(spec: str | None) -> Speaker:
    """The chosen (or default) output device; with none at all, a silent speaker and a note."""
    try:
        device = resolve_device(spec, "output")
    except DeviceError:
        if spec:
            raise
        report("note", "no speaker found: the interviewer's voice is saved to the session instead of played")
        return NullSpeaker()
    return SoundDeviceSpeaker(device.index)


def llm_writer(llm_url: str | None, llm_model: str | None):
    """The language-model probe writer when a server is configured (flag, $MOCKVOICE_LLM_*, config file), else None."""
    from ..llm import ChatClient, LLMProbeWriter, resolve_config

    config = resolve_config(llm_url, llm_model)
    if config is None:
        return None
    report("note", config.describe() + f"; past {config.budget_s:g} s the rule-based probe answers")
    return LLMProbeWriter(ChatClient(config))


def run_interview(q: Question, rubric: str | None, mic: Microphone, speaker: Speaker, options: PracticeOptions,
                  recordings: Path | None, model: str | None, poll_key=lambda: None, probe_writer=None) -> Session:
    """Shared by practice and demo: run the loop, print the scorecard, say where the session is."""
    rb = load_rubric(rubric or q.rubric)
    transcriber = get_transcriber(model)
    folder = new_session_dir(recordings, q.id)
    console.print(tagged(q.id, "bold", f"· rubric {rb.id} · {options.turns} answer(s) · session {folder}"), highlight=False)
    # Ctrl-C and `kill` both stop the interview and save it, even when the parent left SIGINT ignored
    # (a background job of a non-interactive shell starts with SIGINT ignored, and Python keeps that).
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    interviewer = Interviewer(q, rb, mic, speaker, transcriber, folder, options, probe_writer=probe_writer,
                              poll_key=poll_key, report=report)
    try:
        session = interviewer.run()
    except KeyboardInterrupt:
        err_console.print(f"Interrupted: the session so far is saved in {folder}")
        raise typer.Exit(130)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        mic.close()
        speaker.close()
    if session.scorecard is not None:
        render_scorecard(session.scorecard, console, title=f"{q.id} · {rb.name}")
        if getattr(probe_writer, "client", None) is not None:  # a language model is configured: narrative feedback too
            from .score import narrate

            answers = " ".join(t.transcript.text for t in session.turns)
            narrate(session.scorecard, answers, probe_writer.client, q.text)
    console.print(f"Session saved in {folder} ({session.status})", highlight=False)
    return session


@app.command()
def practice(
    question: str = typer.Option(None, "--question", "-q", help="A question id (see `mockvoice questions`)."),
    topic: str = typer.Option(None, "--topic", "-t", help="Pick a random question from: system-design, debugging, architecture-review, behavioral."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="Score with this rubric instead of the question's own."),
    turns: int = typer.Option(3, "--turns", "-n", min=1, max=20, help="How many answers (the question, then probes)."),
    input_device: str = typer.Option(None, "--input-device", help="Microphone: a number or name from `mockvoice devices`."),
    output_device: str = typer.Option(None, "--output-device", help="Speaker or headphones: a number or name."),
    recordings: Path = typer.Option(None, "--recordings", help="Where session folders go (default $MOCKVOICE_RECORDINGS or ./recordings)."),
    barge_in: bool = typer.Option(False, "--barge-in", help="With headphones: speak over the interviewer to interrupt it."),
    silence: float = typer.Option(1.2, "--silence", min=0.3, help="Seconds of silence that end an answer."),
    max_answer: float = typer.Option(180.0, "--max-answer", min=5, help="Longest answer, in seconds."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model (default: the bundled tiny.en)."),
    llm_url: str = typer.Option(None, "--llm-url", help="An OpenAI-compatible server (e.g. http://localhost:11434/v1) to write the probes; off by default ($MOCKVOICE_LLM_URL)."),
    llm_model: str = typer.Option(None, "--llm-model", help="The model on that server, e.g. llama3.2 ($MOCKVOICE_LLM_MODEL)."),
) -> None:
    """Practise out loud: hear a question, answer, get probed on what you missed, then a scorecard.

    Keys: Enter ends your answer, r repeats the question, s skips a probe, q quits and saves.
    """
    from ..microphone import SoundDeviceMicrophone

    q = find_question(question) if question else pick_question(topic)
    mic_device = resolve_device(input_device, "input")
    speaker = open_speaker(output_device)
    endpoint = EndpointConfig(silence_s=silence, hesitant_silence_s=max(3.0, silence * 2), max_answer_s=max_answer)
    options = PracticeOptions(turns=turns, barge_in=barge_in, endpoint=endpoint)
    with KeyReader() as keys:
        if keys.active:  # stdin is a terminal; otherwise a pause ends each answer and Ctrl-C quits and saves
            console.print("Keys: Enter ends your answer · r repeats · s skips a probe · q quits and saves", style="dim")
        options = replace(options, keys=keys.active)
        run_interview(q, rubric, SoundDeviceMicrophone(mic_device.index), speaker, options, recordings, model, keys.poll,
                      probe_writer=llm_writer(llm_url, llm_model))
