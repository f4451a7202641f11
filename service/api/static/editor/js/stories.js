// The stories view: GET /v1/stories (newest activity first) and one story's brief, facts, disagreements, members;
// an editor moves a member to another story (POST) or takes it out (DELETE), pinning it there.

import { call, getJson } from "./api.js";
import { add, h, list, when } from "./dom.js";
import { clearError, guarded, showError } from "./notice.js";

const $ = (id) => document.getElementById(id);
let nextAfter = null;
let openId = null;
let listed = []; // the stories the list shows, {id, headline}: where a member can be moved

export function setUpStories() {
  $("stories-refresh").addEventListener("click", () => refreshStories());
  $("stories-more").addEventListener("click", () => refreshStories(nextAfter));
}

export async function refreshStories(after) {
  const query = after ? `?limit=20&after=${encodeURIComponent(after)}` : "?limit=20";
  const page = await guarded(() => getJson(`/v1/stories${query}`));
  if (!page) return;
  const shown = page.data.map((story) => ({ id: story.id, headline: story.headline ?? story.id }));
  listed = after ? listed.concat(shown) : shown;
  const items = page.data.map((story) =>
    h(
      "li",
      null,
      h(
        "button",
        { type: "button", dataset: { storyId: story.id }, "aria-current": story.id === openId ? "true" : "false", onclick: () => openStory(story.id) },
        h("span", { class: "story-headline" }, story.headline ?? "(no headline yet)"),
        h("span", { class: "story-meta" }, `${story.article_count} article${story.article_count === 1 ? "" : "s"} · ${story.outlets.join(", ") || "unknown outlet"} · ${when(story.last_updated)}`),
      ),
    ),
  );
  if (after) $("story-list").append(...items);
  else $("story-list").replaceChildren(...items);
  if (!after && !page.data.length) $("story-list").replaceChildren(h("li", { class: "muted" }, "No stories yet: process articles with “File to the story desk” ticked."));
  nextAfter = page.next_after;
  $("stories-more").hidden = !page.has_more;
}

export async function openStory(id) {
  clearError();
  const story = await guarded(() => getJson(`/v1/stories/${encodeURIComponent(id)}`));
  if (!story) return;
  show(story);
}

function show(story) {
  const id = story.id;
  openId = id;
  for (const button of $("story-list").querySelectorAll("button")) {
    button.setAttribute("aria-current", button.dataset.storyId === id ? "true" : "false");
  }
  renderStory(story);
}

function renderStory(story) {
  const brief = story.brief;
  const node = $("story");
  node.replaceChildren();
  add(node, [
    h("p", { class: "headline", id: "story-headline" }, brief?.headline ?? story.members[0]?.headline ?? story.id),
    h(
      "p",
      { class: "muted" },
      `${story.article_count} articles from ${story.outlets.join(", ") || "unknown outlets"} · first seen ${when(story.first_seen)} · updated ${when(story.last_updated)} · revision ${story.revision}`,
    ),
    brief
      ? [
          h("p", { id: "story-summary" }, brief.summary),
          brief.key_points.length ? [h("h3", null, "Key points"), list(brief.key_points, (p) => p)] : null,
          h("p", { class: "note" }, `${brief.method}${brief.model ? ` · ${brief.model}` : ""}`),
        ]
      : h("p", { class: "muted" }, "No brief yet: no member has a whole sentence."),
    h("h3", null, "Where the outlets disagree"),
    story.disagreements.length
      ? list(story.disagreements, (line) => line, { class: "disagreements", id: "disagreements" })
      : h("p", { class: "muted" }, "No disagreements found."),
    h("h3", null, "Facts"),
    story.facts.length ? factsTable(story.facts) : h("p", { class: "muted" }, "No counted facts found."),
    h("h3", null, "Articles"),
    membersTable(story.id, story.members),
  ]);
  node.hidden = false;
}

function factsTable(facts) {
  return h(
    "table",
    { id: "facts" },
    h("thead", null, h("tr", null, h("th", null, "Subject"), h("th", null, "What they say"), h("th", null, "Claims"))),
    h(
      "tbody",
      null,
      facts.map((fact) =>
        h(
          "tr",
          { class: fact.disagreement ? "disagreement" : null },
          h("td", null, fact.subject, fact.disagreement ? [" ", h("span", { class: "badge review" }, "disagree")] : null),
          h("td", null, fact.line),
          h(
            "td",
            null,
            list(fact.claims, (c) => h("span", { title: c.sentence }, `${c.statement} — ${c.outlet}${c.source ? ` (${c.source})` : ""}`), { class: "claims" }),
          ),
        ),
      ),
    ),
  );
}

function membersTable(storyId, members) {
  return h(
    "table",
    { id: "members" },
    h("thead", null, h("tr", null, h("th", null, "Outlet"), h("th", null, "Language"), h("th", null, "Headline"), h("th", null, "Time"), h("th", null, "Editor"))),
    h(
      "tbody",
      null,
      members.map((m) =>
        h(
          "tr",
          { dataset: { articleId: m.article_id } },
          h("td", null, m.outlet ?? "—", m.pinned ? [" ", h("span", { class: "badge" }, "placed by an editor")] : null),
          h("td", null, m.language),
          h("td", null, m.url ? h("a", { href: m.url, rel: "noopener noreferrer", target: "_blank" }, m.headline ?? m.url) : m.headline ?? "—"),
          h("td", null, when(m.time)),
          h("td", null, memberControls(storyId, m.article_id)),
        ),
      ),
    ),
  );
}

// "Move to…" (a listed story, or a pasted story id) and "Remove from story" for one member.
function memberControls(storyId, articleId) {
  const others = listed.filter((story) => story.id !== storyId);
  const choice = h(
    "select",
    { class: "move-choice", "aria-label": "Move to another story" },
    h("option", { value: "" }, "Move to…"),
    others.map((story) => h("option", { value: story.id }, story.headline)),
  );
  const pasted = h("input", { class: "move-id", type: "text", placeholder: "or paste a story id", "aria-label": "Story id to move to", spellcheck: "false" });
  const move = () => {
    const target = pasted.value.trim() || choice.value;
    if (!target) return showError({ code: "no_story", message: "Choose a story to move this article to, or paste its id." });
    return changeMember(storyId, "POST", target, articleId);
  };
  return h(
    "div",
    { class: "member-edit" },
    choice,
    pasted,
    h("button", { type: "button", class: "move", onclick: move }, "Move"),
    h("button", { type: "button", class: "remove", onclick: () => changeMember(storyId, "DELETE", storyId, articleId) }, "Remove from story"),
  );
}

// One editor's move; then the list and the open story again (the target story when this one was emptied).
async function changeMember(storyId, method, target, articleId) {
  clearError();
  const done = await guarded(() => call(`/v1/stories/${encodeURIComponent(target)}/articles/${encodeURIComponent(articleId)}`, { method }));
  if (!done) return;
  await refreshStories();
  try {
    show(await getJson(`/v1/stories/${encodeURIComponent(storyId)}`));
  } catch (error) {
    if (error.status !== 404) return showError(error);
    if (target !== storyId) return openStory(target);
    openId = null;
    $("story").hidden = true;
    $("story").replaceChildren();
  }
}
