// The public HTTP API, with the token of this tab (sessionStorage only).
const KEY = "fieldplan.token";

export const session = {
  token: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  // The problem's detail and each field's message.
  text() {
    const p = this.problem;
    if (!p) return this.message;
    const fields = (p.errors || []).map((e) => `${e.field}: ${e.message} (${e.code})`);
    return [p.title, ...(fields.length ? fields : [p.detail])].join(" — ");
  }
}

function headers(json) {
  const h = { Authorization: `Bearer ${session.token()}` };
  if (json) h["Content-Type"] = "application/json";
  return h;
}

export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let problem = null;
    try {
      problem = await res.json();
    } catch {
      /* not a problem document */
    }
    throw new ApiError(res.status, problem);
  }
  const type = res.headers.get("content-type") || "";
  if (type.includes("json")) return res.json();
  if (type.includes("svg") || type.includes("calendar") || type.includes("csv")) return res.blob();
  return res.text();
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);

// Every page of a master-data list.
export async function all(path) {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const page = await get(`${path}?limit=500&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

// GET /v1/events as a stream (EventSource cannot send the bearer token): calls
// onEvent(name, data) per event; reconnects after a pause until `signal` aborts.
export async function listen(onEvent, onState, signal) {
  while (!signal.aborted) {
    try {
      const res = await fetch("/v1/events", { headers: headers(false), signal });
      if (!res.ok) throw new ApiError(res.status, null);
      onState(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, cut), onEvent);
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    onState(false);
    await new Promise((r) => setTimeout(r, 3000));
  }
}

function dispatch(block, onEvent) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  if (!data.length) return;
  let parsed = data.join("\n");
  try {
    parsed = JSON.parse(parsed);
  } catch {
    /* plain text */
  }
  onEvent(name, parsed);
}
