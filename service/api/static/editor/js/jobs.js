// The jobs view: upload JSONL to POST /v1/jobs, watch a job live, list jobs, download their results.

import { call, getJson, postJson } from "./api.js";
import { h, when } from "./dom.js";
import { download, dropZone } from "./files.js";
import { clearError, guarded } from "./notice.js";

const $ = (id) => document.getElementById(id);
const ENDED = new Set(["completed", "failed", "cancelled"]);
const POLL_MS = 600;
let chosen = null; // the JSONL file to upload
let watching = 0; // the id of the current watch: a newer one stops the older
let nextAfter = null;

export function setUpJobs() {
  const choose = (file) => {
    chosen = file;
    $("job-file-name").textContent = file.name;
    $("job-upload").disabled = false;
  };
  dropZone($("job-drop"), choose);
  $("job-file").addEventListener("change", (event) => event.target.files[0] && choose(event.target.files[0]));
  $("job-form").addEventListener("submit", (event) => {
    event.preventDefault();
    upload();
  });
  $("jobs-refresh").addEventListener("click", () => refreshJobs());
  $("jobs-more").addEventListener("click", () => refreshJobs(nextAfter));
}

async function upload() {
  if (!chosen) return;
  clearError();
  $("job-upload").disabled = true;
  const query = $("job-desk").checked ? "?desk=true" : "";
  const body = await chosen.arrayBuffer();
  const job = await guarded(async () =>
    (await call(`/v1/jobs${query}`, { method: "POST", body, contentType: "application/jsonl" })).json(),
  );
  $("job-upload").disabled = false;
  if (job) {
    watch(job);
    refreshJobs();
  }
}

function done(counts) {
  return counts.completed + counts.failed + counts.cancelled;
}

// Poll the job until it ends, showing its progress; a newer watch ends this one.
export async function watch(job) {
  const id = ++watching;
  for (;;) {
    renderWatch(job);
    if (ENDED.has(job.state)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (id !== watching) return;
    const fresh = await guarded(() => getJson(`/v1/jobs/${encodeURIComponent(job.id)}`));
    if (!fresh || id !== watching) return;
    job = fresh;
  }
  refreshJobs();
}

function renderWatch(job) {
  const node = $("job-watch");
  const { counts } = job;
  node.replaceChildren(
    h(
      "div",
      { class: "card", id: "job-progress", dataset: { jobId: job.id, state: job.state } },
      h("h2", null, "Job ", h("code", null, job.id), " ", h("span", { class: `badge state-${job.state}`, id: "job-state" }, job.state)),
      h("progress", { max: counts.total || 1, value: done(counts) }),
      h(
        "div",
        { class: "counts" },
        h("span", { id: "job-done" }, `${done(counts)} of ${counts.total} done`),
        h("span", null, `${counts.completed} completed`),
        h("span", null, `${counts.failed} failed`),
        counts.cancelled ? h("span", null, `${counts.cancelled} cancelled`) : null,
        h("span", null, `${counts.pending} pending`),
        job.eta_seconds != null ? h("span", null, `about ${Math.ceil(job.eta_seconds)} s left`) : null,
      ),
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "button", id: "job-results", onclick: () => results(job.id) }, ENDED.has(job.state) ? "Download results" : "Download results so far"),
        ENDED.has(job.state) ? null : h("button", { type: "button", onclick: () => cancel(job.id) }, "Cancel"),
      ),
      h("div", { class: "results-preview", id: "results-preview" }),
    ),
  );
  node.hidden = false;
}

async function cancel(id) {
  clearError();
  const job = await guarded(() => postJson(`/v1/jobs/${encodeURIComponent(id)}/cancel`, undefined));
  if (job) watch(job);
}

// GET /v1/jobs/{id}/results: saved as `<id>.jsonl`, and listed under the job when it is the one watched.
export async function results(id) {
  clearError();
  const text = await guarded(async () => (await call(`/v1/jobs/${encodeURIComponent(id)}/results`)).text());
  if (text === undefined) return;
  download(`${id}.jsonl`, text, "application/jsonl");
  const preview = $("results-preview");
  if (preview && $("job-progress")?.dataset.jobId === id) preview.replaceChildren(resultsTable(text));
}

function resultsTable(text) {
  const lines = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  return h(
    "table",
    { class: "list" },
    h("thead", null, h("tr", null, h("th", null, "custom_id"), h("th", null, "Language"), h("th", null, "Headline or error"))),
    h(
      "tbody",
      null,
      lines.map((line) =>
        line.type === "result"
          ? h("tr", null, h("td", null, line.custom_id), h("td", null, line.result.language.code), h("td", null, line.result.summary?.headline ?? ""))
          : h("tr", null, h("td", null, line.custom_id), h("td", null, "—"), h("td", null, `${line.error.code}: ${line.error.message}`)),
      ),
    ),
  );
}

// GET /v1/jobs, newest first; `after` appends the next page.
export async function refreshJobs(after) {
  const query = after ? `?limit=20&after=${encodeURIComponent(after)}` : "?limit=20";
  const page = await guarded(() => getJson(`/v1/jobs${query}`));
  if (!page) return;
  const body = $("job-list").tBodies[0];
  const rows = page.data.map((job) =>
    h(
      "tr",
      { dataset: { jobId: job.id } },
      h("td", null, h("code", null, job.id)),
      h("td", null, h("span", { class: `badge state-${job.state}` }, job.state)),
      h("td", null, `${done(job.counts)} / ${job.counts.total}`),
      h("td", null, when(job.created_at)),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", onclick: () => watch(job) }, "Watch"),
        " ",
        h("button", { type: "button", onclick: () => results(job.id) }, "Results"),
      ),
    ),
  );
  if (after) body.append(...rows);
  else body.replaceChildren(...rows);
  nextAfter = page.next_after;
  $("jobs-more").hidden = !page.has_more;
}
