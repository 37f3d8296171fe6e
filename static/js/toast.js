// One place to tell the user that something went wrong, in words.

let timer = null;

export function toast(error) {
  if (error?.name === "AbortError") return; // a cancelled fetch is not news
  const box = document.getElementById("toast");
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => { box.hidden = true; }, 6000);
}
