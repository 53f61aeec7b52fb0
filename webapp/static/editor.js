// The structured editor in place: add, remove and reorder participant and quote rows without a
// round trip. Without this script the same buttons submit the form and the server does it.
(function () {
  "use strict";

  function renumber(list) {
    var name = list.getAttribute("data-rows");
    var rows = list.querySelectorAll("[data-row]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        var renamed = input.name.replace(new RegExp("^" + name + "-\\d+-"), name + "-" + index + "-");
        var label = row.querySelector('label[for="' + input.id + '"]');
        input.name = renamed;
        input.id = renamed;
        if (label) { label.htmlFor = renamed; }
      });
      var title = row.querySelector(".row-title");
      if (title) { title.textContent = title.textContent.replace(/\d+/, String(index + 1)); }
      row.querySelectorAll("[name=row_action]").forEach(function (button) {
        var parts = button.value.split(":");
        button.value = parts[0] + ":" + name + ":" + index;
      });
      var up = row.querySelector('[data-move="up"]');
      var down = row.querySelector('[data-move="down"]');
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === rows.length - 1; }
    });
  }

  function announce(form, text) {
    var live = form.querySelector("[data-announce]");
    if (live) { live.textContent = text; }
  }

  function clear(row) {
    row.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; });
    row.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
    row.querySelectorAll(".error").forEach(function (error) { error.remove(); });
    row.querySelectorAll(".has-error").forEach(function (field) { field.classList.remove("has-error"); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[name=row_action]");
    if (!button) { return; }
    var list = button.closest("[data-rows]");
    var form = button.form;
    if (!list || !form) { return; }
    event.preventDefault();
    var row = button.closest("[data-row]");
    var rows = list.querySelectorAll("[data-row]");
    if (button.hasAttribute("data-add")) {
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      clear(copy);
      last.after(copy);
      renumber(list);
      var first = copy.querySelector("input, textarea, select");
      if (first) { first.focus(); }
      announce(form, button.textContent.trim());
    } else if (button.hasAttribute("data-remove")) {
      if (rows.length === 1) { clear(row); } else { row.remove(); }
      renumber(list);
      var next = list.querySelector("[data-row] input, [data-add]");
      if (next) { next.focus(); }
      announce(form, button.textContent.trim());
    } else if (button.getAttribute("data-move") === "up" && row.previousElementSibling) {
      row.previousElementSibling.before(row);
      renumber(list);
      button.disabled ? row.querySelector('[data-move="down"]').focus() : button.focus();
      announce(form, button.textContent.trim());
    } else if (button.getAttribute("data-move") === "down" && row.nextElementSibling &&
               row.nextElementSibling.hasAttribute("data-row")) {
      row.nextElementSibling.after(row);
      renumber(list);
      button.disabled ? row.querySelector('[data-move="up"]').focus() : button.focus();
      announce(form, button.textContent.trim());
    }
  });

  // A new summary's one-time token. Staff pages are never cached, so Back fetches the form again
  // with a new token, while the browser restores what was typed: the token that was sent is kept
  // in this history entry's state, so Back, then Save, sends it again and the server opens the
  // summary that save already made.
  var once = document.querySelector("input[data-once]");
  if (once) {
    var state = history.state || {};
    if (state.once) {
      once.value = state.once;
    } else {
      history.replaceState(Object.assign({}, state, { once: once.value }), "");
    }
  }
})();
