"""Language-model settings: flags, then $MOCKVOICE_LLM_*, then the `[llm]` table of the config file; off when no URL.

    # ~/.config/mockvoice/config.toml   (or the file named by $MOCKVOICE_CONFIG)
    [llm]
    url = "http://localhost:11434/v1"     # an OpenAI-compatible server; nothing is sent anywhere without it
    model = "llama3.2"
    api_key = "..."                       # sent only as `Authorization: Bearer`; never stored or logged
    budget_s = 2.0                        # a probe's first sentence must arrive within this, else rules answer
    feedback_budget_s = 20.0              # the whole narrative feedback for `score`
    json_mode = "schema"                  # "schema" | "object" | "off": how structured JSON is requested
    max_failures = 3                      # after this many failed replies in a row, stop asking (0: never stop)
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal, Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from ..errors import LLMError

__all__ = ["LLMConfig", "resolve_config", "config_path", "ENV_URL", "ENV_MODEL", "ENV_KEY", "ENV_CONFIG"]

ENV_URL = "MOCKVOICE_LLM_URL"
ENV_MODEL = "MOCKVOICE_LLM_MODEL"
ENV_KEY = "MOCKVOICE_LLM_API_KEY"
ENV_CONFIG = "MOCKVOICE_CONFIG"

_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


class LLMConfig(BaseModel):
    """Where the model server is and how long to wait for it; `repr` never shows the API key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(min_length=1)
    model: str | None = None
    api_key: SecretStr | None = None
    budget_s: float = Field(default=2.0, gt=0, le=120)
    feedback_budget_s: float = Field(default=20.0, gt=0, le=600)
    json_mode: Literal["schema", "object", "off"] = "schema"
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_tokens: int = Field(default=300, ge=16, le=8192)
    stream: bool = True
    max_failures: int = Field(default=3, ge=0, le=1000)  # failed replies in a row before the model is left out; 0 = never
    prompts: Path | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL; use e.g. http://localhost:11434/v1")
        return url.strip()

    @property
    def endpoint(self) -> str:
        """The chat-completions URL: `…/v1` gets `/chat/completions` appended; a full endpoint is kept."""
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"

    @property
    def host(self) -> str:
        """`scheme://host:port` only: safe to show (no user info, path or query)."""
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
        return f"{parts.scheme}://{host}{port}"

    @property
    def is_loopback(self) -> bool:
        """True when the server is on this machine (nothing leaves it)."""
        return (urlsplit(self.url).hostname or "") in _LOOPBACK

    def describe(self) -> str:
        """One line for the user: where text goes and that audio never does."""
        where = "this machine" if self.is_loopback else self.host
        model = f" model {self.model}" if self.model else ""
        return f"language model at {self.host}{model}: question, transcript text and scores go to {where}; audio is never sent"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """$MOCKVOICE_CONFIG, else $XDG_CONFIG_HOME/mockvoice/config.toml, else ~/.config/mockvoice/config.toml."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "mockvoice" / "config.toml"


def _read_file(path: Path, explicit: bool) -> dict:
    if not path.is_file():
        if explicit:
            raise LLMError(f"{path}: no such config file; fix ${ENV_CONFIG} or create the file")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LLMError(f"{path}: cannot read the config file ({type(exc).__name__}); check its permissions") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LLMError(f"{path}: not valid TOML ({' '.join(str(exc).split())})") from exc
    section = data.get("llm", {})
    if not isinstance(section, dict):
        raise LLMError(f"{path}: `llm` must be a table ([llm]), found {type(section).__name__}")
    return dict(section)


def resolve_config(
    url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    budget_s: float | None = None,
    env: Mapping[str, str] | None = None,
    file: str | os.PathLike | None = None,
) -> LLMConfig | None:
    """The effective settings (flags > environment > config file), or None when no URL is set anywhere."""
    env = os.environ if env is None else env
    path = Path(file).expanduser() if file else config_path(env)
    values = _read_file(path, explicit=bool(file or env.get(ENV_CONFIG)))
    source = str(path)
    for key, env_name in (("url", ENV_URL), ("model", ENV_MODEL), ("api_key", ENV_KEY)):
        if env.get(env_name):
            values[key] = env[env_name]
            source = f"${env_name}" if key == "url" else source
    for key, flag in (("url", url), ("model", model), ("api_key", api_key), ("budget_s", budget_s)):
        if flag not in (None, ""):
            values[key] = flag
            source = "--llm-url" if key == "url" else source
    if not values.get("url"):
        return None
    try:
        return LLMConfig.model_validate(values)
    except ValidationError as exc:
        # Never echo the offending input: it may be the API key.
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "llm"
        msg = "unknown setting (check its spelling)" if err.get("type") == "extra_forbidden" else err.get("msg", "invalid")
        if loc == "api_key":
            msg = "must be a string"
        raise LLMError(f"{source}: llm.{loc}: {msg}") from None

