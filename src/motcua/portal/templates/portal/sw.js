{% load i18n %}/* MotCua service worker (rendered by motcua.portal.pwa; version {{ version }}).
   - Precaches the shell (styles, scripts, icons) and the offline page.
   - "Hồ sơ của tôi" network-first: the last copy opens offline, with a banner saying when
     the statuses were last updated.
   - Other pages: network, else the offline page. Static files: cache-first.
   - Signing in or out clears the personal copies (never shown to the next user). */
"use strict";

var VERSION = "{{ version }}";
var SHELL_CACHE = "motcua-shell-" + VERSION;
var PERSONAL_CACHE = "motcua-personal";
var PRECACHE = {{ precache_json|safe }};
var OFFLINE_URL = "{{ offline_url|escapejs }}";
var MY_DOSSIERS_URL = "{{ my_dossiers_url|escapejs }}";
var STATIC_URL = "{{ static_url|escapejs }}";
var SIGN_IN_PATHS = {{ sign_in_paths_json|safe }};
var SIGN_OUT_PATHS = {{ sign_out_paths_json|safe }};
var CACHED_AT_HEADER = "X-MotCua-Cached-At";
var BANNER_TEXT = "{% translate 'Bạn đang ngoại tuyến – trạng thái cập nhật lúc' as banner %}{{ banner|escapejs }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("motcua-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function clearPersonal() {
  return caches.delete(PERSONAL_CACHE);
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "logout" || data.type === "clear-personal") {
    var done = clearPersonal().then(function () {
      if (event.source && event.source.postMessage) { event.source.postMessage({type: "personal-cleared"}); }
    });
    if (event.waitUntil) { event.waitUntil(done); }
  }
});

function pad(n) { return (n < 10 ? "0" : "") + n; }

function stamp(ms) {
  var d = new Date(ms);
  return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + pad(d.getDate()) + "/" +
    pad(d.getMonth() + 1) + "/" + d.getFullYear();
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
  });
}

/* The cached "Hồ sơ của tôi" with the offline banner at the top of the main content. */
function withBanner(response) {
  var cachedAt = Number(response.headers.get(CACHED_AT_HEADER)) || Date.now();
  return response.text().then(function (html) {
    var banner = '<p class="notice warning offline-banner" role="status">' +
      escapeHtml(BANNER_TEXT + " " + stamp(cachedAt)) + "</p>";
    var marker = /<main\b[^>]*>/;
    html = marker.test(html) ? html.replace(marker, function (tag) { return tag + banner; })
      : banner + html;
    var headers = new Headers(response.headers);
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(html, {status: 200, headers: headers});
  });
}

function keepPersonalCopy(request, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic") {
    return Promise.resolve();
  }
  return response.clone().blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set(CACHED_AT_HEADER, String(Date.now()));
    return caches.open(PERSONAL_CACHE).then(function (cache) {
      return cache.put(request.url, new Response(body, {status: 200, headers: headers}));
    });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_URL).then(function (page) {
    return page || new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain"}});
  });
}

function myDossiers(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(keepPersonalCopy(request, response));
    return response;
  }).catch(function () {
    return caches.open(PERSONAL_CACHE).then(function (cache) {
      return cache.match(request.url);
    }).then(function (cached) {
      return cached ? withBanner(cached) : offlinePage();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    // Signing out (or in with a password): the personal copies go first.
    if (request.method === "POST" && (SIGN_OUT_PATHS.indexOf(url.pathname) !== -1 ||
        SIGN_IN_PATHS.indexOf(url.pathname) !== -1)) {
      event.respondWith(clearPersonal().then(function () { return fetch(request); }));
    }
    return;
  }
  if (SIGN_IN_PATHS.indexOf(url.pathname) !== -1 || SIGN_OUT_PATHS.indexOf(url.pathname) !== -1) {
    event.respondWith(clearPersonal().then(function () { return fetch(request); }));
    return;
  }
  if (url.pathname === MY_DOSSIERS_URL) {
    event.respondWith(myDossiers(event));
    return;
  }
  if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
