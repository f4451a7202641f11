"""Language codes we accept, their English names, and the tags (BCP 47, POSIX, ISO 639-2) that fold onto them."""

from __future__ import annotations

import re

from .errors import UnsupportedLanguage

ENGLISH = "en"

#: ISO 639-1 codes the detectors can return, plus Nordic codes they cannot tell apart but users send.
NAMES: dict[str, str] = {
    "af": "Afrikaans",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fo": "Faroese",
    "fr": "French",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "ja": "Japanese",
    "kn": "Kannada",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mr": "Marathi",
    "nb": "Norwegian Bokmål",
    "ne": "Nepali",
    "nl": "Dutch",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "so": "Somali",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

#: Whole tags that mean a code above: langdetect's Chinese variants, ISO 639-2 for Norwegian.
ALIASES: dict[str, str] = {"zh-cn": "zh", "zh-tw": "zh", "nob": "nb", "nno": "nn", "nor": "no"}

#: A BCP 47 tag or a POSIX locale once folded: language, then subtags (script, region, variants), then an optional
#: POSIX `.codeset` and `@modifier` (`nb_NO.UTF-8`, `sr_RS@latin`). Subtags are only checked for shape.
_TAG = re.compile(r"(?P<language>[a-z]{2,3})(?:-[a-z0-9]{1,8})*(?:\.[a-z0-9-]+)?(?:@[a-z0-9]+)?")


def normalize_code(code: str) -> str:
    """The code we know `code` by: `nb-NO`, `nb_NO.UTF-8`, `NO`, `pt-BR`, `zh-Hant-TW` → `nb`, `nb`, `no`, `pt`, `zh`.

    Case and `_`/`-` do not matter; region, script and variant subtags are dropped because one model serves
    every spelling of a language. Raises `UnsupportedLanguage` for a language we do not know or a malformed tag.
    """
    folded = code.strip().lower().replace("_", "-")
    if folded in ALIASES:
        return ALIASES[folded]
    match = _TAG.fullmatch(folded)
    language = match["language"] if match else ""
    language = ALIASES.get(language, language)
    if language not in NAMES:
        raise UnsupportedLanguage(f"unknown language code {code!r}; see GET /v1/languages")
    return language
