/* Glossary definitions in place: hover, keyboard focus or a first tap on a term link
 * shows the term's definition beside it; Escape, moving away or a tap elsewhere hides it.
 *
 * Hand-written rather than vendored (tippy.js with Popper is about 30 kB and brings
 * its own update cycle): the book needs one behaviour, the WAI-ARIA tooltip pattern
 * (role="tooltip", aria-describedby, Escape closes, stays while hovered), and this
 * file does it with no dependency and no request: the definitions are embedded in
 * the page at build time by mdma_book.site.learning. */
(() => {
  "use strict";
  const data = document.getElementById("mdma-term-definitions");
  if (!data) return;
  const definitions = JSON.parse(data.textContent);
  const tip = document.createElement("div");
  tip.id = "mdma-term-tip";
  tip.className = "mdma-term-tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);

  let current = null;
  let hideTimer = null;
  let lastPointer = "mouse";
  let shownBeforeTap = false;

  const keyOf = (link) => decodeURIComponent(link.hash.slice(1));

  // The part of the page on the screen: the visual viewport. innerWidth/innerHeight give the
  // layout viewport, which on a phone can be wider and taller than the screen.
  function screenBox() {
    const view = window.visualViewport;
    const width = Math.min(view ? view.width : window.innerWidth, document.documentElement.clientWidth);
    return view
      ? { left: view.offsetLeft, top: view.offsetTop, width, height: view.height }
      : { left: 0, top: 0, width, height: window.innerHeight };
  }

  function place(link) {
    const box = link.getBoundingClientRect();
    const view = screenBox();
    const width = Math.min(340, view.width - 16);
    tip.style.width = width + "px";
    const left = Math.max(view.left + 8, Math.min(box.left, view.left + view.width - width - 8));
    tip.style.left = left + window.scrollX + "px";
    const below = box.bottom + 6;
    const height = tip.offsetHeight;
    const fitsAbove = box.top - height - 6 > view.top;
    const top = below + height > view.top + view.height && fitsAbove ? box.top - height - 6 : below;
    tip.style.top = top + window.scrollY + "px";
  }

  function show(link) {
    clearTimeout(hideTimer);
    const definition = definitions[keyOf(link)];
    if (!definition) return;
    if (current && current !== link) current.removeAttribute("aria-describedby");
    tip.textContent = "";
    const term = document.createElement("strong");
    term.textContent = definition.term + ": ";
    tip.append(term, definition.text);
    tip.hidden = false;
    current = link;
    link.setAttribute("aria-describedby", tip.id);
    place(link);
  }

  function hide() {
    clearTimeout(hideTimer);
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    tip.hidden = true;
  }

  const hideSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 200);
  };

  const links = Array.from(document.querySelectorAll("a.reference.internal")).filter(
    (link) => link.querySelector(".std-term") && definitions[keyOf(link)],
  );
  for (const link of links) {
    link.classList.add("mdma-term");
    link.addEventListener("mouseenter", () => show(link));
    link.addEventListener("mouseleave", () => document.activeElement !== link && hideSoon());
    link.addEventListener("focus", () => show(link));
    link.addEventListener("blur", hideSoon);
    link.addEventListener("pointerdown", (event) => {
      lastPointer = event.pointerType;
      shownBeforeTap = current === link && !tip.hidden;
    });
    link.addEventListener("click", (event) => {
      // On touch there is no hover: the first tap shows the definition, a second follows the link.
      // (A tap also fires mouseenter before the click, so remember what was shown before it.)
      if (lastPointer === "touch" && !shownBeforeTap) {
        event.preventDefault();
        show(link);
      }
    });
  }
  tip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
  tip.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) hide();
  });
  document.addEventListener("pointerdown", (event) => {
    if (current && !current.contains(event.target) && !tip.contains(event.target)) hide();
  });
  window.addEventListener("resize", () => current && place(current));
})();
