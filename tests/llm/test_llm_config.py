"""Settings: off by default; flags > environment > config file; bad settings are one line; the key stays hidden."""

from __future__ import annotations

import pytest

from mockvoice.errors import LLMError
from mockvoice.llm.config import LLMConfig, config_path, resolve_config

from .conftest import API_KEY


def test_off_when_no_url_anywhere():
    assert resolve_config() is None
    assert resolve_config(model="llama3.2", api_key=API_KEY) is None


def test_file_then_environment_then_flags(tmp_path, monkeypatch):
    cfg_file = tmp_path / "xdg" / "mockvoice" / "config.toml"
    cfg_file.parent.mkdir(parents=True)
    cfg_file.write_text('[llm]\nurl = "http://localhost:8080/v1"\nmodel = "from-file"\nbudget_s = 1.5\n[other]\nx = 1\n')
    assert config_path() == cfg_file
    cfg = resolve_config()
    assert (cfg.url, cfg.model, cfg.budget_s) == ("http://localhost:8080/v1", "from-file", 1.5)
    monkeypatch.setenv("MOCKVOICE_LLM_MODEL", "from-env")
    monkeypatch.setenv("MOCKVOICE_LLM_API_KEY", API_KEY)
    cfg = resolve_config()
    assert cfg.model == "from-env" and cfg.api_key.get_secret_value() == API_KEY
    cfg = resolve_config(url="http://127.0.0.1:11434/v1", model="llama3.2")
    assert (cfg.url, cfg.model, cfg.budget_s) == ("http://127.0.0.1:11434/v1", "llama3.2", 1.5)


def test_explicit_config_file_must_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKVOICE_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(LLMError, match="no such config file"):
        resolve_config()


@pytest.mark.parametrize(
    "text, match",
    [
        ('[llm]\nurl = "http://x/v1"\nbudjet_s = 2\n', r"llm\.budjet_s: unknown setting"),
        ('[llm]\nurl = "ftp://x/v1"\n', r"llm\.url: .*not an http\(s\) URL"),
        ('[llm]\nurl = "http://x/v1"\nbudget_s = -1\n', r"llm\.budget_s: Input should be greater than 0"),
        ('[llm]\nurl = "http://x/v1"\njson_mode = "grammar"\n', r"llm\.json_mode"),
        ('[llm\nurl = "http://x/v1"\n', r"not valid TOML"),
        ('llm = 3\n', r"must be a table"),
    ],
)
def test_bad_settings_are_one_line(tmp_path, text, match):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(LLMError, match=match) as info:
        resolve_config(file=path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_invalid_key_is_not_echoed(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[llm]\nurl = "http://x/v1"\napi_key = 12345678901\n')
    with pytest.raises(LLMError) as info:
        resolve_config(file=path)
    assert "12345678901" not in str(info.value)


def test_endpoint_host_and_locality():
    assert LLMConfig(url="http://localhost:11434/v1").endpoint == "http://localhost:11434/v1/chat/completions"
    assert LLMConfig(url="http://h:8080/v1/chat/completions/").endpoint == "http://h:8080/v1/chat/completions"
    remote = LLMConfig(url="https://user:pw@api.example.com/v1?x=1", api_key=API_KEY)
    assert remote.host == "https://api.example.com" and not remote.is_loopback
    assert LLMConfig(url="http://127.0.0.1:8080/v1").is_loopback
    assert API_KEY not in repr(remote) and API_KEY not in remote.describe() and "audio is never sent" in remote.describe()
