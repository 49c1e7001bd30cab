"""Telegram's HTML parse mode, checked the way the Bot API rejects bad entities.

`parse_html` returns the plain text a user would see, or raises HtmlError with Telegram's wording
("Can't parse entities: ..."). Only the tags Telegram supports are accepted; every `<`, `>` and `&` that
is not part of a tag or entity must be escaped.
"""

from __future__ import annotations

import html
import re

SUPPORTED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


class HtmlError(ValueError):
    """Telegram's 400 'Bad Request: can't parse entities: ...'."""


def parse_html(text: str) -> str:
    """The visible text of an HTML-formatted message; raise HtmlError where Telegram would."""
    visible: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(text):
        character = text[position]
        if character == "<":
            match = _TAG.match(text, position)
            if match is None:
                raise HtmlError(f"Unexpected character '<' at byte offset {_offset(text, position)}")
            closing, name = match[1] == "/", match[2].lower()
            if name not in SUPPORTED_TAGS:
                kind = "end" if closing else "start"
                raise HtmlError(f'Unsupported {kind} tag "{name}" at byte offset {_offset(text, position)}')
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise HtmlError(
                        f"Unmatched end tag at byte offset {_offset(text, position)}, expected "
                        f'"</{open_tags[-1] if open_tags else ""}>", found "</{name}>"'
                    )
                open_tags.pop()
            else:
                open_tags.append(name)
            position = match.end()
        elif character == "&":
            match = _ENTITY.match(text, position)
            if match is None:
                raise HtmlError(f"Unsupported HTML entity at byte offset {_offset(text, position)}")
            visible.append(html.unescape(match[0]))
            position = match.end()
        elif character == ">":
            raise HtmlError(f"Unexpected character '>' at byte offset {_offset(text, position)}")
        else:
            visible.append(character)
            position += 1
    if open_tags:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(visible)


def utf16_length(text: str) -> int:
    """Telegram measures message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, position: int) -> int:
    return len(text[:position].encode("utf-8"))
