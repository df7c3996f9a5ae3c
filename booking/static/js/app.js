// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // After a refused form, move focus to the summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Keep check-out after check-in while the member picks dates.
  var checkIn = document.getElementById("check_in");
  var checkOut = document.getElementById("check_out");
  if (checkIn && checkOut) {
    checkIn.addEventListener("change", function () {
      if (!checkIn.value) { return; }
      var next = new Date(checkIn.value + "T00:00:00Z");
      next.setUTCDate(next.getUTCDate() + 1);
      var min = next.toISOString().slice(0, 10);
      checkOut.min = min;
      if (!checkOut.value || checkOut.value < min) { checkOut.value = min; }
    });
  }

  // Booking forms: step 2 belongs to the choice it was built for (its shown_*
  // inputs). While step 1 says otherwise, step 2's choice is hidden and its
  // button disabled, so nobody books what the page no longer shows; the
  // server refuses such a booking too, for pages without this script.
  var twoStep = document.querySelector("form[data-two-step]");
  var step2 = document.getElementById("step2");
  if (twoStep && step2) {
    var choice = step2.querySelector(".step-choice");
    var stale = step2.querySelector(".step-stale");
    var shown = step2.querySelectorAll("input[type=hidden][name^=shown_]");
    var isStale = function () {
      for (var i = 0; i < shown.length; i++) {
        var input = twoStep.elements[shown[i].name.slice("shown_".length)];
        if (input && input.value !== shown[i].value) { return true; }
      }
      return false;
    };
    var sync = function () {
      var changed = isStale();
      choice.hidden = changed;
      Array.prototype.forEach.call(choice.querySelectorAll("select, button, input"), function (el) {
        el.disabled = changed;
      });
      if (changed && !stale.firstChild) {
        var note = document.createElement("p");
        note.className = "notice notice-info";
        note.textContent = stale.getAttribute("data-stale-message");
        stale.appendChild(note);
      } else if (!changed) {
        stale.textContent = "";
      }
    };
    twoStep.addEventListener("input", sync);
    twoStep.addEventListener("change", sync);
    window.addEventListener("pageshow", sync);  // a page restored with edited inputs
    sync();
    // "Show free desks" lands on #step2: take focus there (below the fold on a phone).
    if (window.location.hash === "#step2" && !summary) {
      step2.focus({ preventScroll: true });
      step2.scrollIntoView({ block: "start" });
    }
  }

  // "Copy" beside a read-only address (the calendar feed): shown only with this
  // script; without it the field is there to select and copy by hand.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });
})();

// Print buttons (the check-in QR sheet): no inline script under the CSP.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
