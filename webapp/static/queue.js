// The review queue keeps itself current: statuses, counts and who is working refresh every 30 s.
(function () {
  "use strict";
  const EVERY_MS = 30000;

  async function refresh() {
    const table = document.querySelector("[data-queue]");
    if (!table || document.hidden) return;
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      for (const row of data.rows) {
        const tr = table.querySelector(`[data-row="${row.id}"]`);
        if (!tr) continue;
        const badge = tr.querySelector("[data-status] .badge");
        badge.className = `badge badge-${row.status}`;
        badge.textContent = row.status_label;
        const waiting = tr.querySelector("[data-waiting]");
        waiting.textContent = waiting.textContent.replace(/\d+/, String(row.waiting)).replace(/(\d+)(\D*)$/, `${row.total}$2`);
        tr.querySelector("[data-people]").textContent = row.people.join(", ") || "—";
      }
    } catch (err) {
      // Offline for a moment: the next round tries again.
    }
  }

  document.addEventListener("DOMContentLoaded", () => window.setInterval(refresh, EVERY_MS));
})();
