"""Audio devices: list what PortAudio sees and resolve a user's --input-device/--output-device choice."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DeviceError

__all__ = ["Device", "list_devices", "resolve_device", "default_device"]


@dataclass(frozen=True)
class Device:
    """One PortAudio device and how many input and output channels it has."""

    index: int
    name: str
    hostapi: str
    inputs: int
    outputs: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False


def _sd():
    try:
        import sounddevice as sd
    except OSError as exc:  # the PortAudio library itself is missing
        raise DeviceError(f"PortAudio is not available ({exc}); install libportaudio2 (scripts/setup.sh does)") from exc
    return sd


def list_devices() -> list[Device]:
    """Every device PortAudio reports, with the defaults marked."""
    sd = _sd()
    try:
        raw = sd.query_devices()
        apis = sd.query_hostapis()
        din, dout = sd.default.device
    except Exception as exc:
        raise DeviceError(f"cannot query audio devices ({type(exc).__name__}: {exc})") from exc
    return [
        Device(
            index=i, name=d["name"], hostapi=apis[d["hostapi"]]["name"], inputs=d["max_input_channels"],
            outputs=d["max_output_channels"], default_samplerate=d["default_samplerate"],
            is_default_input=(i == din), is_default_output=(i == dout),
        )
        for i, d in enumerate(raw)
    ]


def default_device(kind: str) -> Device | None:
    """The default input or output device, else the first that can do `kind`, else None."""
    devices = list_devices()
    ok = [d for d in devices if (d.inputs if kind == "input" else d.outputs) > 0]
    for d in ok:
        if d.is_default_input if kind == "input" else d.is_default_output:
            return d
    return ok[0] if ok else None


def resolve_device(spec: str | int | None, kind: str) -> Device:
    """A device for `kind` ("input"/"output") from an index, a name fragment, or None for the default."""
    devices = list_devices()
    flag = f"--{kind}-device"
    usable = [d for d in devices if (d.inputs if kind == "input" else d.outputs) > 0]
    if spec is None or spec == "":
        found = default_device(kind)
        if found is None:
            what = "microphone" if kind == "input" else "speaker or headphones"
            raise DeviceError(
                f"no {what} found; plug one in, or pick one with {flag} (run `mockvoice devices` to list them)"
                + ("; `mockvoice demo` runs a whole interview without one" if kind == "input" else "")
            )
        return found
    text = str(spec)
    if text.isdigit():
        for d in usable:
            if d.index == int(text):
                return d
        raise DeviceError(f"{flag} {text}: no {kind} device with that number; run `mockvoice devices` to list them")
    matches = [d for d in usable if text.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DeviceError(f"{flag} {text!r}: no {kind} device by that name; run `mockvoice devices` to list them")
    raise DeviceError(f"{flag} {text!r} matches {len(matches)} devices ({', '.join(d.name for d in matches[:4])}); use its number")
