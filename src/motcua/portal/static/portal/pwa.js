/* MotCua as an installable web app, page side (motcua.portal.pwa):
   - registers the service worker (/sw.js, the whole site as its scope);
   - keeps an e-form that could not be sent (no connection) as a draft on the device and
     sends it when the connection returns ("Đã lưu bản nháp, sẽ gửi khi có mạng");
   - on sign-out, tells the service worker to drop its personal copies, and forgets the
     drafts kept on the device.
   Its texts are translated by Django: data-text-* attributes of its <script> tag
   (templates/includes/pwa_head.html); the defaults below are the same Vietnamese. */
(function () {
  "use strict";

  var DRAFTS_KEY = "motcua-unsent-drafts";
  var TEXTS = {
    saved: "Đã lưu bản nháp, sẽ gửi khi có mạng.",
    sending: "Đã có mạng trở lại: đang gửi bản nháp…",
    sent: "Bản nháp đã được gửi.",
    failed: "Chưa gửi được bản nháp; sẽ thử lại khi có mạng.",
    review: "Đã có mạng trở lại nhưng tờ khai còn thông tin cần sửa: hãy bấm nút gửi một lần nữa để xem chi tiết."
  };
  var SIGN_OUT = /\/dang-xuat\/?$/;
  var SCRIPT = document.querySelector("script[data-sw]");
  Object.keys(TEXTS).forEach(function (name) {
    var text = SCRIPT && SCRIPT.getAttribute("data-text-" + name);
    if (text) { TEXTS[name] = text; }
  });

  function readDrafts() {
    try { return JSON.parse(window.localStorage.getItem(DRAFTS_KEY) || "[]"); } catch (e) { return []; }
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
      if (typeof value === "string") { entries.push([name, value]); }
    });
    if (submitter && submitter.name) { entries.push([submitter.name, submitter.value]); }
    return entries;
  }

  function keepDraft(form, submitter) {
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    var drafts = readDrafts().filter(function (d) { return d.url !== action.href; });
    drafts.push({url: action.href, page: window.location.href, fields: formEntries(form, submitter), savedAt: Date.now()});
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
        draft.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
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
      writeDrafts(left.concat(readDrafts().filter(function (d) {
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
    navigator.serviceWorker.register(SCRIPT ? SCRIPT.getAttribute("data-sw") : "/sw.js", {scope: "/"})
      .catch(function () { /* no offline mode on this browser */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sendDrafts);
  } else {
    sendDrafts();
  }
})();
