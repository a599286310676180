// The API client: JSON in and out, one error shape, the API token (if the server wants one).

const TOKEN_KEY = "busywork-api-token";

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || null;
  }
}

// Once the user cancels the token prompt, requests stop asking (the job list polls every two
// seconds: a prompt each time would lock the page) until allowTokenPrompt().
let promptDeclined = false;

export function allowTokenPrompt() {
  promptDeclined = false;
}

function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const token = storedToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

export async function api(method, path, body) {
  const sent = storedToken();
  const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`/api${path}`, init);
  // A token entered while this request was under way is tried before asking again.
  if (response.status === 401 && (storedToken() !== sent || askToken())) {
    return api(method, path, body);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || { status: response.status, message: response.statusText };
    throw new ApiError(error.status, error.message, error.field);
  }
  return data;
}

function askToken() {
  if (promptDeclined) return false;
  const token = window.prompt("This server needs its API token (busywork serve --api-token):");
  if (!token || !token.trim()) {
    promptDeclined = true;
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

// Server-Sent Events over fetch (EventSource cannot send the Authorization header).
// Calls onEvent(type, data, id) per event and onState("live" | "reconnecting" | "gone" |
// "ended", message); a 404 (the job was deleted) is "gone" and a 409 (its run folder was
// deleted: no log to follow) "ended", with the server's reason; both end the stream. Returns a
// function that closes it.
export function openStream(path, onEvent, onState) {
  const controller = new AbortController();
  let closed = false;
  let lastId = null;

  async function run() {
    while (!closed) {
      try {
        const url = lastId === null ? path : withParam(path, "after", lastId);
        const response = await fetch(`/api${url}`, { headers: headers(), signal: controller.signal });
        if (response.status === 404) {
          closed = true;
          onState("gone");
          return;
        }
        if (response.status === 409) {
          closed = true;
          const body = await response.json().catch(() => ({}));
          onState("ended", (body.error && body.error.message) || "HTTP 409");
          return;
        }
        if (!response.ok) throw new Error(`stream: HTTP ${response.status}`);
        onState("live");
        await readEvents(response.body, (type, data, id) => {
          if (id !== null) lastId = id;
          onEvent(type, data, id);
        });
      } catch (error) {
        if (closed) return;
        onState("reconnecting");
      }
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  run();
  return () => { closed = true; controller.abort(); };
}

export function withParam(path, key, value) {
  return `${path}${path.includes("?") ? "&" : "?"}${key}=${encodeURIComponent(value)}`;
}

async function readEvents(stream, emit) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message", data = "", id = null;
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
        else if (line.startsWith("id:")) id = Number(line.slice(3).trim());
      }
      if (data) emit(type, JSON.parse(data), id);
    }
  }
}
