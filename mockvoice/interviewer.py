"""The interview loop: ask -> listen (VAD, patient endpointing, transcribe as it goes) -> score -> probe -> speak -> store.

One `Interviewer` runs one session. Devices and models come in as protocols (Microphone,
Speaker, Transcriber, ProbeWriter). session.json is saved atomically when the session
starts, when each answer starts recording, and after each turn, so a crash or Ctrl-C
leaves a loadable session. The reply to each answer is rendered ahead while the candidate
is still speaking (the probe the answer so far would get), so most turns only pay for
scoring and the first audio block once the candidate stops.
"""

from __future__ import annotations

import concurrent.futures as cf
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .audio import AudioClip, write_wav
from .endpointing import EndpointConfig, StreamingVad
from .errors import MockvoiceError
from .listener import ChunkTranscriber, Heard, TurnListener, merge_chunks
from .microphone import Block, Microphone
from .player import Playback, Speaker, trim_leading_silence
from .probes import ProbeContext, ProbeWriter, RuleProbeWriter, wrap_up_text
from .prompts import Question
from .rubric import Rubric
from .scorecard import Scorecard
from .scoring import score_transcript
from .session import ProbeRecord, Session, Turn, now_iso, save_session
from .speech import synthesize
from .transcriber import Transcriber
from .transcript import Transcript

__all__ = ["PracticeOptions", "Interviewer", "SpeechCache"]

Report = Callable[[str, str], None]


@dataclass(frozen=True)
class PracticeOptions:
    """How one practice session runs."""

    turns: int = 3
    barge_in: bool = False
    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
    source: str = "practice"
    keys: bool = False  # keys are read (a terminal): Enter can end an answer
    echo_tail_s: float = 0.15  # mic audio this long after playback is dropped too (room echo)
    barge_in_s: float = 0.3  # voiced speech this long during playback interrupts it
    reply_budget_s: float = 0.15  # wait this long for the last words' transcript, then reply from what was heard


