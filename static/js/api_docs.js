// The API docs' Swagger UI, to WCAG 2.2 AA where its own components fall short
// (tests/browser/test_axe.py). coherence/settings.py's SWAGGER_UI_SETTINGS passes the plugin;
// templates/api/swagger_ui.html loads this file before Swagger UI starts.
"use strict";
{
  // What Swagger UI renders without a name, or with one that hides its visible text (4.1.2,
  // 2.5.3), and the code boxes that scroll without a keyboard reaching them (2.1.1). Run
  // whenever Swagger UI renders: opening an operation, trying it out, the authorize dialog.
  const CODE = [
    ["pre.curl", "curl"],
    [".highlight-code > pre.microlight", "Example"],
  ];
  const repair = (root) => {
    root.querySelectorAll(".close-modal:not([aria-label])").forEach((button) => {
      button.setAttribute("aria-label", "Close");
    });
    root.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach((button) => {
      button.removeAttribute("aria-label"); // "Apply credentials" on a button reading Authorize
    });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach((select) => {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    for (const [selector, name] of CODE) {
      root.querySelectorAll(`${selector}:not([tabindex])`).forEach((pre) => {
        pre.setAttribute("tabindex", "0");
        pre.setAttribute("role", "region");
        pre.setAttribute("aria-label", name);
      });
    }
  };

  window.CoherenceApiDocs = {
    plugin(system) {
      return {
        // An operation's path as text, not as a link inside the button that opens the
        // operation (two controls in one); with deepLinking the address bar still gives
        // each opened operation its own link.
        wrapComponents: {
          DeepLink: () => (props) => system.React.createElement("span", null, props.text),
        },
        afterLoad() {
          const root = document.getElementById("swagger-ui");
          new MutationObserver(() => repair(root)).observe(root, {
            childList: true,
            subtree: true,
          });
          repair(root);
        },
      };
    },
  };
}
