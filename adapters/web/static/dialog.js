// The delete dialog: one in-page modal with three answers (Escape or Cancel backs out).

const $ = (id) => document.getElementById(id);

// Resolves to "keep" (delete the job, keep its run folder), "remove" (delete both) or null.
export function askDelete(name, status) {
  const dialog = $("delete-dialog");
  const live = status === "running" || status === "paused";
  $("delete-question").textContent = `Delete job “${name}”?${live ? " It is stopped first." : ""}`;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const answer = dialog.returnValue;
      resolve(answer === "keep" || answer === "remove" ? answer : null);
    }, { once: true });
    dialog.showModal();
  });
}
