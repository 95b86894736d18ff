// "Imprimer la fiche": a funder's one-page PDF of an opportunity or a match
// (GET /api/…/fiche.pdf), opened in a new tab. The PDF is fetched by the API
// client, so the session cookie or the pasted token goes with it as for the
// exports; the tab is opened at the click (a tab opened after the answer is
// a pop-up browsers block) and shown the PDF when it arrives.

import * as api from "./api.js";
import { element } from "./dom.js";

export function ficheButton(path, fallbackName) {
  const button = element("button", { class: "secondary fiche-button", text: "Imprimer la fiche" });
  button.type = "button";
  const status = element("span", { class: "hint fiche-status", text: "" });
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    const tab = window.open("", "_blank");
    button.disabled = true;
    status.textContent = "Préparation de la fiche…";
    try {
      const { blob, name } = await api.getBlob(path);
      const url = URL.createObjectURL(blob);
      if (tab) {
        tab.location.href = url;
      } else {
        const a = element("a", { href: url, download: name ?? fallbackName });
        document.body.append(a);
        a.click();
        a.remove();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.textContent = "";
    } catch (e) {
      tab?.close();
      status.textContent = `Fiche indisponible : ${e.message}`;
    } finally {
      button.disabled = false;
    }
  });
  const block = element("div", { class: "fiche" });
  block.append(button, status);
  return block;
}
