// The Django admin, to WCAG 2.2 AA where its own scripts fall short (tests/browser/test_axe.py).
// templates/admin/base_site.html loads this file deferred: after the page's own scripts, before
// they set up their widgets.
"use strict";
{
  const $ = window.django && window.django.jQuery;

  // 4.1.2 name: an autocomplete's search box (select2) has no label. It takes its field's:
  // the box inside a many-valued field, and the one in the list a single-valued field opens.
  const nameSearch = (select) => {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    const widget = $(select).data("select2");
    if (!label || !widget) return;
    label.id = label.id || `${select.id}_label`;
    widget.$container.add(widget.$dropdown).find(".select2-search__field")
      .attr("aria-labelledby", label.id);
  };

  if ($ && $.fn.djangoAdminSelect2) {
    const setUp = $.fn.djangoAdminSelect2;
    $.fn.djangoAdminSelect2 = function () {
      setUp.call(this);
      return this.each((i, select) => nameSearch(select));
    };
    $(document).on("select2:open", ".admin-autocomplete", (event) => nameSearch(event.target));
  }
}
