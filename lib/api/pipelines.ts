import Negotiator from "negotiator";
import { keys } from "../ports/spec-store";
import type { ApiDeps } from "./deps";
import { badRequest, notFound } from "./errors";
import { type ApiRequest, type ApiResponse, json, text } from "./http";
import { pipelineNameParam } from "./params";
import { pageBody, pageQuery } from "./query";
import { parseStoredSpec } from "./stored-spec";

export const pipelineLinks = (name: string) => ({
  self: `/pipelines/${name}`,
  runs: `/runs?pipeline=${name}`,
  run: `/pipelines/${name}/runs`,
});

/** `GET /pipelines` */
export async function listPipelines(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const page = await deps.pipelines.listPipelines(pageQuery(request, deps.config.limits));
  return json(
    200,
    pageBody(page, (p) => ({ ...p, links: pipelineLinks(p.name) })),
  );
}

/** `GET /pipelines/{name}`: the pipeline, its versions (newest first) and the last build's diagnostics. */
export async function getPipeline(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const name = pipelineNameParam(request);
  const pipeline = await deps.pipelines.getPipeline(name);
  if (!pipeline) throw notFound(`pipeline ${name} does not exist`);
  const versions = await deps.pipelines.listVersions(name, pageQuery(request, deps.config.limits));
  return json(200, {
    ...pipeline,
    versions: versions.items.map((v) => ({
      ...v,
      ...(v.ok ? { specKey: keys.spec(name, v.version), links: { spec: specLink(name, v.version) } } : {}),
    })),
    ...(versions.cursor ? { cursor: versions.cursor } : {}),
    links: pipelineLinks(name),
  });
}

const specLink = (name: string, version: string) => `/pipelines/${name}/versions/${version}/spec`;

/**
 * `GET /pipelines/{name}/versions/{version}/spec`: the compiled Spec (`latest` names the latest good version), as
 * YAML unless the `Accept` header prefers JSON.
 */
export async function getSpec(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const name = pipelineNameParam(request);
  let version = request.pathParameters.version ?? "";
  if (version === "latest") {
    const pipeline = await deps.pipelines.getPipeline(name);
    if (!pipeline) throw notFound(`pipeline ${name} does not exist`);
    if (!pipeline.latestGoodVersion) throw notFound(`pipeline ${name} has no successful build`);
    version = pipeline.latestGoodVersion;
  } else if (!/^v[1-9]\d{0,8}$/.test(version)) {
    throw badRequest(`version must look like v1, v2, … or be "latest"`, [
      { field: "path.version", message: `got "${version.slice(0, 40)}"`, code: "format" },
    ]);
  }
  const record = await deps.pipelines.getVersion(name, version);
  if (!record) throw notFound(`pipeline ${name} has no version ${version}`);
  if (!record.ok) throw notFound(`version ${version} of pipeline ${name} failed to build; it has no spec`);
  const spec = await deps.specs.get(keys.spec(name, version));
  if (!spec) throw notFound(`the spec of ${name} ${version} is not stored (yet)`);
  const vary = { vary: "accept" };
  if (specMediaType(request.headers.accept) === "application/json") {
    return json(200, parseStoredSpec(spec.body, name, version), vary);
  }
  return {
    ...text(200, spec.body, "application/yaml"),
    headers: { "content-type": "application/yaml", ...vary },
  };
}

const SPEC_MEDIA_TYPES = ["application/yaml", "application/json"] as const;

/** The representation `Accept` prefers; YAML when it names neither (or is absent), as before JSON was offered. */
function specMediaType(accept: string | undefined): (typeof SPEC_MEDIA_TYPES)[number] {
  if (!accept) return "application/yaml";
  const chosen = new Negotiator({ headers: { accept } }).mediaType([...SPEC_MEDIA_TYPES]);
  return chosen === "application/json" ? "application/json" : "application/yaml";
}
