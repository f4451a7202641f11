// A result as Markdown, for pasting into a CMS or a chat: summary first, then what a reviewer needs.

function bullets(items) {
  return items.map((item) => `- ${item}`).join("\n");
}

export function articleMarkdown(result) {
  const out = [];
  const summary = result.summary;
  const language = result.language;
  out.push(`# ${summary?.headline || result.title || "Article"}`, "");
  if (summary) {
    out.push(summary.summary, "");
    if (summary.key_points.length) out.push("## Key points", "", bullets(summary.key_points), "");
    out.push(`*${summary.style}, ${summary.method}${summary.model ? `, ${summary.model}` : ""}*`, "");
  }
  out.push("## Language", "", `${language.name} (${language.code}), confidence ${language.confidence.toFixed(2)}, ${language.source}`, "");
  if (result.needs_review) out.push("**Needs review**: fidelity flags were raised.", "");
  const flags = [...(result.translation?.flags ?? []), ...(result.title_flags ?? []), ...(summary?.flags ?? [])];
  if (flags.length) out.push("## Flags", "", bullets(flags.map((f) => `${f.kind}: ${f.detail}`)), "");
  if (result.translation) out.push(`## English translation (${result.translation.model})`, "", result.translation.text, "");
  if (result.cleaning.removed.length) {
    out.push("## Removed by cleaning", "", bullets(result.cleaning.removed.map((r) => `~~${r.text}~~ (${r.rule}, line ${r.line})`)), "");
  }
  if (result.warnings.length) out.push("## Warnings", "", bullets(result.warnings), "");
  return out.join("\n").trimEnd() + "\n";
}
