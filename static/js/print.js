// «Печать» on the printable resolution; without JavaScript the hint beside it says Ctrl+P.
(function () {
  "use strict";
  var button = document.querySelector(".print-button");
  if (!button || !window.print) {
    return;
  }
  button.hidden = false;
  document.querySelector(".print-hint").hidden = true;
  button.addEventListener("click", function () {
    window.print();
  });
})();
