// The API docs' Swagger UI plugin (coherence/settings.py's SWAGGER_UI_SETTINGS passes it):
// an operation's path is shown as text, not as a link inside the button that opens the
// operation (a link in a button is two controls in one, WCAG 4.1.2). The address bar still
// gives each opened operation its own link (deepLinking).
"use strict";

window.CoherenceApiDocs = {
  plugin(system) {
    return {
      wrapComponents: {
        DeepLink: () => (props) => system.React.createElement("span", null, props.text),
      },
    };
  },
};
