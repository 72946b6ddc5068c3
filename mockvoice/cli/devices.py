"""`mockvoice devices`: the microphones and speakers PortAudio sees, and how to pick one."""

from __future__ import annotations

from rich.table import Table

from ..devices import list_devices
from .app import app, console


@app.command()
def devices() -> None:
    """List audio input and output devices (numbers for --input-device / --output-device)."""
    found = list_devices()
    table = Table(box=None, header_style="bold")
    for col in ("#", "name", "host API", "in", "out", "rate"):
        table.add_column(col)
    for d in found:
        mark = (" (default in)" if d.is_default_input else "") + (" (default out)" if d.is_default_output else "")
        table.add_row(str(d.index), d.name + mark, d.hostapi, str(d.inputs), str(d.outputs), f"{d.default_samplerate:.0f}")
    if found:
        console.print(table)
    if not any(d.inputs for d in found):
        console.print("No microphone found: plug one in and pick it with `mockvoice practice --input-device N` "
                      "(or try `mockvoice demo`, which needs none).", highlight=False, soft_wrap=True)
    if not any(d.outputs for d in found):
        console.print("No speaker found: practice still works and saves the interviewer's voice to the session; "
                      "pick one with --output-device N.", highlight=False, soft_wrap=True)
