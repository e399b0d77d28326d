// Small helps for the archive's admin; the admin works without them.
(function () {
  "use strict";

  // A new talk, speaker or link gets the next free number («№ в программе», «порядок»).
  function fillOrder(row) {
    if (!row || !row.id) {
      return;
    }
    var input = row.querySelector('input[name="' + row.id + '-order"]');
    var prefix = row.id.replace(/-\d+$/, "");
    if (!input || prefix === row.id) {
      return;
    }
    var pattern = new RegExp("^" + prefix.replace(/[-]/g, "\\-") + "-\\d+-order$");
    var used = [];
    document.querySelectorAll('input[name$="-order"]').forEach(function (other) {
      if (other !== input && pattern.test(other.name) && other.value && !other.closest(".empty-form")) {
        used.push(parseInt(other.value, 10) || 0);
      }
    });
    var value = parseInt(input.value, 10);
    if (!value || used.indexOf(value) !== -1) {
      input.value = String(Math.max.apply(null, used.concat([0])) + 1);
    }
  }

  document.addEventListener("formset:added", function (event) {
    fillOrder(event.target);
  });
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("djnesting:added", function (event, inlineGroup, row) {
      fillOrder(row && row.jquery ? row[0] : row);
    });
  }

  // «+» beside a locality (or a department) opens the new record with the region (the library)
  // already chosen in this form. Runs in the capture phase, before Django opens the pop-up.
  var INHERIT = {locality: ["region", "region"], localities: ["region", "regions"], department: ["library", "library"]};
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.add-related");
    if (!link || !link.id) {
      return;
    }
    var match = /^add_id_(.*?)(localities|locality|department)$/.exec(link.id);
    if (!match) {
      return;
    }
    var rule = INHERIT[match[2]];
    // A seminar's «отдел организатора» takes the organiser itself.
    var source =
      document.getElementById("id_" + match[1] + rule[1]) ||
      (match[2] === "department" && document.getElementById("id_" + match[1].replace(/_$/, "")));
    var value = source && (source.multiple ? (source.selectedOptions[0] || {}).value : source.value);
    var url = new URL(link.href, window.location.href);
    if (value) {
      url.searchParams.set(rule[0], value);
    } else {
      url.searchParams.delete(rule[0]);
    }
    link.href = url.pathname + url.search;
  }, true);

  // The changelist's region filter as a dropdown: choosing a region opens its list.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select.filter-dropdown");
    if (select && select.value) {
      window.location.search = select.value;
    }
  });
})();
