// Nothing typed on a staff form is lost when the session ends (or the page is left unsaved).
// The translator's workspace (review.js) keeps each segment's unsaved text in localStorage; this
// does the same for every other staff form that posts, and resumes the save after signing in:
//  - as a person types, the form's fields are kept under this user, the form's address and its
//    place on the page (never passwords, files or the CSRF token);
//  - a form sent while the session has ended lands on the sign-in page (which says so); after
//    signing in, the server sends the person back to the page of the form, where the kept fields
//    are put back and the form is sent again, with the new page's own CSRF token and the
//    version the text was typed on (so a change by someone else meanwhile is a conflict, not
//    overwritten);
//  - a form that was sent and not shown again with errors was saved: its kept fields go;
//  - kept text found on a later visit is put back with a note, to save or discard.
// Localized messages come from the page (data-* on this script's tag), never from this file.
(function () {
  "use strict";

  const me = document.currentScript;
  const say = (name) => (me && me.dataset[name]) || "";
  const user = me ? me.dataset.user || "" : "";
  const PREFIX = "kakehashi:keep:";
  const SENT = "kakehashi:keep:sent";  // sessionStorage: this tab's last form sent
  const KEEP_MS = 14 * 24 * 3600 * 1000;  // unsaved text older than this is dropped
  const RESUME_MS = 12 * 3600 * 1000;  // a save interrupted longer ago is offered, not resumed
  const TEXT = new Set([
    "text", "email", "url", "tel", "number", "date", "time", "datetime-local", "month", "week",
  ]);

  const typed = (el) => el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && TEXT.has(el.type));

  // What is kept: what a person types or picks, and the version the form was opened at.
  function kept(el) {
    if (!el.name || el.disabled || el.name === "csrf_token") return false;
    if (typed(el) || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    if (el.type === "checkbox" || el.type === "radio") return true;
    return el.type === "hidden" && /(^|[-_])version$/.test(el.name);
  }

  const fields = (form, name) =>
    Array.from(form.elements).filter((el) => kept(el) && (name === undefined || el.name === name));

  function keptForms() {
    return Array.from(document.querySelectorAll("form")).filter((form) =>
      form.method === "post" && !form.matches(".segment, [data-keep='off']") &&
      Array.from(form.elements).some((el) => typed(el) && el.name));
  }

  // The form's address and its place among the forms posting there.
  function keyOf(form, all) {
    const path = new URL(form.action, window.location.href).pathname;
    const same = all.filter((f) => new URL(f.action, window.location.href).pathname === path);
    const name = form.getAttribute("name") || form.id || String(same.indexOf(form));
    return `${PREFIX}${user}:${path}:${name}`;
  }

  function snapshot(form) {
    const values = {};
    for (const el of fields(form)) {
      const list = values[el.name] || (values[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else if (el.tagName === "SELECT") {
        for (const option of el.selectedOptions) list.push(option.value);
      } else {
        list.push(el.value);
      }
    }
    return values;
  }

  function dirty(form) {
    return fields(form).some((el) => {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
      return el.type !== "hidden" && el.value !== el.defaultValue;
    });
  }

  // Whether the typed text kept differs from what the page shows.
  function differs(form, values) {
    const now = snapshot(form);
    return Object.keys(values).some((name) => {
      const el = fields(form, name)[0];
      if (el && !typed(el)) return false;
      return JSON.stringify(values[name]) !== JSON.stringify(now[name] || [""]);
    });
  }

  // A row the structured editor had added (participants-3-name) is added again first.
  function grow(form, name) {
    const match = /^(.+)-(\d+)-/.exec(name);
    if (!match) return;
    const list = form.querySelector(`[data-rows="${CSS.escape(match[1])}"]`);
    const add = list && list.querySelector("[data-add]");
    for (let i = 0; add && i < 50 && list.querySelectorAll("[data-row]").length <= Number(match[2]); i += 1) {
      add.click();
    }
  }

  // Puts the kept values back; false when some kept text found no field to go into.
  function apply(form, values) {
    let placed = true;
    for (const [name, list] of Object.entries(values)) {
      let els = fields(form, name);
      if (!els.length) {
        grow(form, name);
        els = fields(form, name);
      }
      if (!els.length) {
        if (list.some((v) => v !== "")) placed = false;
        continue;
      }
      let i = 0;
      for (const el of els) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = list.includes(el.value);
        } else if (el.tagName === "SELECT") {
          for (const option of el.options) option.selected = list.includes(option.value);
        } else if (i < list.length) {
          el.value = list[i];
          i += 1;
        }
      }
    }
    for (let box = form.closest("details"); box; box = box.parentElement.closest("details")) {
      box.open = true;
    }
    return placed;
  }

  const read = (store, key) => {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  };
  const keep = (key, form) => {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: snapshot(form) }));
    } catch (e) { /* storage full or refused: the form still posts as usual */ }
  };
  const forget = (key) => localStorage.removeItem(key);

  function note(form, key, message, withDiscard) {
    const old = form.querySelector("[data-keep-note]");
    if (old) old.remove();
    const p = document.createElement("p");
    p.className = "flash";
    p.setAttribute("role", "status");
    p.dataset.keepNote = "";
    p.textContent = `${message} `;
    if (withDiscard) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = say("discard");
      button.addEventListener("click", () => {
        forget(key);
        form.reset();
        p.remove();
      });
      p.appendChild(button);
    }
    form.prepend(p);
  }

  // The answer to the last form sent was a page with errors (the form is shown again).
  function failed(form) {
    const nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (nav && nav.responseStatus >= 400) return true;
    return Boolean((form || document).querySelector(".error, .flash-error, [aria-invalid='true']"));
  }

  const buttons = (form) => Array.from(form.elements).filter((el) => el.type === "submit");

  // The same button again (its name, value and formaction go with it), or none if it changed.
  function resubmit(form, submitter) {
    let button = null;
    if (submitter) {
      button = buttons(form)[submitter.index];
      if (!button || button.name !== submitter.name || button.value !== submitter.value) return false;
    }
    window.setTimeout(() => (button ? form.requestSubmit(button) : form.requestSubmit()), 0);
    return true;
  }

  function prune() {
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(PREFIX)) continue;
      const draft = read(localStorage, key);
      if (!draft || !(Date.now() - draft.at < KEEP_MS)) forget(key);
    }
  }

  // A form sent from this tab: its fields are kept until a page shows it was saved.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !user || !keptForms().includes(form)) return;
    const key = keyOf(form, keptForms());
    keep(key, form);
    const by = event.submitter;
    sessionStorage.setItem(SENT, JSON.stringify({
      key, user, at: Date.now(), signIn: false,
      submitter: by ? { index: buttons(form).indexOf(by), name: by.name, value: by.value } : null,
    }));
  });

  document.addEventListener("DOMContentLoaded", () => {
    const sent = read(sessionStorage, SENT);
    if (!user) {
      // The sign-in page: the form sent is resumed on the first page after signing in.
      if (sent) sessionStorage.setItem(SENT, JSON.stringify({ ...sent, signIn: true }));
      return;
    }
    sessionStorage.removeItem(SENT);
    prune();
    const all = keptForms();
    const mine = sent && sent.user === user ? sent : null;
    let sentFormHere = false;
    for (const form of all) {
      const key = keyOf(form, all);
      form.addEventListener("input", () => (dirty(form) ? keep(key, form) : forget(key)));
      form.addEventListener("change", () => (dirty(form) ? keep(key, form) : forget(key)));
      const draft = read(localStorage, key);
      const wasSent = mine && mine.key === key;
      if (wasSent) sentFormHere = true;
      if (!draft) continue;
      if (wasSent && mine.signIn && Date.now() - mine.at < RESUME_MS) {
        // Signed in again: put the text back and send it, as the person had asked.
        const placed = apply(form, draft.values);
        if (placed && resubmit(form, mine.submitter)) {
          note(form, key, say("resuming"), false);
        } else {
          note(form, key, say("restored"), true);
        }
      } else if (wasSent && !mine.signIn) {
        if (!failed(form)) forget(key);  // saved; with errors the page shows the input itself
      } else if (!differs(form, draft.values)) {
        forget(key);
      } else {
        apply(form, draft.values);
        note(form, key, say("restored"), true);
      }
    }
    // Sent, and the answer was another page without errors: it was saved.
    if (mine && !mine.signIn && !sentFormHere && !failed(null)) forget(mine.key);
  });
})();
