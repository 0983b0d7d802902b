// The page under test: react-jsonschema-form with the ajv8 validator, as NWB GUIDE-like tools use it.
// It loads one case ({schema, formData}) from /case.json and records every submit on window.__submits.
import React from "react";
import { createRoot } from "react-dom/client";
import Form from "@rjsf/core";
import { customizeValidator } from "@rjsf/validator-ajv8";

// poseconv's schemas mark file inputs with NWB GUIDE's "file-path" format, which ajv does not know;
// any string is a valid path here (existence is the converter's check, not the form's).
const validator = customizeValidator({
  customFormats: { "file-path": () => true, "directory-path": () => true },
});

window.__submits = [];

function record(entry) {
  window.__submits.push(entry);
  document.body.dataset.submits = String(window.__submits.length);
}

async function main() {
  const { schema, formData } = await (await fetch("/case.json")).json();
  createRoot(document.getElementById("root")).render(
    <Form
      schema={schema}
      formData={formData}
      validator={validator}
      showErrorList="top"
      onSubmit={({ formData: submitted }) => record({ formData: submitted })}
      onError={(errors) =>
        record({ errors: errors.map(({ property, message, stack }) => ({ property, message, stack })) })
      }
    />,
  );
  document.body.dataset.ready = "yes";
}

main().catch((error) => {
  document.body.dataset.loadError = String(error && error.stack ? error.stack : error);
});
