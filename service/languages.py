"""Language codes we accept, their English names, and the aliases that fold onto them."""

from __future__ import annotations

from .errors import UnsupportedLanguage

ENGLISH = "en"

#: ISO 639-1 codes langdetect can return, plus Nordic codes it cannot detect but users send.
NAMES: dict[str, str] = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish",
    "fo": "Faroese", "fr": "French", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian",
    "ja": "Japanese", "kn": "Kannada", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "nb": "Norwegian Bokmål",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian",
    "pa": "Punjabi", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "so": "Somali", "sq": "Albanian", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}

#: Spellings that mean a code above (langdetect's Chinese variants, ISO 639-2 for Norwegian).
ALIASES: dict[str, str] = {"zh-cn": "zh", "zh-tw": "zh", "nob": "nb", "nno": "nn", "nor": "no"}


def normalize_code(code: str) -> str:
    """Lower-case, `_`→`-`, and fold aliases; raises for a code we do not know."""
    folded = code.strip().lower().replace("_", "-")
    folded = ALIASES.get(folded, folded)
    if folded not in NAMES:
        raise UnsupportedLanguage(f"unknown language code {code!r}; see GET /v1/languages")
    return folded
