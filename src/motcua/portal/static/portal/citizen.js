/* MotCua citizen pages: small progressive enhancements (every page works without them).
 *
 * - the menu folds behind a "Menu" button on phones;
 * - an error summary ("Có N lỗi cần sửa") takes the focus when the page opens, and its
 *   links move the focus to the field they name;
 * - a file input of a form marked data-upload-on-pick uploads as soon as a file is
 *   chosen (the form's own button stays for browsers without the script).
 */
document.documentElement.classList.add("js");

(function () {
  "use strict";

  function foldMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  }

  function focusTarget(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    if (!target.matches("input, select, textarea, button, a[href]")) {
      var inner = target.querySelector("input:not([type=hidden]), select, textarea");
      if (inner) target = inner;
    }
    var label = target.id && document.querySelector("label[for='" + target.id + "']");
    (label || target).scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    return true;
  }

  function errorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusTarget(link.getAttribute("href").slice(1))) event.preventDefault();
    });
  }

  function uploadOnPick() {
    document.querySelectorAll("form[data-upload-on-pick]").forEach(function (form) {
      var input = form.querySelector("input[type=file]");
      var button = form.querySelector("button[type=submit]");
      if (!input) return;
      if (button) button.classList.add("js-hidden");
      var status = document.createElement("p");
      status.className = "upload-status muted";
      status.setAttribute("role", "status");
      form.appendChild(status);
      input.addEventListener("change", function () {
        if (!input.files || !input.files.length) return;
        status.textContent = form.getAttribute("data-uploading") || "…";
        input.setAttribute("aria-busy", "true");
        form.submit();
      });
    });
  }

  function ready() {
    foldMenu();
    errorSummary();
    uploadOnPick();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
