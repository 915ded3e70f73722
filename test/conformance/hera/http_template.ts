import { http, param, workflow } from "skiff";

export const hera = "misc/http.yaml";

const request = http({
  name: "http",
  inputs: { url: param({ value: "https://example.com" }) },
  url: "{{inputs.parameters.url}}",
  method: "GET",
  body: "test body",
  headers: { "x-header-name": "test-value" },
  successCondition: "response.body contains 'google'",
  timeoutSeconds: 20,
});

export default workflow({ generateName: "http-", entrypoint: request });
