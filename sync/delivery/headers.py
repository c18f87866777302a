"""Thai header values that every mail reader shows intact (RFC 2047 encoded words).

Python's own folding cuts a long Thai value into encoded words at arbitrary characters. RFC 2047
says readers join adjacent encoded words, but in a display name many do not: Python's
`email.policy.default` (and several mail programs) put a space between them, so the sender
"สำนักงานพัฒนาชุมชนจังหวัดเชียงราย" reads "สำนักงานพัฒนาชุ มชนจังหวัดเชียงร าย". Hence, in the
messages this service writes (MEMO_POLICY):

- a non-ASCII display name is one encoded word, however long (an encoded word past RFC 2047's 75
  characters is read by every common reader, and the line stays far below RFC 5322's 998);
- a non-ASCII subject is cut only after its spaces (each space stays inside the word before it,
  so readers that join and readers that do not show the same text), packed into encoded words
  of at most 75 characters where they fit; a longer run without a space stays one word.
"""

from __future__ import annotations

import base64
import re
from email.headerregistry import Address
from email.policy import EmailPolicy

MAX_WORD = 75  # RFC 2047 §2: an encoded word is at most 75 characters where the text allows
_MAX_RUN = 700  # a longer run without a space is cut anyway, to keep the line under 998 characters
_PIECES = re.compile(r"\s*\S+\s*|\s+")


def encoded_word(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode('utf-8')).decode('ascii')}?="


def subject_words(text: str) -> list[str]:
    """The subject as encoded words, cut only after spaces (and inside runs longer than _MAX_RUN)."""
    pieces = []
    for piece in _PIECES.findall(text):
        pieces += [piece[i : i + _MAX_RUN] for i in range(0, len(piece), _MAX_RUN)]
    words: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(encoded_word(current + piece)) > MAX_WORD:
            words.append(current)
            current = piece
        else:
            current += piece
    words.append(current)
    return [encoded_word(w) for w in words if w]


def mailbox(address: Address) -> str:
    """One address as it goes into a header: a non-ASCII display name as one encoded word."""
    name = address.display_name
    if not name or name.isascii():
        return str(address)
    return f"{encoded_word(name)} <{address.addr_spec}>"


class MemoPolicy(EmailPolicy):
    """email.policy.default, except that non-ASCII subjects and display names are encoded as above."""

    def _folded(self, name: str, value) -> str | None:
        if name.lower() == "subject" and not str(value).isascii():
            lines = subject_words(str(value))
        elif hasattr(value, "addresses") and not all(a.display_name.isascii() for a in value.addresses):
            lines = [mailbox(a) for a in value.addresses]
            lines = [line + "," for line in lines[:-1]] + lines[-1:]
        else:
            return None
        return f"{name}: " + (self.linesep + " ").join(lines) + self.linesep

    def fold(self, name, value):
        folded = self._folded(name, value)
        return super().fold(name, value) if folded is None else folded

    def fold_binary(self, name, value):
        folded = self._folded(name, value)
        return super().fold_binary(name, value) if folded is None else folded.encode("ascii")


MEMO_POLICY = MemoPolicy()
