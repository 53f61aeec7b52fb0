// A "Copy" button beside a shown-once value (an invitation link): it copies the text of the
// element its data-copy names and says so; without the Clipboard API the text stays selectable.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value || source.textContent.trim());
        button.textContent = button.dataset.done;
      } catch (error) {
        source.select?.();
      }
    });
  }
});
