// Thin wrappers over the REST API: JSON in, JSON out, readable errors, the page's language.

export class ApiError extends Error {}

// The language every request asks for, so that the server's sentences come back in it.
export const localized = { lang: "en" };

export function headers(extra = {}) {
  return { "Accept-Language": localized.lang, ...extra };
}

export async function readError(response) {
  try {
    const body = await response.json();
    return body.message || JSON.stringify(body.detail);
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

export async function getJSON(path, { signal } = {}) {
  const response = await fetch(path, { headers: headers(), signal });
  if (!response.ok) throw new ApiError(await readError(response));
  return response.json();
}

export async function postJSON(path, body, { signal } = {}) {
  const response = await fetch(path, {
    method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body), signal,
  });
  if (!response.ok) throw new ApiError(await readError(response));
  return response.json();
}

export const isAbort = (error) => error?.name === "AbortError";
