"""The bundled demo blog: a fictional storm coming ashore, in the plain-text shape.

Its clock times are local to Europe/London (GMT in November); the entries run from 20:50 on
14 November 2024 to 01:40 the next morning, so the page crosses midnight.
"""
from pathlib import Path

DEMO_FILE = Path(__file__).with_name("demo-liveblog.txt")
DEMO_SLUG = "demo"
DEMO_TIMEZONE = "Europe/London"
DEMO_LANGUAGE = "en-GB"
