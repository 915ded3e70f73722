import { api, type PipelineView as Pipeline } from "../api";
import { ErrorBox, Loading } from "../components/error-box";
import { Status, Truncate } from "../components/text";
import { pipelineLink, pipelinesLink, runsLink } from "../links";
import type { RouteProps } from "../routes";
import { useFetch } from "../use-fetch";
import { LastBuild } from "./pipelines";
import { RunForm } from "./run-form";
import { SpecGraph } from "./spec-graph";

type Version = Pipeline["versions"][number];

/** `/#/pipelines/<name>[/<version>]`: versions, the spec's graph and YAML, and a form to start a run. */
export function PipelineView({ params }: RouteProps) {
  const { name } = params;
  const pipeline = useFetch((signal) => api.pipeline(name, signal), [name]);
  const data = pipeline.data;
  const chosen = params.version ?? data?.latestGoodVersion ?? data?.latestVersion;
  const version = data?.versions.find((v) => v.version === chosen);
  return (
    <section class="pipeline">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <a href={pipelinesLink()}>Pipelines</a> / <Truncate text={name} />
      </nav>
      <div class="title-row">
        <h1 class="truncate" title={name}>
          {name}
        </h1>
        <a href={runsLink({ pipeline: name })}>Runs of {name}</a>
      </div>
      {pipeline.error ? <ErrorBox error={pipeline.error} title={`Could not read ${name}`} /> : null}
      {!data && pipeline.loading ? <Loading what={name} /> : null}
      {data ? (
        <div class="pipeline-layout">
          <aside class="versions" aria-label="Versions">
            <h2>Versions</h2>
            <ol>
              {data.versions.map((v) => (
                <li key={v.version}>
                  <a
                    href={pipelineLink(name, v.version)}
                    aria-current={v.version === chosen ? "page" : undefined}
                    title={`${v.version}, built ${new Date(v.createdAt).toLocaleString()}`}
                  >
                    <span>{v.version}</span>
                    <Status value={v.ok ? "Succeeded" : "Failed"}>{v.ok ? "ok" : "failed"}</Status>
                  </a>
                </li>
              ))}
            </ol>
          </aside>
          <div class="pipeline-main">
            {data.lastBuild && !data.lastBuild.ok ? (
              <div class="card">
                <h2>Last build</h2>
                <LastBuild pipeline={data} />
              </div>
            ) : null}
            {chosen && !version ? (
              <ErrorBox error={`${name} has no version ${chosen} among its recent versions`} />
            ) : null}
            {version ? <VersionDetail name={name} version={version} /> : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}

function VersionDetail({ name, version }: { name: string; version: Version }) {
  if (!version.ok) {
    return (
      <div class="card">
        <h2>{version.version} did not build</h2>
        <LastBuild
          pipeline={{
            name,
            updatedAt: version.createdAt,
            lastBuild: {
              version: version.version,
              ok: false,
              diagnostics: version.diagnostics,
              at: version.createdAt,
            },
          }}
        />
      </div>
    );
  }
  return (
    <>
      <RunForm
        key={`${name}/${version.version}`}
        pipeline={name}
        version={version.version}
        parameters={version.parameters}
      />
      <SpecGraph name={name} version={version.version} />
      <SpecYaml name={name} version={version.version} />
    </>
  );
}

function SpecYaml({ name, version }: { name: string; version: string }) {
  const yaml = useFetch((signal) => api.specYaml(name, version, signal), [name, version]);
  return (
    <div class="card">
      <h2>Spec (YAML)</h2>
      {yaml.error ? <ErrorBox error={yaml.error} title="Could not read the spec" /> : null}
      {yaml.data === undefined && yaml.loading ? <Loading what="the spec" /> : null}
      {yaml.data !== undefined ? <pre class="yaml">{yaml.data}</pre> : null}
    </div>
  );
}
