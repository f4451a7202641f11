// Source and translation side by side: paragraphs pair by position (the API keeps the cleaned article's
// paragraph structure in the translation), and sentences too where a paragraph has as many on both sides.

export function paragraphs(text) {
  return (text ?? "").split(/\n[ \t]*\n/).map((p) => p.trim()).filter(Boolean);
}

export function sentences(paragraph, lang) {
  if (typeof Intl.Segmenter === "function") {
    let segmenter;
    try {
      segmenter = new Intl.Segmenter(lang || undefined, { granularity: "sentence" });
    } catch {
      segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
    }
    return [...segmenter.segment(paragraph)].map((s) => s.segment.trim()).filter(Boolean);
  }
  return paragraph.split(/(?<=[.!?…])\s+/).filter(Boolean);
}

// Rows of {source, target, pairs}: `pairs` is [[source sentence, target sentence], ...] when the sentence counts
// agree, else null; `target` is null where there is no translation (English, or not asked for).
export function align(sourceText, targetText, sourceLang) {
  const source = paragraphs(sourceText);
  const target = targetText == null ? null : paragraphs(targetText);
  const rows = [];
  const count = Math.max(source.length, target ? target.length : 0);
  for (let i = 0; i < count; i += 1) {
    const s = source[i] ?? null;
    const t = target ? target[i] ?? null : null;
    let pairs = null;
    if (s !== null && t !== null) {
      const left = sentences(s, sourceLang);
      const right = sentences(t, "en");
      if (left.length === right.length) pairs = left.map((sentence, j) => [sentence, right[j]]);
    }
    rows.push({ source: s, target: t, pairs });
  }
  return rows;
}
