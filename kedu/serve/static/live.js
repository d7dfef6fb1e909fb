// kedu serve: reload the translators' preview when a file of the project changes.
// The page works without this script: reloading it by hand shows the same.
(function () {
  "use strict";
  var list = document.querySelector("[data-generation]");
  if (!list || !window.EventSource) { return; }
  var seen = list.getAttribute("data-generation");
  var source = new EventSource("/events?since=" + encodeURIComponent(seen));
  source.onmessage = function (event) {
    if (event.data !== seen) {
      source.close();
      window.location.reload();
    }
  };
})();
