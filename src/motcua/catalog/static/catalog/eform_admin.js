/* The admin's e-form editor: refresh the phone-width preview as the JSON is edited
   (debounced), with the portal's own renderer (POST to the preview URL). */
(function () {
  "use strict";
  var DELAY = 600;

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function init() {
    var panel = document.getElementById("eform-preview");
    var editor = document.getElementById("id_form_schema");
    if (!panel) { return; }
    var url = panel.getAttribute("data-url");
    var timer = null;
    var sent = 0;

    function text() {
      if (editor) { return editor.value; }
      var shown = document.querySelector(".field-form_schema .readonly");
      return shown ? shown.textContent : "";
    }

    function refresh() {
      var body = new URLSearchParams();
      body.append("definition", text());
      var ticket = ++sent;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString()
      })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          if (ticket !== sent) { return; }
          panel.innerHTML = html;
          if (window.MotcuaEform) { window.MotcuaEform.init(); }
        })
        .catch(function () { /* keep the last preview */ });
    }

    if (editor) {
      editor.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, DELAY);
      });
    }
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
