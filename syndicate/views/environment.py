"""The Jinja2 environment of the views, the inlined stylesheet and the Content-Security-Policy.

The environment is our own (not Flask's) so pages render the same in a request, in a worker and
in the static export. The stylesheet is inlined so a page costs one request; a sha256 hash of
its exact text in the CSP lets the browser apply it while every script, image, frame and form
stays forbidden.
"""
from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SPACE = re.compile(r"\s+")
_AROUND_PUNCT = re.compile(r"\s*([{};,>])\s*")


def minify_css(source: str) -> str:
    """Drop comments and layout whitespace. Enough for our own stylesheet (no strings with
    braces or semicolons in it), not a general CSS minifier."""
    text = _COMMENT.sub("", source)
    text = _SPACE.sub(" ", text)
    text = _AROUND_PUNCT.sub(r"\1", text)
    text = re.sub(r"\s*:\s*(?=[^{}]*[;}])", ":", text)  # inside declarations only
    return text.replace(";}", "}").strip()


def _load_css() -> str:
    source = resources.files(__package__).joinpath("static", "text.css").read_text(encoding="utf-8")
    css = minify_css(source)
    if "</" in css:  # would end the <style> element early
        raise ValueError("views: text.css must not contain '</'")
    return css


CSS: str = _load_css()
CSS_HASH: str = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")

# default-src covers scripts, images, media, fonts, frames and connections; the last three
# directives do not fall back to it, so they are named.
CSP: str = (
    f"default-src 'none'; style-src '{CSS_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

ENV = Environment(
    loader=PackageLoader(__package__, "templates"),
    autoescape=True,  # every template here is HTML
    undefined=StrictUndefined,  # a missing value is a bug, not an empty string
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.globals["css"] = Markup(CSS)


def render(template: str, **context: object) -> str:
    """Render one of the package's templates with `context`."""
    return ENV.get_template(template).render(**context)
