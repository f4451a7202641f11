// The editor page: tabs, the API key (kept in session storage, sent as a Bearer token), and the three views.

import { key } from "./api.js";
import { setUpArticle } from "./article.js";
import { refreshJobs, setUpJobs } from "./jobs.js";
import { clearError } from "./notice.js";
import { refreshStories, setUpStories } from "./stories.js";

const $ = (id) => document.getElementById(id);
const VIEWS = ["article", "jobs", "stories"];
const FALLBACK = {
  auth_required: false,
  styles: ["brief", "standard", "bullets"].map((name) => ({ name, description: "" })),
  default_style: "standard",
  default_method: "abstractive",
};
let config = FALLBACK;

async function loadConfig() {
  try {
    const response = await fetch("/editor/config", { cache: "no-store" });
    if (response.ok) return await response.json();
  } catch {
    // an older server: offer the three shipped styles
  }
  return FALLBACK;
}

function showKeyState() {
  const has = Boolean(key.get());
  $("key-state").textContent = has ? "key set for this tab" : config.auth_required ? "this server needs a key" : "no key needed";
  $("forget-key").hidden = !has;
  $("api-key").classList.toggle("invalid", config.auth_required && !has);
}

function setUpKey() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("api-key").value.trim();
    if (value) key.set(value);
    $("api-key").value = "";
    clearError();
    showKeyState();
    show(currentView());
  });
  $("forget-key").addEventListener("click", () => {
    key.clear();
    showKeyState();
  });
}

function currentView() {
  const name = location.hash.slice(1);
  return VIEWS.includes(name) ? name : "article";
}

function show(name) {
  for (const view of VIEWS) {
    $(`view-${view}`).hidden = view !== name;
    document.querySelector(`.tabs a[data-view="${view}"]`).setAttribute("aria-selected", String(view === name));
  }
  if (!key.get() && config.auth_required) return;
  if (name === "jobs") refreshJobs();
  if (name === "stories") refreshStories();
}

async function start() {
  config = await loadConfig();
  setUpKey();
  setUpArticle(config);
  setUpJobs();
  setUpStories();
  showKeyState();
  window.addEventListener("hashchange", () => show(currentView()));
  show(currentView());
  document.body.dataset.ready = "true";
}

start();
