// The API, as the page calls it: the key from session storage as a Bearer token, errors as ApiError.

const KEY = "wirebrief.key";

export const key = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// `fetch` with the key; a non-2xx answer becomes an ApiError read from `{"error": {"code", "message"}}`.
export async function call(path, { method = "GET", json, body, contentType } = {}) {
  const headers = {};
  const secret = key.get();
  if (secret) headers.Authorization = `Bearer ${secret}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (contentType) {
    headers["Content-Type"] = contentType;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: "no-store" });
  } catch (error) {
    throw new ApiError(0, "network_error", `the server could not be reached (${error.message})`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

async function errorOf(response) {
  let code = `http_${response.status}`;
  let message = response.statusText || "the request failed";
  try {
    const body = await response.json();
    if (body && typeof body.error === "object" && body.error !== null) {
      code = String(body.error.code ?? code);
      message = String(body.error.message ?? message);
    }
  } catch {
    // not JSON: keep the status line
  }
  const retry = response.headers.get("Retry-After");
  if (retry) message += ` (retry after ${retry} s)`;
  return new ApiError(response.status, code, message);
}

export async function getJson(path) {
  return (await call(path)).json();
}

export async function postJson(path, json) {
  return (await call(path, { method: "POST", json })).json();
}
