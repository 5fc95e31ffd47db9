// The dashboard's only way to the cluster: the agent's own HTTP API, same origin, with the API's auth.
// On a 401 the page asks for the token once, keeps it in sessionStorage (this tab only) and sends it as
// "Authorization: Bearer" on every request; the events stream is read with fetch() so that it carries it too.

const TOKEN_KEY = 'flotilla.token';
let asking = null;

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h.Authorization = 'Bearer ' + token;
  return h;
}

/** Asks the person for the token (one dialog for all requests waiting), then resolves. */
function askToken(message) {
  if (!asking) {
    asking = new Promise((resolve) => {
      const dialog = document.getElementById('token');
      document.getElementById('token-error').textContent = message || '';
      const input = document.getElementById('token-input');
      input.value = '';
      dialog.addEventListener('close', () => {
        const value = input.value.trim();
        if (value) sessionStorage.setItem(TOKEN_KEY, value);
        asking = null;
        resolve();
      }, { once: true });
      dialog.showModal();
    });
  }
  return asking;
}

/** An error answer of the API: its status and fleet's one-line message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) message = body.error.message;
  } catch (_) { /* not JSON */ }
  return new ApiError(response.status, message);
}

/** Calls the API; JSON in and out. A 401 asks for the token and tries again. */
export async function api(path, { method = 'GET', body } = {}) {
  for (;;) {
    const init = { method, headers: headers(body !== undefined ? { 'Content-Type': 'application/json' } : {}) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(path, init);
    if (response.status === 401) {
      const had = sessionStorage.getItem(TOKEN_KEY);
      await askToken(had ? 'That token was refused: ' + (await failure(response)).message : '');
      continue;
    }
    if (!response.ok) throw await failure(response);
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
}

/** Every item of a paged fleet list (units, states, machines). */
export async function all(path, key) {
  const items = [];
  let token = null;
  do {
    const page = await api(path + (token ? (path.includes('?') ? '&' : '?') + 'nextPageToken=' + encodeURIComponent(token) : ''));
    items.push(...(page[key] || []));
    token = page.nextPageToken;
  } while (token);
  return items;
}

/**
 * Follows GET /v1/events: calls onEvent(event) for each, onStatus('live'|'reconnecting'|'connecting'). Reconnects
 * with a growing pause (0.5 s up to 5 s), resuming after the last event seen (Last-Event-ID); a resumed stream that
 * missed events sends a "gap" event, which the caller answers by reading everything again.
 */
export function followEvents(onEvent, onStatus) {
  let lastId = null;
  let pause = 500;
  async function once() {
    const h = headers({ Accept: 'text/event-stream' });
    if (lastId) h['Last-Event-ID'] = lastId;
    const response = await fetch('/v1/events', { headers: h, cache: 'no-store' });
    if (response.status === 401) {
      await askToken('');
      return;
    }
    if (!response.ok || !response.body) throw new Error('events: HTTP ' + response.status);
    onStatus('live');
    pause = 500;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        let data = '';
        for (const line of frame.split(/\r?\n/)) {
          if (line.startsWith('id:')) lastId = line.slice(3).trim() || lastId;
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (data) {
          try { onEvent(JSON.parse(data)); } catch (e) { console.error('bad event', e, data); }
        }
      }
    }
  }
  (async () => {
    for (;;) {
      try {
        await once();
      } catch (e) {
        console.warn('events stream dropped', e);
      }
      onStatus('reconnecting');
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 5000);
    }
  })();
}
