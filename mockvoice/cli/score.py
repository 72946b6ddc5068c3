"""`mockvoice score PATH`: score a recording or a .txt transcript against a rubric."""

from __future__ import annotations

from pathlib import Path

import typer

from ..api import read_transcript_file, transcribe_for_rubric
from ..audio import load_audio
from ..importer import TEXT_SUFFIXES, resolve_question
from ..render import render_scorecard
from ..rubric import load_rubric
from ..scorecard import Scorecard
from ..scoring import score_transcript
from ..transcript import Transcript
from .app import app, console, err_console, tagged, warn



@app.command()
def score(
    path: Path = typer.Argument(..., help="An audio recording, or a .txt transcript."),
    question: str = typer.Option(None, "--question", "-q", help="The question id it answers (see `mockvoice questions`): feedback specific to it, and its rubric."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="A bundled rubric (system-design, debugging, behavioral) or a rubric file (default: the question's)."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model for audio: tiny.en (bundled), a name, or a folder."),
    speaker: str = typer.Option(None, "--speaker", help="Captions (.vtt/.srt) that name speakers: whose words to score "
                                "(any case; a unique start of the name is enough). Default: the one who is not an interviewer."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorecard as JSON."),
    llm_url: str = typer.Option(None, "--llm-url", help="An OpenAI-compatible server (e.g. http://localhost:11434/v1) for narrative feedback; off by default ($MOCKVOICE_LLM_URL)."),
    llm_model: str = typer.Option(None, "--llm-model", help="The model on that server, e.g. llama3.2 ($MOCKVOICE_LLM_MODEL)."),
) -> None:
    """Score an answer: clarifying questions, trade-offs, failure modes, scale, monitoring, delivery."""
    from ..llm import resolve_config

    ref = resolve_question(question)  # an unknown id is one PromptError line before any work
    rb = load_rubric(rubric or ref.rubric)
    config = resolve_config(llm_url, llm_model)  # a bad URL or config file is one line before any work
    if path.suffix.lower() in TEXT_SUFFIXES:
        transcript = read_transcript_file(path, speaker, warn=warn)
    else:
        transcript = transcribe_for_rubric(load_audio(path, warn=warn), rb, model)
    card = score_transcript(transcript, rb, question=ref.text or None)
    if as_json:
        console.print_json(card.model_dump_json())
    else:
        render_scorecard(card, console, title=" · ".join(filter(None, (path.name, ref.id, rb.name))))
        if config is not None:
            print_narrative(card, transcript, config, ref.text)


def print_narrative(card: Scorecard, transcript: Transcript, config, question: str = "") -> None:
    """Narrative feedback from the configured language model (nothing is sent anywhere without one)."""
    from ..llm import ChatClient

    err_console.print(config.describe(), style="dim", highlight=False)
    with ChatClient(config) as client:
        narrate(card, transcript.text, client, question)


def narrate(card: Scorecard, answer: str, client, question: str = "") -> None:
    """Print the model's narrative feedback on a scorecard, or one line saying why there is none."""
    from ..llm import write_feedback

    n = write_feedback(client, card, answer, question)
    if n.source == "llm":
        who = client.config.model or "model"
        console.print(tagged("Feedback", "bold", f"({who}): {n.text}"), highlight=False, soft_wrap=True)
        console.print(tagged("Practise next:", "bold", n.priority), highlight=False, soft_wrap=True)
    else:
        err_console.print(f"No narrative feedback ({n.reason}); the scorecard above stands.", style="yellow",
                          highlight=False, soft_wrap=True)
