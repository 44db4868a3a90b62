/* MotCua as an installable web app, page side (motcua.portal.pwa):
   - registers the service worker (/sw.js, the whole site as its scope);
   - keeps an e-form that could not be sent (no connection) as a draft on the device and
     sends it when the connection returns ("Đã lưu bản nháp, sẽ gửi khi có mạng");
   - on sign-out, tells the service worker to drop its personal copies, and forgets the
     drafts kept on the device.
   A draft never holds the CSRF token (the page's current one is sent with it) and is
   tagged with the signed-in user's opaque tag (data-owner, motcua.portal.templatetags.
   pwa_tags): a page of another user drops it, a page that knows no user (the offline
   page) neither sends nor drops it. Drafts older than DRAFT_MAX_AGE_MS are dropped.
   Its texts are translated by Django: data-text-* attributes of its <script> tag
   (templates/includes/pwa_head.html); the defaults below are the same Vietnamese. */
(function () {
  "use strict";

  var DRAFTS_KEY = "motcua-unsent-drafts";
  var DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var CSRF_FIELD = "csrfmiddlewaretoken";
  var TEXTS = {
    saved: "Đã lưu bản nháp, sẽ gửi khi có mạng.",
    sending: "Đã có mạng trở lại: đang gửi bản nháp…",
    sent: "Bản nháp đã được gửi.",
    failed: "Chưa gửi được bản nháp; sẽ thử lại khi có mạng.",
    review: "Đã có mạng trở lại nhưng tờ khai còn thông tin cần sửa: hãy bấm nút gửi một lần nữa để xem chi tiết."
  };
  var SIGN_OUT = /\/dang-xuat\/?$/;
  var SCRIPT = document.querySelector("script[data-sw]");
  var OWNER = (SCRIPT && SCRIPT.getAttribute("data-owner")) || "";
  Object.keys(TEXTS).forEach(function (name) {
    var text = SCRIPT && SCRIPT.getAttribute("data-text-" + name);
    if (text) { TEXTS[name] = text; }
  });

  function storedDrafts() {
    try { return JSON.parse(window.localStorage.getItem(DRAFTS_KEY) || "[]"); } catch (e) { return []; }
  }

  // The drafts this page may send: the signed-in user's, younger than a day. On a page of
  // a signed-in user, any other draft (another user's, too old, from before drafts were
  // tagged) is dropped from the device.
  function readDrafts() {
    var now = Date.now();
    var all = storedDrafts();
    var fresh = all.filter(function (d) {
      return d && d.savedAt && now - d.savedAt < DRAFT_MAX_AGE_MS && d.savedAt <= now + 60000;
    });
    if (!OWNER) {
      if (fresh.length !== all.length) { writeDrafts(fresh); }
      return [];
    }
    var mine = fresh.filter(function (d) { return d.owner === OWNER; });
    if (mine.length !== all.length) { writeDrafts(mine); }
    return mine;
  }

  function writeDrafts(drafts) {
    try {
      if (drafts.length) { window.localStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts)); }
      else { window.localStorage.removeItem(DRAFTS_KEY); }
    } catch (e) { /* storage full or disabled: nothing to keep */ }
  }

  function say(text, kind) {
    var box = document.getElementById("pwa-status");
    if (!box) {
      box = document.createElement("p");
      box.id = "pwa-status";
      box.setAttribute("role", "status");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.className = "notice " + (kind || "info") + " pwa-status";
    box.textContent = text;
  }

  function formEntries(form, submitter) {
    var entries = [];
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== CSRF_FIELD) { entries.push([name, value]); }
    });
    if (submitter && submitter.name) { entries.push([submitter.name, submitter.value]); }
    return entries;
  }

  // The current CSRF token, never a stored one: the cookie (a sign-in since the page
  // was loaded renews it), else the page's forms.
  function currentCsrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name='" + CSRF_FIELD + "']");
    return field ? field.value : "";
  }

  function keepDraft(form, submitter) {
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    var drafts = readDrafts().filter(function (d) { return d.url !== action.href; });
    drafts.push({url: action.href, page: window.location.href, fields: formEntries(form, submitter),
                 savedAt: Date.now(), owner: OWNER});
    writeDrafts(drafts);
    say(TEXTS.saved, "warning");
  }

  var sending = false;
  function sendDrafts() {
    var drafts = readDrafts();
    if (sending || !drafts.length || !navigator.onLine) { return; }
    sending = true;
    say(TEXTS.sending);
    var left = [];
    var next = null;
    var review = false;
    var chain = Promise.resolve();
    drafts.forEach(function (draft) {
      chain = chain.then(function () {
        var body = new URLSearchParams();
        draft.fields.forEach(function (pair) {
          if (pair[0] !== CSRF_FIELD) { body.append(pair[0], pair[1]); }
        });
        body.append(CSRF_FIELD, currentCsrfToken());
        return fetch(draft.url, {method: "POST", body: body, credentials: "same-origin"})
          .then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            // "Lưu và tiếp tục" answered with the next step: the page follows it. A form
            // answered with itself (not redirected) had something to correct: the values
            // are still on this page, the citizen sends it again to see what.
            if (!response.redirected) { review = true; }
            if (draft.page === window.location.href && response.url !== window.location.href) {
              next = response.url;
            }
          })
          .catch(function () { left.push(draft); });
      });
    });
    chain.then(function () {
      writeDrafts(left.concat(storedDrafts().filter(function (d) {
        return !drafts.some(function (old) { return old.url === d.url && old.savedAt === d.savedAt; });
      })));
      sending = false;
      if (left.length) { say(TEXTS.failed, "warning"); return; }
      say(review ? TEXTS.review : TEXTS.sent, review ? "warning" : "info");
      if (next) { window.location.assign(next); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var action = form.getAttribute("action") || "";
    if (SIGN_OUT.test(new URL(action || window.location.href, window.location.href).pathname)) {
      writeDrafts([]);
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({type: "logout"});
      }
      return;
    }
    if (form.classList.contains("eform") && (form.method || "").toLowerCase() === "post" &&
        !navigator.onLine) {
      event.preventDefault();
      keepDraft(form, event.submitter);
    }
  });

  window.addEventListener("online", sendDrafts);

  if ("serviceWorker" in navigator) {
    // The worker dropped its personal copies (signing out or in): the drafts go too.
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "personal-cleared") { writeDrafts([]); }
    });
    navigator.serviceWorker.register(SCRIPT ? SCRIPT.getAttribute("data-sw") : "/sw.js", {scope: "/"})
      .catch(function () { /* no offline mode on this browser */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sendDrafts);
  } else {
    sendDrafts();
  }
})();
