// Thin wrappers over the REST API: JSON in, JSON out, readable errors.

export class ApiError extends Error {}

async function readError(response) {
  try {
    const body = await response.json();
    return body.message || JSON.stringify(body.detail);
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

export async function getJSON(path) {
  const response = await fetch(path);
  if (!response.ok) throw new ApiError(await readError(response));
  return response.json();
}

export async function postJSON(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new ApiError(await readError(response));
  return response.json();
}

export { readError };
