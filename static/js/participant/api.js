// The walk this page is for, the participant's token on this phone, and calls to the participant API.
export const page = JSON.parse(document.getElementById("page-data").textContent);
export const walk = page.walk;

const TOKEN = "walkapp:token:" + walk.code;
const PINS = "walkapp:pins:" + walk.code;

function read(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
function write(key, value) {
  try { value === null ? localStorage.removeItem(key) : localStorage.setItem(key, value); } catch { /* private mode: the session lasts this visit */ }
}

/** The anonymous token, kept per walk so a reload or a locked screen keeps the session. */
export const session = {
  get token() { return read(TOKEN); },
  save(token) {
    write(TOKEN, token);
    write("walkapp:last", JSON.stringify({ code: walk.code, title: walk.title, url: walk.url }));
  },
  forget() { write(TOKEN, null); write(PINS, null); },
};

export const isOnline = () => navigator.onLine !== false;

/** Join the walk; resolves to true when the phone has a token. */
export async function join() {
  // The page holds the walk already: only the token, please.
  const res = await fetch(page.urls.join, { method: "POST", headers: { Accept: "application/json", Prefer: "return=minimal" } });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 201) return { ok: false, message: body.message };
  session.save(body.token);
  return { ok: true };
}

/** A call with the participant's token; never throws for HTTP errors, only when the network fails. */
export async function call(method, url, body) {
  const res = await fetch(url, {
    method, body, headers: { Authorization: "Bearer " + session.token, Accept: "application/json" },
  });
  let data = null;
  if (res.status !== 204) data = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, data: data || {} };
}

export const pinUrl = (id) => page.urls.pin + id;

/** The pins the server last returned, kept so the list still shows them offline. */
export const pinCache = {
  load() {
    try { return JSON.parse(read(PINS)) || []; } catch { return []; }
  },
  /** Keep the server's list as fetched from `since` (ms); what was sent after that fetch began stays
   * as kept (an answer can arrive after a send it did not see). Returns the list kept. */
  save(pins, since = Infinity) {
    const later = new Map(this.load().filter((p) => p.keptAt > since).map((p) => [p.id, p]));
    const all = pins.map((p) => later.get(p.id) || p);
    for (const p of later.values()) if (!pins.some((q) => q.id === p.id)) all.push(p);
    write(PINS, JSON.stringify(all));
    return all;
  },
  /** Add what the outbox has just sent ({code, pin} from its report), so that the list still shows it
   * when the phone loses coverage before the next fetch of the pins comes back. */
  keep(sent) {
    const pins = this.load();
    const keptAt = Date.now();
    for (const { code, pin } of sent) {
      if (code !== walk.code || !pin) continue;
      if (pin.pin_id != null) {
        // An agreement: the pin agreed with carries it.
        const other = pins.find((p) => p.id === pin.pin_id);
        if (other && !other.agreed) other.agreements = (other.agreements || 0) + 1;
        if (other) Object.assign(other, { agreed: pin, keptAt });
        continue;
      }
      const i = pins.findIndex((p) => p.id === pin.id);
      if (i >= 0) pins[i] = { ...pins[i], ...pin, keptAt };
      else pins.push({ agreements: 0, agreed: null, ...pin, keptAt });
    }
    write(PINS, JSON.stringify(pins));
  },
};

/** A photo the participant may see, fetched with the token (the address alone is not enough). */
export async function photoUrl(url) {
  const res = await fetch(url, { headers: { Authorization: "Bearer " + session.token } });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

/** A random pin id; crypto.randomUUID exists only on https pages, so build one elsewhere. */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
