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

// Text with data-max-chars: the count while typing (nothing is cut; the server refuses a text
// over the limit with its length).
document.querySelectorAll("textarea[data-max-chars]").forEach(function (area) {
  var max = parseInt(area.getAttribute("data-max-chars"), 10);
  var counter = document.getElementById(area.getAttribute("data-counter"));
  if (!counter) { return; }
  function show() {
    var n = area.value.length;
    counter.textContent = "已输入 " + n + " 字，最多 " + max + " 字" + (n > max ? "：请删去 " + (n - max) + " 字" : "");
    counter.classList.toggle("over", n > max);
  }
  area.addEventListener("input", show);
  show();
});

// Photo inputs with data-max-mb: type, size and count checked before anything is uploaded (the
// server checks again); a refused choice is cleared with the reason next to the field.
document.querySelectorAll("input[type=file][data-max-mb]").forEach(function (input) {
  var maxBytes = parseFloat(input.getAttribute("data-max-mb")) * 1024 * 1024;
  var maxFiles = parseInt(input.getAttribute("data-max-files") || "0", 10);
  var kept = parseInt(input.getAttribute("data-kept") || "0", 10);
  var types = (input.getAttribute("accept") || "").split(",");
  var box = document.getElementById(input.getAttribute("data-error"));
  input.addEventListener("change", function () {
    var problems = [];
    var files = Array.prototype.slice.call(input.files || []);
    if (maxFiles && files.length + kept > maxFiles) {
      problems.push("最多上传 " + maxFiles + " 张照片（您选了 " + (files.length + kept) + " 张）。");
    }
    files.forEach(function (file) {
      if (types.length && types.indexOf(file.type) < 0) {
        problems.push("照片“" + file.name + "”的格式不支持：只接受 jpg、png、gif、webp。");
      } else if (file.size > maxBytes) {
        problems.push("照片“" + file.name + "”太大（" + (file.size / 1048576).toFixed(1) + " MB），每张不超过 " + input.getAttribute("data-max-mb") + " MB。");
      }
    });
    if (box) { box.textContent = problems.join(" "); box.hidden = problems.length === 0; }
    input.setAttribute("aria-invalid", problems.length ? "true" : "false");
    if (problems.length) { input.value = ""; }
  });
});
