/* The outbox: pins waiting on the phone (IndexedDB, photos as Blobs) until the server has them.
 * A classic script, because the service worker loads it too (importScripts); it sets self.WalkQueue.
 * The page and the worker may both send; they take turns through a Web Lock, and the server's
 * idempotency on client_id makes a pin that is sent twice (a lost response) arrive once. */
(function (scope) {
  "use strict";
  var DB_NAME = "walkapp";
  var STORE = "outbox";
  var LOCK = "walkapp-outbox";
  var SEND_TIMEOUT_MS = 90000;
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
      opening.catch(function () { opening = null; });
    }
    return opening;
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all() {
    return run("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.created - b.created; });
    });
  }
  function get(id) { return run("readonly", function (s) { return s.get(id); }); }
  function put(record) { return run("readwrite", function (s) { return s.put(record); }); }
  function remove(id) { return run("readwrite", function (s) { return s.delete(id); }); }

  /** Run `work` while no other page or worker of this site touches the outbox. */
  function exclusive(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request(LOCK, work) : Promise.resolve().then(work);
  }

  function formOf(record) {
    var form = new FormData();
    form.append("client_id", record.client_id);
    Object.keys(record.fields).forEach(function (name) {
      var value = record.fields[name];
      if (value === null || value === undefined || value === "") return;
      [].concat(value).forEach(function (v) { form.append(name, String(v)); });
    });
    if (record.photo) form.append("photo", record.photo, "photo.jpg");
    return form;
  }

  /** A 4xx other than these fails the same way every time: keep the pin and show why, never drop it. */
  function hopeless(status) {
    return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
  }

  /** Send one pin: "sent" (with the server's pin), "failed" (with its error) or "retry". */
  function send(record) {
    var options = {
      method: "POST",
      body: formOf(record),
      headers: { Authorization: "Bearer " + record.token, Accept: "application/json" },
    };
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) options.signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
    return fetch(record.url, options).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok) return { outcome: "sent", pin: body };
        if (hopeless(res.status)) return { outcome: "failed", error: { status: res.status, message: body.message || "", field: body.field || null } };
        return { outcome: "retry" };
      });
    }, function () { return { outcome: "retry", network: true }; });
  }

  /** Send every waiting pin, oldest first; stop at the first that has to wait. */
  function flush() {
    return exclusive(function () {
      var report = { sent: [], failed: [], waiting: 0, network: false };
      return all().then(function (rows) {
        var pending = rows.filter(function (r) { return r.state !== "failed"; });
        var i = 0;
        function next() {
          if (i >= pending.length) return report;
          var record = pending[i];
          return send(record).then(function (result) {
            if (result.outcome === "sent") {
              report.sent.push({ client_id: record.client_id, code: record.code, pin: result.pin });
              return remove(record.client_id).then(function () { i += 1; return next(); });
            }
            if (result.outcome === "failed") {
              record.state = "failed";
              record.error = result.error;
              report.failed.push({ client_id: record.client_id, code: record.code, error: result.error });
              return put(record).then(function () { i += 1; return next(); });
            }
            report.network = Boolean(result.network);
            report.waiting = pending.length - i;
            return report;
          });
        }
        return next();
      });
    });
  }

  /** Change a waiting pin; resolves to false when it was sent in the meantime. */
  function update(id, change) {
    return exclusive(function () {
      return get(id).then(function (record) {
        if (!record) return false;
        return put(change(record)).then(function () { return true; });
      });
    });
  }

  /** Take a pin off the phone because its author deleted it. */
  function discard(id) {
    return exclusive(function () { return remove(id); });
  }

  scope.WalkQueue = { all: all, put: put, update: update, discard: discard, send: send, flush: flush };
})(self);
