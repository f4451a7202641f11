// The article view: paste or drop an article, send it to POST /v1/articles, show every step's result.

import { align } from "./align.js";
import { postJson } from "./api.js";
import { h, list, percent, section } from "./dom.js";
import { copy, download, dropZone, isHtml } from "./files.js";
import { articleMarkdown } from "./markdown.js";
import { clearError, guarded } from "./notice.js";

const $ = (id) => document.getElementById(id);
const SHOWN_FLAGS = 6; // the rest behind "n more"
const LOOKS_HTML = /<\/?(html|head|body|article|main|p|div|span|h[1-6]|br|section|ul|ol|li|a)\b[^>]*>/i;

export function setUpArticle(config) {
  const styles = $("style");
  styles.replaceChildren(...config.styles.map((s) => h("option", { value: s.name, title: s.description }, s.name)));
  styles.value = config.default_style;
  $("method").value = config.default_method;

  const load = async (file) => {
    $("text").value = await file.text();
    $("format").value = isHtml(file.name, file.type) ? "html" : "text";
    $("file-name").textContent = file.name;
  };
  dropZone($("drop"), load);
  $("file").addEventListener("change", (event) => event.target.files[0] && load(event.target.files[0]));
  $("article-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
}

export function requestBody() {
  const text = $("text").value;
  const chosen = $("format").value;
  const body = {
    text,
    format: chosen === "auto" ? (LOOKS_HTML.test(text) ? "html" : "text") : chosen,
    translate: $("translate").checked,
    summary: { style: $("style").value, method: $("method").value },
  };
  const title = $("title").value.trim();
  const sourceLang = $("source-lang").value.trim();
  if (title) body.title = title;
  if (sourceLang) body.source_lang = sourceLang;
  if ($("desk").checked) body.desk = true;
  return body;
}

async function submit() {
  clearError();
  $("run").disabled = true;
  $("busy").hidden = false;
  try {
    const result = await guarded(() => postJson("/v1/articles", requestBody()));
    if (result) showResult(result);
  } finally {
    $("run").disabled = false;
    $("busy").hidden = true;
  }
}

export function showResult(result) {
  const node = $("result");
  node.replaceChildren(
    toolbar(result),
    summaryCard(result.summary, result.title),
    h("div", { class: "side" }, languageCard(result.language), reviewCard(result)),
    sideBySide(result),
    removedCard(result.cleaning),
    h("div", { class: "side" }, warningsCard(result.warnings), timingsCard(result.timings_ms)),
  );
  node.hidden = false;
}

function toolbar(result) {
  const json = JSON.stringify(result, null, 2) + "\n";
  const markdown = articleMarkdown(result);
  const status = h("span", { class: "muted", id: "copy-state" });
  const copied = (what) => async () => {
    status.textContent = (await copy(what === "json" ? json : markdown)) ? `${what} copied` : "copy failed";
  };
  return h(
    "div",
    { class: "card wide toolbar" },
    result.needs_review ? h("span", { class: "badge review", id: "needs-review" }, "needs review") : h("span", { class: "badge ok" }, "no flags"),
    result.cached ? h("span", { class: "badge" }, "from cache") : null,
    h("button", { type: "button", id: "copy-markdown", onclick: copied("Markdown") }, "Copy Markdown"),
    h("button", { type: "button", id: "download-markdown", onclick: () => download("article.md", markdown, "text/markdown") }, "Download Markdown"),
    h("button", { type: "button", id: "copy-json", onclick: copied("json") }, "Copy JSON"),
    h("button", { type: "button", id: "download-json", onclick: () => download("article.json", json, "application/json") }, "Download JSON"),
    status,
  );
}

function summaryCard(summary, title) {
  if (!summary) return section("Summary", "summary", h("p", { class: "muted" }, "No summary asked for."));
  return section(
    "Summary",
    "summary",
    h("p", { class: "headline", id: "headline" }, summary.headline),
    title ? h("p", { class: "muted" }, "Title: ", title) : null,
    h("p", { id: "summary-text" }, summary.summary),
    summary.key_points.length ? [h("h3", null, "Key points"), list(summary.key_points, (p) => p, { id: "key-points" })] : null,
    h(
      "p",
      { class: "meta muted" },
      `${summary.style} · ${summary.method}${summary.model ? ` · ${summary.model}` : ""} · ${summary.word_count} words`,
    ),
  );
}

function languageCard(language) {
  return section(
    "Language",
    "language",
    h("p", null,
      h("span", { class: "name", id: "language-name" }, `${language.name} (${language.code})`), " ",
      h("meter", { min: 0, max: 1, value: language.confidence }), " ",
      h("span", { id: "language-confidence" }, percent(language.confidence)), " ",
      h("span", { class: "badge" }, language.source),
    ),
    language.candidates.length > 1
      ? list(language.candidates, (c) => `${c.name} (${c.code}) ${percent(c.confidence)}`, { class: "candidates", id: "candidates" })
      : null,
  );
}

function flagItem(flag, where) {
  return [
    h("span", { class: "flag-kind" }, flag.kind),
    `${where} ${flag.sentence + 1}: ${flag.detail}`,
  ];
}

function reviewCard(result) {
  const flags = [
    ...(result.translation?.flags ?? []).map((f) => flagItem(f, "translation, sentence")),
    ...(result.title_flags ?? []).map((f) => flagItem(f, "title, sentence")),
    ...(result.summary?.flags ?? []).map((f) => flagItem(f, "summary, sentence")),
  ];
  return section(
    "Fidelity",
    "flags",
    h("p", { id: "review-state" }, result.needs_review ? "Needs review: a person should check these before publishing." : "No fidelity flags."),
    flags.length ? list(flags.slice(0, SHOWN_FLAGS), (f) => f, { id: "flags" }) : null,
    flags.length > SHOWN_FLAGS
      ? h("details", null, h("summary", null, `${flags.length - SHOWN_FLAGS} more`), list(flags.slice(SHOWN_FLAGS), (f) => f, { id: "more-flags" }))
      : null,
  );
}

function sentenceSpan(text, pair) {
  return h("span", { class: "sentence", dataset: { pair } }, text);
}

function cell(text, pairs, side, row) {
  if (text === null) return h("td", { class: "muted" }, "—");
  if (!pairs) return h("td", null, text);
  return h("td", null, pairs.map((pair, j) => [sentenceSpan(pair[side], `${row}.${j}`), " "]));
}

function sideBySide(result) {
  const translation = result.translation;
  const rows = align(result.cleaning.text, translation ? translation.text : null, result.language.code);
  const sourceHead = `Source (${result.language.name})`;
  const note = translation
    ? `English by ${translation.model} (${translation.engine}). Sentences are paired where a paragraph has as many on both sides; point at one to see its pair.`
    : result.language.code === "en"
      ? "The article is English: nothing to translate."
      : "Translation not asked for (tick Translate).";
  const table = h(
    "table",
    { class: "aligned", id: "aligned" },
    h("thead", null, h("tr", null, h("th", null, "¶"), h("th", null, sourceHead), translation ? h("th", null, "English") : null)),
    h(
      "tbody",
      null,
      rows.map((row, i) =>
        h(
          "tr",
          { class: row.pairs ? "paragraph" : "paragraph unaligned" },
          h("td", { class: "index" }, String(i + 1)),
          cell(row.source, row.pairs, 0, i),
          translation ? cell(row.target, row.pairs, 1, i) : null,
        ),
      ),
    ),
  );
  table.addEventListener("mouseover", (event) => highlight(table, event.target.closest?.(".sentence")));
  table.addEventListener("mouseleave", () => highlight(table, null));
  return section("Side by side", "wide", h("p", { class: "note" }, note), table);
}

function highlight(table, sentence) {
  for (const node of table.querySelectorAll(".sentence.paired")) node.classList.remove("paired");
  if (!sentence) return;
  for (const node of table.querySelectorAll(".sentence")) {
    if (node.dataset.pair === sentence.dataset.pair) node.classList.add("paired");
  }
}

function removedCard(cleaning) {
  const removed = cleaning.removed;
  return section(
    "Removed by cleaning",
    "removed",
    h("p", { class: "muted" }, `${cleaning.chars_in} characters in, ${cleaning.chars_out} out.`),
    removed.length
      ? list(removed, (r) => [h("del", null, r.text), h("span", { class: "rule" }, r.rule), h("span", { class: "muted" }, ` line ${r.line}`)], { id: "removed" })
      : h("p", { class: "muted" }, "Nothing."),
  );
}

function warningsCard(warnings) {
  return section(
    "Warnings",
    "warnings",
    warnings.length ? list(warnings, (w) => w, { id: "warnings" }) : h("p", { class: "muted" }, "None."),
  );
}

function timingsCard(timings) {
  return section(
    "Timings",
    "timings",
    h("table", { id: "timings" }, h("tbody", null, Object.entries(timings).map(([step, ms]) => h("tr", null, h("td", null, step), h("td", null, `${ms.toFixed(1)} ms`))))),
  );
}
