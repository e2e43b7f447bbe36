// A "Copy" button beside each feed address on the index. Progressive enhancement: without
// this script the address is still there, in a readonly field, to select and copy by hand.
// The words come from the list's data-copy and data-copied attributes (the page's language).
"use strict";
for (const list of document.querySelectorAll("ul[data-copy]")) {
  for (const field of list.querySelectorAll("input[type=url]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = list.dataset.copy;
    button.setAttribute("aria-describedby", field.id);
    button.setAttribute("aria-live", "polite");
    const select = () => {  // no clipboard (an insecure page, or refused): ready for Ctrl+C
      field.focus();
      field.select();
    };
    button.addEventListener("click", () => {
      if (!navigator.clipboard) {
        select();
        return;
      }
      navigator.clipboard.writeText(field.value).then(() => {
        button.textContent = list.dataset.copied;
      }, select);
    });
    button.addEventListener("blur", () => {
      button.textContent = list.dataset.copy;
    });
    field.after(" ", button);
  }
}
