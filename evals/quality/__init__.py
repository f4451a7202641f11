"""Translation and summary quality with real weights: FLORES-200 (sacrebleu) and CNN/DailyMail (rouge-score),
each through the whole pipeline and through the model alone, so a loss our text handling causes shows."""
