// The schedule form's time zone starts at the browser's own, when the page offers it.
(function () {
  "use strict";
  const select = document.querySelector("select[data-browser-zone]");
  if (!select) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && Array.from(select.options).some((o) => o.value === zone)) select.value = zone;
})();
