// The one error banner: an API error's code and message, readable, and what to do about a missing key.

import { h } from "./dom.js";

const banner = () => document.getElementById("error");

export function showError(error) {
  const node = banner();
  const code = error.code ?? "error";
  const status = error.status ? ` (HTTP ${error.status})` : "";
  const hint = error.status === 401 ? " Enter a valid API key at the top of the page." : "";
  node.replaceChildren(h("span", { class: "code" }, code + status), error.message ?? String(error), hint);
  node.hidden = false;
  if (error.status === 401) {
    const input = document.getElementById("api-key");
    input.classList.add("invalid");
    input.focus();
  }
}

export function clearError() {
  banner().hidden = true;
  banner().replaceChildren();
}

// Run an async action, showing its failure in the banner; returns its result or undefined.
export async function guarded(action) {
  try {
    const result = await action();
    return result;
  } catch (error) {
    showError(error);
    return undefined;
  }
}