class SpeechCache:
    """Text -> rendered speech, rendered on a background thread so replies can be ready before they are needed."""

    def __init__(self):
        self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._items: dict[str, cf.Future] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _render(text: str) -> AudioClip:
        clip = synthesize(text)
        return AudioClip(samples=trim_leading_silence(clip.samples), source="tts")

    def prerender(self, text: str) -> None:
        with self._lock:
            if text not in self._items:
                self._items[text] = self._pool.submit(self._render, text)

    def get(self, text: str) -> AudioClip:
        self.prerender(text)
        return self._items[text].result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def split_first_sentence(text: str) -> tuple[str, str]:
    """The first sentence (spoken as soon as it is rendered) and the rest (rendered while it plays)."""
    parts = re.split(r"(?<=[.?!])\s+", text.strip(), maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


class Interviewer:
    """Runs a spoken interview on one question and records it into a session folder."""

    def __init__(self, question: Question, rubric: Rubric, mic: Microphone, speaker: Speaker, transcriber: Transcriber,
                 folder: Path, options: PracticeOptions | None = None, probe_writer: ProbeWriter | None = None,
                 poll_key: Callable[[], str | None] = lambda: None, report: Report = lambda kind, text: None):
        self.q, self.rubric, self.mic, self.speaker, self.transcriber = question, rubric, mic, speaker, transcriber
        self.folder, self.opts = Path(folder), options or PracticeOptions()
        self.writer = probe_writer or RuleProbeWriter()
        self._guesser: ProbeWriter = getattr(self.writer, "speculative", self.writer)  # for guesses while they talk
        self.poll_key, self.report = poll_key, report
        self._pending: str | None = None
        self.tts = SpeechCache()
        self.vad = StreamingVad()
        self.chunk_transcriber = ChunkTranscriber(transcriber)
        self.transcripts: list[Transcript] = []
        self.asked: list[ProbeRecord] = []
        self.skipped: list[str] = []
        self.hotwords = tuple(rubric.vocabulary)
        self.session = Session(
            id=self.folder.name, created_at=now_iso(), source=self.opts.source, status="recording", question_id=question.id,
            question=question.text, rubric=rubric.id, rubric_hash=rubric.content_hash,
            model=getattr(transcriber, "model_name", None),
            settings={**self.opts.endpoint.as_dict(), "turns": self.opts.turns, "barge_in": self.opts.barge_in},
        )

    # --- helpers ------------------------------------------------------------------------------
    def _poll(self) -> str | None:
        key, self._pending = self._pending, None
        return key or self.poll_key()

    def _how_to_answer(self) -> str:
        if self.opts.source == "demo":
            return "the synthesised candidate answers"
        pause = f"a {self.opts.endpoint.silence_s:g} s pause ends your answer"
        return f"speak; Enter or {pause}" if self.opts.keys else f"speak; {pause}"

    def _save(self) -> None:
        save_session(self.folder, self.session)

    def _combined(self, extra: Transcript | None = None) -> Transcript:
        parts = self.transcripts + ([extra] if extra is not None else [])
        chunks, offset = [], 0.0
        for t in parts:
            chunks.append((offset, t))
            offset += t.duration or 0.0
        return merge_chunks(chunks, offset, answers=True)

    def _next_text(self, card: Scorecard, last: bool, writer: ProbeWriter | None = None) -> tuple[str, ProbeRecord | None]:
        if not last:
            ctx = ProbeContext(self.q, card, tuple(self.transcripts), tuple(self.asked), tuple(self.skipped))
            probe = (writer or self.writer).write(ctx)
            if probe is not None:
                return probe.text, probe
        return wrap_up_text(card, self.rubric), None

    def _score(self, transcript: Transcript) -> Scorecard:
        """The interview's scoring: the rubric, and the question asked (feedback specific to it, as rescore gives)."""
        return score_transcript(transcript, self.rubric, question=self.q.text)

    def _prerender_for(self, last: bool) -> Callable[[Transcript], None]:
        def on_partial(so_far: Transcript) -> None:
            try:
                card = self._score(self._combined(so_far))
                for part in split_first_sentence(self._next_text(card, last, self._guesser)[0]):
                    if part:
                        self.tts.prerender(part)  # the likely reply, so it is ready when the answer ends
            except MockvoiceError:
                pass  # a guess failed; the real reply is rendered when needed

        return on_partial

    def _prerender_candidates(self) -> None:
        """Render the first sentence of every reply this question can get, while the question plays."""
        self.tts.prerender(split_first_sentence(wrap_up_text(self._score(Transcript(text=""))))[0])
        for texts in self.q.probes.values():
            for text in texts:
                self.tts.prerender(split_first_sentence(text)[0])

    def _speak(self, clip: AudioClip, interruptible: bool) -> tuple[Playback, list[Block]]:
        """Play a clip and wait for it to finish."""
        return self._await(self.speaker.play(clip), interruptible)

    def _await(self, pb: Playback, interruptible: bool) -> tuple[Playback, list[Block]]:
        """Wait for playback; mic audio meanwhile is dropped, or (barge-in) speech interrupts it."""
        preroll: list[Block] = []
        run = 0.0
        self.vad.reset()
        while not pb.done.is_set():
            key = self._poll()
            if key == "q":
                self.speaker.stop()
                raise _Quit()
            if key in ("enter", "s") and interruptible:
                self.speaker.stop()
                self._pending = "s" if key == "s" else None  # s while a probe plays: skip it once listening
                break
            block = self.mic.read(timeout=0.05)
            if block is None or not self.opts.barge_in:
                continue
            preroll = (preroll + [block])[-24:]
            run = run + block.samples.size / 16000 if self.vad(block.samples[:512]) >= 0.5 else 0.0
            if run >= self.opts.barge_in_s:
                self.speaker.stop()
                self.report("barge_in", "you interrupted; listening")
                return pb, preroll
        if not self.opts.barge_in:
            time.sleep(self.opts.echo_tail_s)
        return pb, []

    # --- the loop -----------------------------------------------------------------------------
    def run(self) -> Session:
        """Run the whole interview; on Ctrl-C, quit or a device error the session is saved as interrupted."""
        self._save()
        listener: TurnListener | None = None
        try:
            self.mic.start()
            prompt, kind = self.q.text, "question"
            clip = self.tts.get(prompt)
            self._prerender_candidates()
            self.report("question", prompt)
            _, preroll = self._speak(clip, interruptible=False)
            for i in range(1, self.opts.turns + 1):
                last = i == self.opts.turns
                write_wav(self.folder / f"prompt-{i:02d}.wav", clip.samples)
                turn = Turn(index=i, prompt=prompt, prompt_kind=kind, prompt_audio=f"prompt-{i:02d}.wav",
                            audio=f"turn-{i:02d}.wav", transcript=Transcript(text=""), status="recording")
                self.session.turns.append(turn)
                self._save()
                if not preroll:  # drop what the mic heard while the interviewer spoke; after a barge-in it is the answer
                    self.mic.resume()
                listener = TurnListener(self.mic, self.chunk_transcriber, self.folder / turn.audio, self.hotwords,
                                        self.opts.endpoint, self._prerender_for(last), self.vad)
                self.report("listening", f"answer {i} of {self.opts.turns}: {self._how_to_answer()}")
                heard = listener.run(self._poll, preroll)
                while heard.key in ("r", "s"):
                    if heard.key == "s" and kind == "probe":
                        card = self._score(self._combined(listener.transcript_so_far()))
                        self.skipped.append(prompt)
                        new_prompt, new_probe = self._next_text(card, last=False)
                        if new_probe is None:
                            self.report("note", "no other probe left; answer this one or press Enter")
                            heard = listener.run(self._poll)
                            continue
                        prompt, clip = new_prompt, self.tts.get(new_prompt)
                        self.asked.append(new_probe)
                        why = f"{new_probe.reason}; the candidate skipped an earlier probe"
                        prev = self.session.turns[-2]
                        gone = (*(prev.probe.skipped if prev.probe else ()), self.skipped[-1])  # kept for replay and report
                        self.session.turns[-2] = prev.model_copy(update={"probe": new_probe.model_copy(update={"reason": why, "skipped": gone})})
                        turn = turn.model_copy(update={"prompt": prompt})
                        self.session.turns[-1] = turn
                        write_wav(self.folder / turn.prompt_audio, clip.samples)
                        self._save()
                        self.report("probe", prompt)
                    elif heard.key == "s":  # nothing to skip while answering the question itself
                        heard = listener.run(self._poll)
                        continue
                    else:
                        self.report("repeat", prompt)
                    self._speak(clip, interruptible=True)
                    self.mic.resume()
                    heard = listener.run(self._poll)
                if heard.key == "q":
                    transcript = listener.finish()
                    listener = None
                    self._finish_turn(turn, transcript, heard, None, None, interrupted=True)
                    if not transcript.is_empty:  # what was said before q is saved, and the card covers it
                        self.transcripts.append(transcript)
                        self.session.scorecard = None
                    raise _Quit()
                listener.close_audio()
                streamed = None if last else self._stream_reply(listener)
                complete = streamed is not None or listener.ready(timeout=self.opts.reply_budget_s)
                so_far = None if complete else listener.transcript_so_far()
                card = self._score(self._combined(so_far if so_far is not None else listener.finish()))
                if streamed is not None:  # already playing, sentence by sentence
                    prompt, probe, pb, clip, last_pb = streamed
                    head, rest = prompt, ""
                else:
                    prompt, probe = self._next_text(card, last)
                    head, rest = split_first_sentence(prompt)
                    pb = self.speaker.play(self.tts.get(head))
                transcript = listener.finish()  # the last words, if still decoding, finish while the reply plays
                listener = None
                heard_done = time.monotonic()
                self.transcripts.append(transcript)
                self.report("heard", transcript.text or "(nothing heard)")
                card = self._score(self._combined())
                if probe is None:  # the wrap-up's score and advice come from the complete answer
                    prompt = wrap_up_text(card, self.rubric)
                    rest = split_first_sentence(prompt)[1]
                clip = self.tts.get(head) if streamed is None else clip
                pb.started.wait(5)
                first = pb  # latency is timed to the reply's first sample, even if the rest starts a new playback
                pb = pb if streamed is None else last_pb
                if rest:
                    tail = self.tts.get(rest)
                    pb = self.speaker.extend(pb, tail)
                    clip = AudioClip(samples=np.concatenate([clip.samples, tail.samples]), source="tts")
                self._finish_turn(turn, transcript, heard, first, probe)
                timings = self.session.turns[-1].timings
                timings["transcribe_tail_ms"] = round((heard_done - heard.declared_at) * 1000, 1)
                timings["reply_from_partial"] = 0.0 if complete else 1.0
                self.session.scorecard = card
                if probe is None:
                    self.session.wrap_up, self.session.wrap_up_audio = prompt, "wrap-up.wav"
                    write_wav(self.folder / "wrap-up.wav", clip.samples)
                self._save()
                self.report("probe" if probe else "wrap_up", prompt)
                if probe is not None:
                    self.asked.append(probe)
                kind = "probe"
                _, preroll = self._await(pb, interruptible=True)
                if probe is None:
                    break
            self.session.status = "complete"
        except (_Quit, KeyboardInterrupt, MockvoiceError) as exc:
            if listener is not None:
                listener.abort()
                if self.session.turns and self.session.turns[-1].status == "recording":
                    self.session.turns[-1] = self.session.turns[-1].model_copy(update={"status": "interrupted"})
            self.session.status = "interrupted"
            if self.transcripts and self.session.scorecard is None:
                self.session.scorecard = self._score(self._combined())
            self._save()
            if not isinstance(exc, _Quit):
                raise
        finally:
            self.tts.close()
            self.speaker.stop()
        self._save()
        return self.session

    def _stream_reply(self, listener: TurnListener) -> tuple[str, ProbeRecord | None, Playback, AudioClip, Playback] | None:
        """With a streaming writer (a language model): the probe from the whole answer, each sentence played as it arrives.

        Returns the reply text, its probe (None: wrap-up), the first and the last playback, and all the audio.
        """
        stream = getattr(self.writer, "stream", None)
        if stream is None:
            return None
        transcripts = (*self.transcripts, listener.finish())
        card = self._score(self._combined(transcripts[-1]))
        reply = stream(ProbeContext(self.q, card, transcripts, tuple(self.asked), tuple(self.skipped)))
        first = pb = None
        clips: list[AudioClip] = []
        for sentence in reply.sentences():
            clips.append(self.tts.get(sentence))
            pb = self.speaker.play(clips[-1]) if pb is None else self.speaker.extend(pb, clips[-1])
            first = first or pb
        probe = reply.record
        if probe is None or first is None:  # nothing left worth asking: wrap up
            prompt, probe, clips = wrap_up_text(card, self.rubric), None, [self.tts.get(wrap_up_text(card, self.rubric))]
            first = pb = self.speaker.play(clips[0])
        else:
            prompt = probe.text
        return prompt, probe, first, AudioClip(samples=np.concatenate([c.samples for c in clips]), source="tts"), pb

    def _finish_turn(self, turn: Turn, transcript: Transcript, heard: Heard, pb: Playback | None,
                     probe: ProbeRecord | None, interrupted: bool = False) -> None:
        timings: dict[str, float | None] = {"answer_s": round(transcript.duration or 0.0, 3)}
        if pb is not None and pb.first_sample_at is not None:
            timings["response_latency_ms"] = round((pb.first_sample_at - heard.declared_at) * 1000, 1)
            timings["voice_to_voice_ms"] = (
                round((pb.first_sample_at - heard.last_voice_at) * 1000, 1) if heard.last_voice_at else None
            )
        card = None
        if not transcript.is_empty:
            asked = self.session.turns[-2].probe if turn.follow_up and len(self.session.turns) > 1 else None
            card = score_transcript(transcript, self.rubric, question=self.q.text, follow_up=turn.follow_up,
                                    probed=asked.feature if asked else None)
        self.session.turns[-1] = turn.model_copy(update={
            "transcript": transcript, "scorecard": card, "probe": probe, "timings": timings,
            "status": "interrupted" if interrupted else "complete", "end_reason": heard.end.reason,
        })


class _Quit(Exception):
    """The candidate pressed q: stop and save."""
