// The screening desk's keyboard: j/k move, x select, o or Enter open, m merge, t topic, s screening,
// d decide the current row. Keys are ignored while typing in a field.
(function () {
  "use strict";
  var table = document.querySelector("[data-desk]");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("[data-row]"));
  var form = document.getElementById("bulk-form");
  var current = -1;
  function move(to) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("current"); rows[current].removeAttribute("aria-current"); }
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows[current].classList.add("current");
    rows[current].setAttribute("aria-current", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  function press(value) {
    var button = form.querySelector('button[name="action"][value="' + value + '"]');
    if (button) { button.click(); }
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var row = rows[current];
    switch (event.key) {
      case "j": move(current + 1); break;
      case "k": move(current - 1); break;
      case "x": if (row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; } break;
      case "o": case "Enter": if (row) { window.location.href = row.getAttribute("data-href"); } else { return; } break;
      case "d": if (row) { window.location.href = row.getAttribute("data-href") + "#decide"; } break;
      case "m": press("merge"); break;
      case "t": press("topic"); break;
      case "s": press("screening"); break;
      default: return;
    }
    event.preventDefault();
  });
})();

// The decision form shows only the fields of the chosen decision.
(function () {
  "use strict";
  var form = document.querySelector("[data-decision-form]");
  if (!form) { return; }
  function update() {
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "";
    form.querySelectorAll("[data-for]").forEach(function (block) {
      block.hidden = block.getAttribute("data-for").split(" ").indexOf(kind) < 0;
    });
  }
  form.addEventListener("change", update);
  update();
})();
