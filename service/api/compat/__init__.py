"""Drop-in APIs of other translation services (LibreTranslate 1.9, DeepL v2) over our pipeline, keys and limits."""
