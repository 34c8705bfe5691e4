"""The app's settings: the knowledge-base settings plus where and for whom the app serves.

>>> AppSettings(kb="/tmp/kb", port=8000).host, AppSettings(kb="/tmp/kb", port=8000).port
('127.0.0.1', 8000)
"""

from __future__ import annotations

from kb.settings import Settings


class AppSettings(Settings):
    """``Settings`` plus the app's own; environment variables use the prefix ``ROADMAP_`` too."""

    host: str = "127.0.0.1"
    """Address the app binds to; anything but loopback requires ``auth``."""

    port: int = 7860
    """Port of the app."""

    auth: str = ""
    """``user:password`` or a path to a file of such lines; required off loopback."""

    profile: str = "default"
    """Name of the learner profile used by the app."""
