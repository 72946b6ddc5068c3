"""Load the hand-labelled utterances and answers in tests/data/labelled/ (format described in each file's header)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "labelled"
FEATURES = ("clarifying_question", "trade_off", "failure_mode", "scale_estimate", "monitoring")
TAGS = {"cq": "clarifying_question", "to": "trade_off", "fm": "failure_mode", "se": "scale_estimate", "mon": "monitoring"}


@dataclass(frozen=True)
class Line:
    text: str
    labels: frozenset[str]
    section: str = ""
    unknown: frozenset[str] = frozenset()  # features this line is not labelled for either way ("?fm"): clause files only


@dataclass(frozen=True)
class Answer:
    id: str
    rubric: str
    question: str
    note: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """The answer as one spoken text: each line a sentence (question marks kept where written)."""
        return " ".join(ln.text if ln.text[-1:] in ".?!" else ln.text + "." for ln in self.lines)

    def count(self, feature: str) -> int:
        return sum(feature in ln.labels for ln in self.lines)


def _line(raw: str, section: str) -> Line:
    tags, _, text = raw.partition("|")
    names = [t.strip() for t in tags.split(",") if t.strip() not in ("", "-")]
    labels = frozenset(TAGS[t] for t in names if not t.startswith("?"))
    unknown = frozenset(TAGS[t[1:]] for t in names if t.startswith("?"))
    return Line(text.strip(), labels, section, unknown)


def load_utterances(path: Path = DATA / "utterances.txt") -> list[Line]:
    out, section = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            section = raw[3:].strip()
        elif raw.strip() and not raw.startswith("#"):
            out.append(_line(raw, section))
    return out


def load_answers(path: Path = DATA / "answers.txt") -> list[Answer]:
    answers: list[Answer] = []
    head: list[str] | None = None
    lines: list[Line] = []

    def flush() -> None:
        if head is not None:
            answers.append(Answer(head[0], head[1], head[2], head[3] if len(head) > 3 else "", tuple(lines)))

    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            flush()
            head = [p.strip() for p in raw[3:].split("|")]
            lines = []
        elif raw.strip() and not raw.startswith("#"):
            lines.append(_line(raw, head[0] if head else ""))
    flush()
    return answers


def strong_weak_pairs(path: Path) -> list[tuple[str, str]]:
    """The (strong, weak) answer ids a file's header lists ("# strong/weak pairs (...): a/b, c/d"): two answers to
    one question, the first asking scoping questions, weighing options and naming failures, the second not."""
    pairs: list[tuple[str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# strong/weak pairs") and ":" in raw:
            pairs += [tuple(x.strip().split("/", 1)) for x in raw.split(":", 1)[1].split(",") if "/" in x]
    return pairs

