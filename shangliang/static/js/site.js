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

// "系统推荐类别": a tap on a suggested category selects it in the category list.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-category]");
  if (!button) { return; }
  var select = document.getElementById("id_category");
  if (!select) { return; }
  Array.prototype.forEach.call(select.options, function (option) {
    if (option.text === button.getAttribute("data-category")) { select.value = option.value; }
  });
  select.dispatchEvent(new Event("change", { bubbles: true }));
});

// Forms marked data-submit-shortcut save with Ctrl+Enter (fast typing-in of paper forms).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
  var form = event.target.closest && event.target.closest("form[data-submit-shortcut]");
  if (form) { event.preventDefault(); form.requestSubmit(); }
});

// Buttons with data-print open the browser's print dialogue (printable minutes and documents).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) { window.print(); }
});
