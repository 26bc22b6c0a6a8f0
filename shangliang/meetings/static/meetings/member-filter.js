// The planning form's member filter, as one types: the "其他委员" list keeps the members whose
// name, sector or committee contains the text (chosen members always stay). Without script the
// same filter is the "筛选委员名单" button, answered by the server.
(function () {
  "use strict";
  function setUp() {
    var query = document.getElementById("id_member_query");
    var list = document.getElementById("id_other_members");
    if (!query || !list) { return; }
    var options = Array.prototype.slice.call(list.options);
    function apply() {
      var text = query.value.trim();
      options.forEach(function (option) {
        option.hidden = text !== "" && !option.selected && option.text.indexOf(text) === -1;
      });
    }
    query.addEventListener("input", apply);
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); apply(); }
    });
    apply();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
