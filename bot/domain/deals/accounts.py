"""Customer accounts as the conflict check compares them: a name key and a web domain.

"ACME, Inc.", "Acme Inc" and "the acme corporation" are one account; so are "acme.com",
"https://www.ACME.com/about" and "sales@acme.com". The key is a matching form, never shown.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.text import match_key

MAX_KEY = 200  # the account_key column

# Legal forms left off the end of a name ("Acme GmbH" ~ "Acme"), compared without dots.
LEGAL_FORMS = frozenset(
    """
    inc incorporated corp corporation co company llc llp lp ltd limited plc pte pty
    gmbh ag kg ohg ug sa sas sarl srl spa bv nv ab as asa oy oyj aps kk
    """.split()  # noqa: SIM905 - a word list reads better as a block
)
_NOT_WORD = re.compile(r"[^\w]+")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def account_key(name: str) -> str:
    """The form account names are matched in: case, accents, punctuation, spacing, a leading
    "the", "&"/"and" and trailing legal forms (Inc., GmbH, Ltd ...) don't count."""
    text = unicodedata.normalize("NFKD", match_key(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ")
    words = [w for w in _NOT_WORD.sub(" ", text.replace(".", "")).split() if w != "_"]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(w for w in words if w != "and" or len(words) == 1)[:MAX_KEY]


def clean_domain(text: str | None) -> str | None:
    """The account's web domain, lowercased, without scheme, "www.", path, port or a
    mailbox in front ("sales@acme.com"); None when ``text`` is empty or no domain.

    Names in other scripts are kept in their ASCII (IDNA) form, so "bücher.de" and
    "xn--bcher-kva.de" are one domain.
    """
    value = match_key(text or "").strip()
    if not value:
        return None
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    value = value.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    if value.startswith("www."):
        value = value[4:]
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = value.split(".")
    if len(labels) < 2 or len(value) > 200 or not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():  # an IP address is not an account's domain
        return None
    return value
