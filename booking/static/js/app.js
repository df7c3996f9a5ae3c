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
})();
