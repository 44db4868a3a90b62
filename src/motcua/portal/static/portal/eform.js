/* MotCua e-form: progressive enhancement only (the form works without it).
   - Conditional fields (data-when-*) are shown or hidden as the answers change.
   - An address block's commune list follows the chosen province. */
(function () {
  "use strict";

  function valuesOf(form, name) {
    var out = [];
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { out.push(el.type === "checkbox" && el.value === "on" ? "true" : el.value); }
      } else if (el.type !== "hidden" || inputs.length === 1) {
        if (el.value !== "") { out.push(el.value); }
      }
    }
    return out;
  }

  function asText(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function holds(form, el) {
    var values = valuesOf(form, el.getAttribute("data-when-name"));
    if (el.hasAttribute("data-when-equals")) {
      var expected = asText(JSON.parse(el.getAttribute("data-when-equals")));
      return values.indexOf(expected) !== -1;
    }
    if (el.hasAttribute("data-when-in")) {
      var options = JSON.parse(el.getAttribute("data-when-in")).map(asText);
      return values.some(function (v) { return options.indexOf(v) !== -1; });
    }
    if (el.hasAttribute("data-when-filled")) {
      return values.length > 0;
    }
    return true;
  }

  function refresh(form) {
    var conditional = form.querySelectorAll("[data-when-name]");
    for (var i = 0; i < conditional.length; i++) {
      conditional[i].hidden = !holds(form, conditional[i]);
    }
  }

  function loadCommunes(form, provinceSelect) {
    var url = form.getAttribute("data-communes-url");
    var block = provinceSelect.getAttribute("data-province-of");
    var commune = form.querySelector('[data-commune-of="' + block + '"]');
    if (!url || !commune) { return; }
    fetch(url + "?tinh=" + encodeURIComponent(provinceSelect.value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
      .then(function (answer) {
        var current = commune.value;
        var replacement;
        if (answer.communes && answer.communes.length) {
          replacement = document.createElement("select");
          var empty = document.createElement("option");
          empty.value = "";
          empty.textContent = "— Chọn —";
          replacement.appendChild(empty);
          answer.communes.forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            option.textContent = name;
            if (name === current) { option.selected = true; }
            replacement.appendChild(option);
          });
        } else {
          replacement = document.createElement("input");
          replacement.type = "text";
          replacement.value = commune.tagName === "INPUT" ? current : "";
        }
        ["name", "id", "aria-describedby", "aria-required", "aria-invalid", "data-commune-of"].forEach(function (a) {
          if (commune.hasAttribute(a)) { replacement.setAttribute(a, commune.getAttribute(a)); }
        });
        commune.parentNode.replaceChild(replacement, commune);
      })
      .catch(function () { /* keep the field as it is */ });
  }

  function init() {
    var forms = document.querySelectorAll("form.eform");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        form.addEventListener("change", function (event) {
          refresh(form);
          if (event.target.hasAttribute && event.target.hasAttribute("data-province-of")) {
            loadCommunes(form, event.target);
          }
        });
        form.addEventListener("input", function () { refresh(form); });
        refresh(form);
      })(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  window.MotcuaEform = { init: init };
})();
