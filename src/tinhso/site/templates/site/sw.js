{% load static %}// Tỉnh Số service worker: the report form and its assets work without network; a report
// typed offline is kept on the phone (report-queue.js, IndexedDB) and sent when the network
// returns — by Background Sync here, even with the page closed, or by the page on its next
// open where the browser has no Background Sync.
importScripts("{% static 'tinhso/report-queue.js' %}");
const CACHE = "tinhso-{{ tinhso_version }}";
const SHELL = [
  "/feedback/new/",
  "{% static 'tinhso/app.css' %}",
  "{% static 'tinhso/report-form.js' %}",
  "{% static 'tinhso/report-queue.js' %}",
  "{% static 'tinhso/maps.js' %}",
  "{% static 'vendor/leaflet/leaflet.js' %}",
  "{% static 'vendor/leaflet/leaflet.css' %}",
  "{% static 'django_htmx/htmx-2.min.js' %}",
  "{% static 'tinhso/icons/icon-192.png' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Pages: the network first; without it, the cached form.
    event.respondWith(
      fetch(request).catch(() => caches.match(request).then((hit) => hit || caches.match("/feedback/new/")))
    );
    return;
  }
  if (new URL(request.url).pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then((pages) => {
    pages.forEach((page) => page.postMessage("tinhso-queue-changed"));
  });
}

self.addEventListener("sync", (event) => {
  if (event.tag === self.TinhSoQueue.TAG) {
    // A rejection asks the browser to try again later (with its own back-off).
    event.waitUntil(
      self.TinhSoQueue.flush().then((done) => {
        return tellPages().then(() => {
          if (done.some((item) => item.state === "waiting")) {
            throw new Error("still offline");
          }
        });
      })
    );
  }
});
