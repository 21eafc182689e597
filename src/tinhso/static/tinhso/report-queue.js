// The reports kept on the phone until they can be sent: in IndexedDB, with their photos.
// Loaded by the report form and by the service worker (Background Sync), so it uses only
// what both have: IndexedDB, fetch, FormData. Each item is the form as it was filled in,
// sent later to the same address with its Idempotency key, so a retry never makes a second
// report. States: "waiting" (no network, or the server busy), "sending", "sent" (kept with
// its tracking link until the citizen has seen it), "refused" (the server said why; kept
// until the citizen removes it, never retried).
(function (scope) {
  "use strict";
  var DB = "tinhso", STORE = "pending-reports", TAG = "tinhso-reports";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function remove(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  // The form's fields and files as they were: files stay Blobs (IndexedDB keeps them).
  function fromForm(form) {
    var fields = [], files = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields.push([name, value]); }
      else if (value.size) { files.push({ field: name, name: value.name, type: value.type, blob: value }); }
    });
    var key = form.elements.idempotency_key.value;
    return {
      key: key, url: form.action || location.href, fields: fields, files: files,
      text: form.elements.text.value.slice(0, 80), saved: new Date().toISOString(),
      state: "waiting", reason: "", code: "", tracking_url: ""
    };
  }

  function body(item) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    item.files.forEach(function (f) { data.append(f.field, f.blob, f.name); });
    return data;
  }

  // A CSRF token that may have changed since the item was kept (a sign-in rotates it).
  function freshToken(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) {
        var m = html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/);
        return m ? m[1] : null;
      });
  }

  function post(item) {
    return fetch(item.url, {
      method: "POST", body: body(item), credentials: "same-origin",
      headers: { Accept: "application/json", "Idempotency-Key": item.key }
    });
  }

  // Sends one item; resolves with the item as it now stands.
  function send(item) {
    item.state = "sending";
    return put(item).then(function () { return post(item); }).then(function (response) {
      if (response.status === 403) {
        return freshToken(item.url).then(function (token) {
          if (!token) { return response; }
          item.fields = item.fields.map(function (p) { return p[0] === "csrfmiddlewaretoken" ? [p[0], token] : p; });
          return post(item);
        });
      }
      return response;
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 200 || response.status === 201) {
          // Kept (without its photos) until the citizen has seen the tracking link.
          item.state = "sent"; item.code = data.code; item.tracking_url = data.tracking_url;
          item.files = []; item.fields = [];
        } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          item.state = "refused"; item.reason = data.detail || String(response.status);
        } else {
          item.state = "waiting";  // the server is busy or down: try again later
        }
        return put(item).then(function () { return item; });
      });
    }, function (error) {
      item.state = "waiting";  // no network
      item.lastError = String(error);
      return put(item).then(function () { return item; });
    });
  }

  // One sender at a time across the page and the service worker (Web Locks, where the
  // browser has them): the queue is read inside the lock, so no copy goes out stale.
  function exclusive(work) {
    var locks = self.navigator && self.navigator.locks;
    return locks ? locks.request(TAG, work) : work();
  }

  function sendable(item) { return item.state === "waiting" || item.state === "sending"; }

  // Sends every waiting item, one after the other; resolves with what happened to each.
  function flush() {
    return exclusive(function () {
      return all().then(function (items) {
        var done = [];
        return items.filter(sendable).reduce(function (chain, item) {
          return chain.then(function () { return send(item).then(function (r) { done.push(r); }); });
        }, Promise.resolve()).then(function () { return done; });
      });
    });
  }

  // Sends one item now (the citizen's "Send now"), if it is still waiting.
  function sendNow(key) {
    return exclusive(function () {
      return all().then(function (items) {
        var item = items.filter(function (i) { return i.key === key; })[0];
        return item && sendable(item) ? send(item) : item;
      });
    });
  }

  // Ask the browser to send when the network returns, even with the page closed.
  function requestSync() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(false); }
    return navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync ? reg.sync.register(TAG).then(function () { return true; }) : false;
    }).catch(function () { return false; });
  }

  scope.TinhSoQueue = {
    TAG: TAG, all: all, put: put, remove: remove, fromForm: fromForm, send: send,
    sendNow: sendNow, flush: flush, requestSync: requestSync
  };
})(self);
