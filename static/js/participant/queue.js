/* The outbox: pins (and agreements, kind "agreement") waiting on the phone (IndexedDB, photos as Blobs) until the server has them.
 * A classic script, because the service worker loads it too (importScripts); it sets self.WalkQueue.
 * The page and the worker may both send; they take turns through a Web Lock, and the server's
 * idempotency on client_id makes a pin that is sent twice (a lost response) arrive once. */
"use strict";
(() => {
  const STORE = "outbox";
  let opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open("walkapp", 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "client_id" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => { opening = null; reject(req.error); };
    });
    return opening;
  }

  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const all = async () => (await run("readonly", (s) => s.getAll())).sort((a, b) => a.created - b.created);
  const get = (id) => run("readonly", (s) => s.get(id));
  const put = (record) => run("readwrite", (s) => s.put(record));
  const remove = (id) => run("readwrite", (s) => s.delete(id));

  /** Run `work` while no other page or worker of this site touches the outbox. */
  const exclusive = (work) => (navigator.locks ? navigator.locks.request("walkapp-outbox", work) : work());

  function formOf(record) {
    const form = new FormData();
    form.append("client_id", record.client_id);
    for (const [name, value] of Object.entries(record.fields)) {
      if (value == null || value === "") continue;
      for (const v of [].concat(value)) form.append(name, String(v));
    }
    if (record.photo) form.append("photo", record.photo, "photo.jpg");
    return form;
  }

  /** A 4xx other than these fails the same way every time: keep the pin and show why, never drop it. */
  const hopeless = (status) => status >= 400 && status < 500 && ![408, 425, 429].includes(status);

  /** Send one pin: {outcome: "sent", pin}, {outcome: "failed", error} or {outcome: "retry"}.
   * A pin changed after it first went out is sent again exactly as it went out (`sent`): the server
   * refuses a client_id repeated with other fields; the change follows as a PATCH. */
  async function send(record) {
    let res;
    try {
      res = await fetch(record.url, {
        method: "POST",
        body: formOf(record.sent ? { client_id: record.client_id, ...record.sent } : record),
        headers: { Authorization: "Bearer " + record.token, Accept: "application/json" },
        signal: AbortSignal.timeout ? AbortSignal.timeout(90000) : undefined,
      });
    } catch {
      return { outcome: "retry", network: true };
    }
    const body = await res.json().catch(() => ({}));
    if (res.ok) return { outcome: "sent", pin: body, status: res.status };
    if (hopeless(res.status)) return { outcome: "failed", error: { status: res.status, message: body.message || "", field: body.field || null } };
    return { outcome: "retry" };
  }

  /** The address of what was stored: an agreement's is its itemBase and id; a pin's comes from the
   * walk's: /api/v1/walks/CODE/pins → /api/v1/pins/<id>. */
  const pinUrl = (record, id) => (record.itemBase || record.url.replace(/\/walks\/[^/]+\/pins$/, "/pins/")) + id;

  /** Bring a pin the server already had (its reply was lost) up to date: the author changed or deleted
   * it on the phone after the first send went out. */
  async function followUp(record, id) {
    const method = record.deleteAfterSend ? "DELETE" : "PATCH";
    let res;
    try {
      res = await fetch(pinUrl(record, id), {
        method,
        body: method === "PATCH" ? formOf(record) : undefined,
        headers: { Authorization: "Bearer " + record.token, Accept: "application/json" },
      });
    } catch {
      return { outcome: "retry", network: true };
    }
    const body = await res.json().catch(() => ({}));
    if (res.ok || (method === "DELETE" && res.status === 404)) return { outcome: "sent", pin: method === "PATCH" ? body : null };
    if (hopeless(res.status)) {
      // A delete the server refuses (the walk closed) leaves the stored pin, which the list shows again.
      if (method === "DELETE") return { outcome: "sent", pin: null };
      return { outcome: "failed", error: { status: res.status, message: body.message || "", field: body.field || null } };
    }
    return { outcome: "retry" };
  }

  /** One pin: send it (marking that it went out), then any change made after an earlier send. */
  async function deliver(record) {
    if (record.serverId) return followUp(record, record.serverId);
    await put({ ...record, attempted: true });
    const result = await send(record);
    const stale = record.deleteAfterSend || (record.edited && Boolean(record.sent));
    if (result.outcome !== "sent" || !stale) return result;
    const after = await followUp(record, result.pin.id);
    if (after.outcome !== "sent") await put({ ...record, attempted: true, serverId: result.pin.id });
    return after.outcome === "sent" && !record.deleteAfterSend ? { ...after, pin: after.pin || result.pin } : after;
  }

  /** Send every waiting pin, oldest first; stop when the network is gone, go on past a busy server. */
  const flush = () => exclusive(async () => {
    const report = { sent: [], failed: [], waiting: 0, network: false };
    const pending = (await all()).filter((r) => r.state !== "failed");
    for (const [i, record] of pending.entries()) {
      const result = await deliver(record);
      if (result.outcome === "sent") {
        await remove(record.client_id);
        if (!record.deleteAfterSend) report.sent.push({ client_id: record.client_id, code: record.code, pin: result.pin });
      } else if (result.outcome === "failed") {
        const latest = (await get(record.client_id)) || record;
        await put({ ...latest, state: "failed", error: result.error });
        report.failed.push({ client_id: record.client_id, code: record.code, error: result.error });
      } else if (result.network) {
        report.network = true;
        report.waiting += pending.length - i;
        break;
      } else {
        report.waiting += 1;  // the server is busy with this one; the next may still go through
      }
    }
    return report;
  });

  /** Change a waiting pin; resolves to false when it was sent in the meantime. A pin that already went
   * out once is marked edited, so that a send which finds it stored also sends the change. */
  const update = (id, change) => exclusive(async () => {
    const record = await get(id);
    if (!record) return false;
    // A pin the server refused (state "failed": nothing was stored) is simply sent anew once fixed.
    const wentOut = Boolean(record.attempted || record.serverId) && (record.state !== "failed" || Boolean(record.sent));
    // Keep what went out the first time, so a retry repeats it byte for byte.
    const sent = record.sent || (wentOut ? { fields: record.fields, photo: record.photo } : undefined);
    await put({ ...change(record), edited: wentOut, ...(sent ? { sent } : {}) });
    return true;
  });

  /** Take a pin off the phone because its author deleted it; one that may have reached the server is
   * kept, marked, until the server has deleted its copy too. */
  const discard = (id) => exclusive(async () => {
    const record = await get(id);
    if (!record) return false;
    if (record.attempted || record.serverId) await put({ ...record, deleteAfterSend: true, state: "waiting", error: null });
    else await remove(id);
    return true;
  });

  self.WalkQueue = { all, put, update, discard, send, flush };
})();
