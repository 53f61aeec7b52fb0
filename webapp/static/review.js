// The translator's workspace: save and approve in place, keep unsaved text, move with the keyboard.
// Without this script every segment form still posts and the page reloads (plain HTML fallback).
(function () {
  "use strict";

  const forms = () => Array.from(document.querySelectorAll("form.segment"));
  // Localized messages come from the page (data-* on .segments), never from this file.
  const say = (name) => (document.querySelector(".segments") || document.body).dataset[name] || "";
  const draftKey = (form) => `kakehashi:draft:${form.dataset.translation}:${form.dataset.segment}`;
  const textOf = (form) => form.querySelector("textarea");
  const versionOf = (form) => form.querySelector("input[name$='-version']");

  function markDirty(form, dirty) {
    form.classList.toggle("dirty", dirty);
  }

  // Unsaved text survives a reload: kept per segment, together with the version it was typed on.
  function keepDraft(form) {
    const box = textOf(form);
    const dirty = box.value !== box.defaultValue;
    markDirty(form, dirty);
    if (dirty) {
      localStorage.setItem(draftKey(form), JSON.stringify({ text: box.value, version: versionOf(form).value }));
    } else {
      localStorage.removeItem(draftKey(form));
    }
  }

  function restoreDraft(form, restoredLabel) {
    const saved = localStorage.getItem(draftKey(form));
    if (!saved) return;
    let draft;
    try { draft = JSON.parse(saved); } catch (e) { localStorage.removeItem(draftKey(form)); return; }
    const box = textOf(form);
    if (draft.text === box.defaultValue) { localStorage.removeItem(draftKey(form)); return; }
    box.value = draft.text;
    markDirty(form, true);
    show(form, restoredLabel, "info");
  }

  function show(form, message, kind) {
    const place = form.querySelector("[data-message]");
    place.replaceChildren();
    const p = document.createElement("p");
    p.className = kind === "error" ? "error" : "hint";
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = message;
    place.appendChild(p);
  }

  function applyState(form, state) {
    const seg = state.segment;
    const box = textOf(form);
    box.value = seg.text || "";
    box.defaultValue = box.value;
    versionOf(form).value = seg.version;
    form.dataset.status = seg.status;
    form.classList.remove("segment-pending", "segment-draft", "segment-approved", "has-error");
    form.classList.add(`segment-${seg.status}`);
    const badge = form.querySelector("[data-badge] .badge");
    badge.className = `badge badge-${seg.status}`;
    badge.textContent = seg.status_label;
    form.querySelector("[data-origin]").textContent = seg.origin_label;
    const inserted = form.querySelector("[data-inserted]");
    if (inserted) inserted.hidden = !seg.inserted;  // a person's text has no inserted terms
    const trBadge = document.querySelector("[data-translation-status] .badge");
    if (trBadge) {
      trBadge.className = `badge badge-${state.translation.status}`;
      trBadge.textContent = state.translation.status_label;
    }
    const waiting = document.querySelector("[data-waiting]");
    if (waiting && state.waiting_label) waiting.textContent = state.waiting_label;
    // Once nothing waits, the last step is offered at the top, not only below the last segment.
    const allApproved = document.querySelector("[data-all-approved]");
    if (allApproved && state.translation && typeof state.translation.waiting === "number") {
      const t = state.translation;
      allApproved.hidden = !(t.waiting === 0 && t.status !== "approved");
    }
    showFindings(form, state.qa);
    const reason = form.querySelector("[data-reason]");
    if (reason && state.qa) {
      reason.hidden = !state.qa.some((f) => f.severity === "warning");
      if (seg.status === "approved") reason.querySelector("input").value = "";
    }
    localStorage.removeItem(draftKey(form));
    markDirty(form, false);
  }

  // The quality findings beside a segment: of its saved text, or of the text just refused.
  function showFindings(form, findings) {
    const qa = form.querySelector("[data-qa]");
    if (!qa || !findings) return;
    qa.replaceChildren(...findings.map((f) => {
      const li = document.createElement("li");
      li.className = `qa-${f.severity}`;
      li.textContent = f.message;
      return li;
    }));
  }

  async function save(form, approve) {
    const data = new FormData(form);
    const approveField = form.querySelector("button[value='y']").name;
    if (approve) data.set(approveField, "y"); else data.delete(approveField);
    form.classList.add("busy");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        applyState(form, body);
        show(form, body.message, "info");
        return true;
      }
      const fields = body.fields ? Object.values(body.fields) : [];
      let message = fields.length ? fields.join(" ") : (body.error || response.statusText);
      if (response.status === 409 && body.current) {
        // Someone saved first: keep this text, show theirs, and let the next save replace it.
        versionOf(form).value = body.current_version;
        message = `${body.error} ${say("theirsLabel")} ${body.current.text || ""}`.trim();
      }
      form.classList.add("has-error");
      show(form, message, "error");
      showFindings(form, body.qa);
      const reason = form.querySelector("[data-reason]");
      if (reason && body.fields && body.fields.reason) {
        reason.hidden = false;  // approving over warnings: ask why
        reason.querySelector("input").focus();
      }
      return false;
    } catch (err) {
      show(form, say("offlineMessage") || String(err), "error");
      return false;
    } finally {
      form.classList.remove("busy");
    }
  }

  // A fresh machine draft of one segment comes through the worker: ask, then watch for it.
  async function requestMachine(form, button) {
    const data = new FormData(form);
    const response = await fetch(button.getAttribute("formaction"), {
      method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin",
    }).catch(() => null);
    const body = response ? await response.json().catch(() => ({})) : {};
    if (!response || !response.ok) {
      show(form, (body && body.error) || say("offlineMessage"), "error");
      return;
    }
    show(form, body.message, "info");
    const asked = Number(versionOf(form).value);
    for (let i = 0; i < 30; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const state = await fetch(button.dataset.state, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : null)).catch(() => null);
      if (state && state.segment.version !== asked) {
        if (form.classList.contains("dirty")) {
          show(form, say("machineArrivedMessage"), "info");  // never over unsaved typing
        } else {
          applyState(form, state);
          show(form, state.segment.origin_label, "info");
        }
        return;
      }
    }
    show(form, say("machineLateMessage"), "error");
  }

  function nextOpen(from) {
    const all = forms().filter((f) => f.dataset.status !== "approved" && f.offsetParent !== null);
    if (!all.length) return;
    const start = from ? all.findIndex((f) => f.compareDocumentPosition(from) & Node.DOCUMENT_POSITION_PRECEDING) : 0;
    const target = all[start >= 0 ? start : 0];
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    textOf(target).focus();
  }

  // Memory matches not looked up as the page opened: fetched (as the page's own markup) when
  // the translator reaches the segment, or asks for them.
  async function loadMatches(form) {
    const later = form.querySelector("[data-matches-url]");
    if (!later || later.dataset.loading) return;
    later.dataset.loading = "1";
    try {
      const response = await fetch(later.dataset.matchesUrl, {
        headers: { Accept: "text/html" }, credentials: "same-origin",
      });
      if (!response.ok) throw new Error(response.statusText);
      const html = await response.text();
      later.insertAdjacentHTML("afterend", html);
      later.remove();
    } catch (err) {
      delete later.dataset.loading;  // the link still works: a reload with every match
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.documentElement.classList.add("js");
    const restoredLabel = say("restoredMessage");
    for (const form of forms()) {
      restoreDraft(form, restoredLabel);
      textOf(form).addEventListener("input", () => keepDraft(form));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (event.submitter && event.submitter.hasAttribute("data-machine")) {
          requestMachine(form, event.submitter);
          return;
        }
        if (event.submitter && event.submitter.hasAttribute("data-use-match")) {
          // A memory match goes into the box; nothing is saved until the translator says so.
          textOf(form).value = event.submitter.dataset.text;
          keepDraft(form);
          textOf(form).focus();
          return;
        }
        const approve = event.submitter ? event.submitter.value === "y" : false;
        save(form, approve).then((ok) => { if (ok && approve) nextOpen(form); });
      });
      if (form.querySelector("[data-matches-url]")) {
        form.addEventListener("focusin", () => loadMatches(form));
        form.querySelector("[data-look-up-matches]").addEventListener("click", (event) => {
          event.preventDefault();
          loadMatches(form);
        });
      }
      const usePrevious = form.querySelector("[data-use-previous]");
      if (usePrevious) {
        usePrevious.addEventListener("click", () => {
          textOf(form).value = form.querySelector(".previous-text").textContent;
          keepDraft(form);
          textOf(form).focus();
        });
      }
    }
    const next = document.querySelector("[data-next-open]");
    if (next) next.addEventListener("click", () => nextOpen(null));

    document.addEventListener("keydown", (event) => {
      const form = event.target.closest && event.target.closest("form.segment");
      if (event.altKey && event.key === "ArrowDown") {
        event.preventDefault();
        nextOpen(form);
      } else if (form && (event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        save(form, true).then((ok) => { if (ok) nextOpen(form); });
      } else if (form && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        save(form, false);
      }
    });

    // Machine drafts on their way: every 5 s, ask which segments changed and show their drafts,
    // never over text typed and not yet saved (that box says a draft arrived instead).
    const segments = document.querySelector(".segments");
    if (segments && segments.dataset.poll) {
      const poll = async () => {
        if (document.hidden) return true;
        let now;
        try {
          const response = await fetch(segments.dataset.poll, { headers: { Accept: "application/json" } });
          if (!response.ok) return true;
          now = await response.json();
        } catch (err) { return true; }
        for (const form of forms()) {
          const version = now.segments[form.dataset.segment];
          if (version === undefined || String(version) === versionOf(form).value) continue;
          if (form.classList.contains("dirty") || form.classList.contains("busy")) {
            show(form, say("machineArrivedMessage"), "info");
            continue;
          }
          const stateUrl = form.querySelector("[data-state]");
          if (!stateUrl) continue;
          const state = await fetch(stateUrl.dataset.state, { headers: { Accept: "application/json" } })
            .then((r) => (r.ok ? r.json() : null)).catch(() => null);
          if (state && !form.classList.contains("dirty")) {
            applyState(form, state);
            show(form, say("machineDraftMessage"), "info");
          }
        }
        if (!now.machine_pending) {
          const waiting = document.querySelector("[data-machine-waiting]");
          if (waiting) waiting.hidden = true;
          return false;
        }
        return true;
      };
      const again = async () => { if (await poll()) window.setTimeout(again, 5000); };
      window.setTimeout(again, 5000);
    }

    // Presence: say while the page is visible that it is open, and show who else has it open;
    // say so at once when it hides or closes, so that nobody is shown here after leaving.
    const presence = document.querySelector("[data-presence]");
    if (presence) {
      const form = () => {
        const body = new FormData();
        body.set("csrf_token", presence.dataset.token);
        return body;
      };
      const beat = async () => {
        if (document.hidden) return;
        try {
          const response = await fetch(presence.dataset.url, {
            method: "POST", body: form(), headers: { Accept: "application/json" }, credentials: "same-origin",
          });
          if (!response.ok) return;
          const data = await response.json();
          presence.textContent = data.others.length ? `${presence.dataset.label} ${data.others.join("; ")}` : "";
        } catch (err) { /* try again at the next beat */ }
      };
      const leave = () => { navigator.sendBeacon(presence.dataset.leaveUrl, form()); };
      window.setInterval(beat, Number(presence.dataset.beatMs) || 30000);
      window.addEventListener("pagehide", leave);
      document.addEventListener("visibilitychange", () => { if (document.hidden) leave(); else beat(); });
      window.addEventListener("pageshow", (event) => { if (event.persisted) beat(); });  // back from the cache
    }

    // Leaving with unsaved text asks first (the text is also kept for the next visit).
    window.addEventListener("beforeunload", (event) => {
      if (document.querySelector("form.segment.dirty")) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
