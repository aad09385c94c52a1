/* The interaction table's filter box: typing part of a medicine's name, its class or
 * anything a row says keeps the matching rows and hides the others; a live region
 * announces how many rows match. The box is added here, so without JavaScript (and in
 * print, see interactions.css) the whole table shows.
 *
 * Hand-written: a list filter is a dozen lines and the book loads no library for it. */
(() => {
  "use strict";
  const table = document.querySelector("table.mdma-interactions");
  if (!table) return;
  const rows = Array.from(table.tBodies[0].rows);
  const wrapper = table.closest(".cell_output, .output, .table-wrapper") || table;
  const note = document.querySelector(".mdma-not-listed");
  if (note && !note.id) note.id = "mdma-not-listed";
  const box = document.createElement("div");
  box.className = "mdma-interactions-filter";
  box.innerHTML =
    `<label for="mdma-interactions-search">Find your medicine (generic or brand name, or class)</label>` +
    `<input id="mdma-interactions-search" type="search" autocomplete="off" spellcheck="false"` +
    ` aria-describedby="mdma-interactions-count ${note ? note.id : ""}">` +
    `<p id="mdma-interactions-count" class="mdma-interactions-count" role="status" aria-live="polite"></p>`;
  wrapper.parentNode.insertBefore(box, wrapper);
  const howTo = document.createElement("p");
  howTo.className = "mdma-interactions-howto";
  howTo.textContent = "Type the name of a medicine, or its class, in the box to narrow the table.";
  box.insertBefore(howTo, box.firstChild);
  const input = box.querySelector("input");
  const count = box.querySelector("#mdma-interactions-count");
  // Case, hyphens, dashes, apostrophes and spaces are ignored, so "5htp" finds "5-HTP"
  // and "St Johns" finds "St John's".
  const squash = (text) => text.toLowerCase().replace(/[\s\-\u2010-\u2015'\u2018\u2019\u02bc]+/g, "");
  // Each cell starts with its column's name (for the phone's cards); the filter ignores those names.
  const texts = rows.map((row) => {
    const copy = row.cloneNode(true);
    copy.querySelectorAll(".mdma-cell-label").forEach((label) => label.remove());
    return squash(copy.textContent);
  });

  function filter() {
    const query = squash(input.value);
    let shown = 0;
    rows.forEach((row, i) => {
      const match = !query || texts[i].includes(query);
      row.hidden = !match;
      if (match) shown += 1;
    });
    if (!query) count.textContent = `All ${rows.length} rows are shown.`;
    else if (shown === 0)
      count.textContent =
        `No row matches “${input.value.trim()}”. That does not mean it is safe with MDMA. ` +
        "If you typed a brand name, check the generic name on the box or the leaflet and type that. " +
        "Try its class instead (for example SSRI, SNRI, MAOI or stimulant), and see the note above " +
        "and “Not found in the sources read” below the table.";
    else count.textContent = `${shown} of ${rows.length} rows match “${input.value.trim()}”.`;
  }
  input.addEventListener("input", filter);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && input.value) {
      input.value = "";
      filter();
    }
  });
  filter();
})();
