// As-you-type suggestions for the talk filter's library, speaker and seminar boxes.
// Without JavaScript the boxes still work: the server matches the typed text by name or slug.
(function () {
  "use strict";

  function enhance(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.insertAdjacentElement("afterend", list);
    var timer = null;
    var last = "";

    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        last = text;
        var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.label = item.label;
              option.textContent = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* Suggestions are a convenience: typing still works. */ });
      }, 200);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(enhance);
})();
