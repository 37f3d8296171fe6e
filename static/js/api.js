// Thin wrappers over the REST API: JSON in, JSON out, readable errors, the page's language.

// An error reply: `message` is the server's sentence; `status` and `body` (the whole JSON
// reply, e.g. an expression error's `key` and `column`) are there for views that show more.
export class ApiError extends Error {
  constructor(message, { status = 0, body = null } = {}) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// The language every request asks for, so that the server's sentences come back in it.
export const localized = { lang: "en" };

export function headers(extra = {}) {
  return { "Accept-Language": localized.lang, ...extra };
}

export async function readError(response) {
  return (await apiError(response)).message;
}

export async function apiError(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    return new ApiError(`${response.status} ${response.statusText}`, { status: response.status });
  }
  const message = body?.message || JSON.stringify(body?.detail) || `${response.status} ${response.statusText}`;
  return new ApiError(message, { status: response.status, body });
}

export async function getJSON(path, { signal } = {}) {
  const response = await fetch(path, { headers: headers(), signal });
  if (!response.ok) throw await apiError(response);
  return response.json();
}

export async function postJSON(path, body, { signal } = {}) {
  const response = await fetch(path, {
    method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body), signal,
  });
  if (!response.ok) throw await apiError(response);
  return response.json();
}

export const isAbort = (error) => error?.name === "AbortError";
