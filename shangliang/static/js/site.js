// Shared behaviour: the CSRF token for htmx requests and the large-text switch.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.getAttribute("content"); }
  });

  // Without JavaScript the form posts and the page reloads; with it, the switch is instant.
  document.querySelectorAll("form[data-text-size]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[name=size]");
      var size = button.value;
      var data = new FormData(form);
      data.set("size", size);
      fetch(form.action, { method: "POST", body: data, headers: { "HX-Request": "true" }, credentials: "same-origin" });
      var large = size === "large";
      document.documentElement.classList.toggle("text-large", large);
      button.value = large ? "normal" : "large";
      button.textContent = large ? "标准字号" : "大字模式";
      button.setAttribute("aria-pressed", large ? "true" : "false");
    });
  });

  // Elements with data-confirm ask before submitting (used for irreversible actions).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
})();
