/* ReqHub requirement pages: customer type-ahead, copy buttons, bulk selection, confirmations.
   Every page works without this file; it only makes them quicker to use. */
(function () {
  "use strict";

  // --- Customer type-ahead (intake page): htmx fills the options, a pick fills the field.
  function results(field) {
    return field.querySelector(".typeahead-results");
  }

  function closeList(field) {
    results(field).innerHTML = "";
    field.querySelector("input").setAttribute("aria-expanded", "false");
  }

  function pick(option) {
    const field = option.closest("[data-typeahead]");
    const input = field.querySelector("input");
    input.value = option.dataset.pick;
    closeList(field);
    input.focus();
    // The contact select and the duplicate check listen for this (hx-trigger="... from:#id").
    input.dispatchEvent(new CustomEvent("customer-picked", { bubbles: true }));
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    const field = event.target.closest && event.target.closest("[data-typeahead]");
    if (field) {
      const open = results(field).children.length > 0;
      field.querySelector("input").setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  document.addEventListener("keydown", function (event) {
    const field = event.target.closest && event.target.closest("[data-typeahead]");
    if (!field) return;
    const options = Array.from(field.querySelectorAll("[data-pick]"));
    const input = field.querySelector("input");
    const index = options.indexOf(document.activeElement);
    if (event.key === "Escape") {
      closeList(field);
      input.focus();
    } else if (!options.length) {
      return;
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      options[Math.min(index + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index <= 0) input.focus();
      else options[index - 1].focus();
    } else if (event.key === "Enter" && event.target === input) {
      // Enter picks the first match instead of submitting a half-filled form.
      event.preventDefault();
      pick(options[0]);
    }
  });

  // --- Copy buttons: <button data-copy="#selector" data-copied="Copied">.
  function copyText(button) {
    const target = document.querySelector(button.dataset.copy);
    if (!target) return;
    const text = target.tagName === "INPUT" ? target.value : target.textContent.trim();
    const original = button.textContent;
    const done = function () {
      button.textContent = button.dataset.copied || original;
      window.setTimeout(function () { button.textContent = original; }, 1500);
    };
    const fallback = function () {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        if (document.execCommand("copy")) done();
      } finally {
        area.remove();
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    const option = event.target.closest("[data-pick]");
    if (option) {
      pick(option);
      return;
    }
    document.querySelectorAll("[data-typeahead]").forEach(function (field) {
      if (!field.contains(event.target)) closeList(field);
    });
    const copy = event.target.closest("[data-copy]");
    if (copy) copyText(copy);
    // <button data-fill="#field" data-value="…" data-open="details">: fill a form field.
    const fill = event.target.closest("[data-fill]");
    if (fill) {
      const opened = fill.dataset.open && document.querySelector(fill.dataset.open);
      if (opened) opened.open = true;
      const field = document.querySelector(fill.dataset.fill);
      if (field) {
        field.value = fill.dataset.value;
        field.focus();
      }
    }
    const confirming = event.target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.dataset.confirm)) event.preventDefault();
  });

  // --- Bulk screening on the pool page.
  function initBulk() {
    const form = document.getElementById("bulk-form");
    if (!form) return;
    const all = document.getElementById("bulk-all");
    const count = document.getElementById("bulk-count");
    const apply = document.getElementById("bulk-apply");
    const to = document.getElementById("bulk-to");
    const reason = document.getElementById("bulk-reason");
    const boxes = function () {
      return Array.from(form.querySelectorAll("input[name=numbers]"));
    };
    const refresh = function () {
      const checked = boxes().filter(function (b) { return b.checked; }).length;
      const needsReason = !!(to && to.selectedOptions[0].hasAttribute("data-reason-required"));
      if (count) count.textContent = String(checked);
      if (reason) reason.required = needsReason;
      if (apply) apply.disabled = checked === 0 || (needsReason && !reason.value.trim());
      if (all) {
        all.checked = checked > 0 && checked === boxes().length;
        all.indeterminate = checked > 0 && checked < boxes().length;
      }
      form.querySelectorAll("tbody tr").forEach(function (row) {
        const box = row.querySelector("input[name=numbers]");
        row.classList.toggle("selected", !!(box && box.checked));
      });
    };
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        refresh();
      });
    }
    form.addEventListener("change", refresh);
    form.addEventListener("input", refresh);
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initBulk);
  } else {
    initBulk();
  }
})();
