"""Made-up live blogs for the view tests: every kind of entry the text view must show."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from syndicate.links import Links
from syndicate.model import Audio, Blog, Entry, Media, Page

LINKS = Links("https://news.example/live")
EVIL = '<script>alert("x")</script>'
LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-spaces" * 4 + "?q=1"

# ~300 characters of ordinary prose, in the shape of a short live update.
PROSE = (
    "Crowds lined both banks of the river well before the first heat, and the organisers said "
    "the water level was safe for racing. Teams from twelve districts took part, each boat with "
    "a drummer keeping time at the bow. Volunteers handed out water along the promenade."
)


def varied_prose(seed: int, length: int = 300) -> str:
    """About `length` characters of prose, different for every seed, so compression sees
    realistic text rather than one paragraph repeated fifty times."""
    words = PROSE.replace(",", "").replace(".", "").lower().split()
    rng = random.Random(seed)
    text = ""
    while len(text) < length - 40:
        sentence = rng.sample(words, k=rng.randint(6, 10))
        text += " ".join(sentence).capitalize() + ". "
    return text.strip()


def entry_id(n: int) -> str:
    """A stable 32-hex id, like the store's."""
    return uuid.UUID(int=n + 1).hex


def make_blog(**changes: object) -> Blog:
    values: dict[str, object] = {
        "slug": "river-festival",
        "title": "River festival: boat race day",
        "uuid": str(uuid.UUID(int=99)),
        "created": datetime(2024, 3, 1, 23, 0, tzinfo=UTC),
        "updated": datetime(2024, 3, 2, 3, 10, tzinfo=UTC),
        "description": "Live coverage of the dragon boat races on the Saigon river.",
        "language": "en-GB",
        "timezone": "Asia/Ho_Chi_Minh",
        "status": "live",
        "background": f"The races began in 1990.\n\nThis year's course is 500 metres long. {EVIL}",
    }
    values.update(changes)
    return Blog(**values)  # type: ignore[arg-type]


def feature_entries() -> list[Entry]:
    """Newest first; crosses local midnight (UTC+7), with every feature somewhere."""
    base = datetime(2024, 3, 2, 1, 30, tzinfo=UTC)  # 08:30 local
    return [
        Entry(
            id=entry_id(1), published=base, updated=base + timedelta(minutes=12),
            headline="Final heat won by the Thu Duc team", html=f"<p>{PROSE}</p>",
            media=(Media(kind="photo", caption="The winning crew lifts the cup", credit="Lan Pham"),),
            key_event=True,
            audio=Audio(status="ready", file="ab12cd34.mp3", bytes=180_000, duration=42.4),
        ),
        Entry(
            id=entry_id(2), published=base - timedelta(minutes=20), updated=base - timedelta(minutes=20),
            headline=f"Second heat {EVIL}", html="<p>Two boats collided at the turn; nobody was hurt.</p>",
            media=(Media(kind="video", caption=f"The collision {EVIL}", credit="Minh Vo",
                         url="https://video.example/clip/1"),),
            audio=Audio(status="pending"),
        ),
        Entry(
            id=entry_id(3), published=base - timedelta(hours=1), updated=base - timedelta(hours=1),
            headline="", html=f'<p>Route details are on <a href="{LONG_URL}">{LONG_URL}</a>.</p>',
            audio=Audio(status="ready", file="ef56.mp3", bytes=1_250_000, duration=65.0),
        ),
        Entry(  # 23:50 local on the day before
            id=entry_id(4), published=base - timedelta(hours=8, minutes=40),
            updated=base - timedelta(hours=8, minutes=40),
            headline="Boats arrive overnight", text="Barges brought the boats upriver.\n\nThey were unloaded by hand.",
            audio=Audio(status="failed", error="engine down"),
        ),
    ]


def typical_entries(count: int = 50) -> list[Entry]:
    """`count` entries of ~300 characters, like a busy page: a third with photos, a quarter key
    events, every other one with a ready clip, some edited."""
    start = datetime(2024, 3, 2, 4, 0, tzinfo=UTC)
    entries = []
    for n in range(count):
        published = start - timedelta(minutes=6 * n)
        entries.append(Entry(
            id=entry_id(100 + n), published=published,
            updated=published + timedelta(minutes=3) if n % 7 == 0 else published,
            headline=f"Heat {count - n}: crews change over at the pontoon",
            html=f"<p>{varied_prose(n)}</p>",
            media=(Media(caption="Crews carry a boat down the slipway", credit="Lan Pham"),) if n % 3 == 0 else (),
            key_event=n % 4 == 0,
            audio=Audio(status="ready", file=f"{uuid.UUID(int=5000 + n).hex}.mp3", bytes=190_000,
                        duration=38.0) if n % 2 == 0 else Audio(status="pending"),
        ))
    return entries


def page_of(entries: list[Entry], number: int = 0, size: int = 50, total: int | None = None) -> Page:
    return Page(number=number, size=size, total=len(entries) if total is None else total)
