// Server-Sent Events over a POST fetch, resuming with Last-Event-ID if the connection drops.

import { ApiError, apiError, headers } from "./api.js";
import { t } from "./i18n.js";

function parseEvent(block) {
  const event = { id: null, name: "message", data: "" };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") event.id = value;
    else if (field === "event") event.name = value;
    else if (field === "data") event.data += value;
  }
  return event.data ? event : null;
}

async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (event) yield event;
    }
  }
}

// Calls onFrame(frame) for each frame and resolves with the summary. With `after` (a step
// already received) the stream resumes: only the frames after that step come.
export async function streamRun(body, { onFrame, signal, retries = 3, after = null }) {
  let lastId = after === null ? null : String(after);
  for (let attempt = 0; ; attempt += 1) {
    const extra = { "Content-Type": "application/json" };
    if (lastId !== null) extra["Last-Event-ID"] = lastId;
    try {
      const response = await fetch("/api/v1/runs/stream", {
        method: "POST", headers: headers(extra), body: JSON.stringify(body), signal,
      });
      if (!response.ok) throw await apiError(response);
      for await (const event of readEvents(response)) {
        const data = JSON.parse(event.data);
        if (event.name === "summary") return data;
        if (event.id !== null) lastId = event.id;
        onFrame(data);
      }
      throw new Error(t("page.error.stream_ended"));
    } catch (error) {
      if (error instanceof ApiError || signal?.aborted || attempt >= retries) throw error;
    }
  }
}
