/* Keyboard shortcuts of the back office (desk officers handle dozens of dossiers a day).
 *
 * On a list (queue, "Việc của tôi", "Tiếp nhận hộ"): j/n and k/p move the focus from one
 * dossier link to the next; Enter opens it (the link's own behaviour). The list is kept
 * for the tab (sessionStorage), so on a dossier page j/n and k/p open the next and the
 * previous dossier of the list the officer came from, and u goes back to that list.
 * "?" shows or hides the help, Esc hides it. Keys typed in a field, with a modifier, or
 * inside an open <details> form are left alone; nothing traps the focus.
 */
(function () {
  "use strict";
  var KEY = "motcua.backoffice.list";

  function typing(target) {
    if (!target) return false;
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("a[data-dossier-link]"));
  }

  function remember() {
    var found = links();
    if (!found.length) return;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        from: location.pathname + location.search,
        links: found.map(function (a) { return a.getAttribute("href"); })
      }));
    } catch (e) { /* private mode: no memory, the list keys still work */ }
  }

  function stored() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  function moveInList(step) {
    var found = links();
    if (!found.length) return false;
    var at = found.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : found.length - 1) : at + step;
    if (next < 0 || next >= found.length) return true;
    found[next].focus();
    found[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function moveFromDossier(step) {
    var list = stored();
    if (!list || !list.links) return false;
    var at = list.links.indexOf(location.pathname);
    if (at < 0) return false;
    var next = list.links[at + step];
    if (next) location.assign(next);
    return true;
  }

  function toggleHelp(force) {
    var help = document.getElementById("phim-tat");
    var button = document.querySelector("[data-shortcuts-toggle]");
    if (!help) return;
    var show = typeof force === "boolean" ? force : help.hidden;
    help.hidden = !show;
    if (button) button.setAttribute("aria-expanded", String(show));
    if (show) help.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-shortcuts-toggle]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () { toggleHelp(); });
    }
    remember();
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var key = event.key;
    if (key === "Escape") { toggleHelp(false); return; }
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    var onDossier = document.body.getAttribute("data-page") === "dossier";
    var step = (key === "j" || key === "n") ? 1 : (key === "k" || key === "p") ? -1 : 0;
    if (step) {
      var done = onDossier ? moveFromDossier(step) : moveInList(step);
      if (done) event.preventDefault();
      return;
    }
    if (key === "u" && onDossier) {
      var list = stored();
      if (list && list.from) { location.assign(list.from); event.preventDefault(); }
    }
  });
})();
