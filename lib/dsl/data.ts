import type {
  ArchiveStrategy,
  Artifact,
  GitArtifact,
  HTTPArtifact,
  Parameter,
  RawArtifact,
  S3Artifact,
  ValueFrom,
} from "../argo";
import { type Expr, exprText, isExpr } from "./ex";
import { clean, nonEmpty } from "./merge";

/**
 * A value Skiff turns into an Argo parameter string: scalars as text, an `Expr` as its `{{=…}}` tag, objects
 * and arrays as JSON.
 */
export type Value =
  | string
  | number
  | boolean
  | Expr
  | readonly unknown[]
  | { readonly [key: string]: unknown };

/** Argo parameters are strings; everything else is rendered the way Hera does (JSON for structures). */
export function toParameterString(value: Value): string {
  if (typeof value === "string") return value;
  if (isExpr(value)) return value.tag();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export interface ParamOptions {
  /** Used when no argument is passed. Without `default` or `value` the parameter is required. */
  default?: Value;
  /** The only values accepted (checked by Argo at submission). */
  enum?: readonly Value[];
  /** Shown in the Argo UI and in `skiff` parameter listings. */
  description?: string;
  /** A fixed value (outputs, workflow arguments); overrides what a caller passes to an input. */
  value?: Value;
  /**
   * Where an output parameter comes from: `path`, `expression` (text, or an `ex(...)` expression),
   * `supplied`, `configMapKeyRef`, ...
   */
  valueFrom?: Omit<ValueFrom, "expression"> & { expression?: string | Expr };
  /** Also publish the parameter as `{{workflow.outputs.parameters.<globalName>}}`. */
  globalName?: string;
}

/** A declared parameter. `Required` is a type-level marker: true without `default`, `value` or `valueFrom`. */
export interface ParamDecl<Required extends boolean = boolean> {
  readonly kind: "parameter";
  readonly options: ParamOptions;
  /** Type-level only; never set. */
  readonly required?: Required;
}

type RequiredFor<O> = O extends { default: unknown }
  ? false
  : O extends { value: unknown }
    ? false
    : O extends { valueFrom: unknown }
      ? false
      : true;

/**
 * Declares a parameter. `param()` is required, `param("x")` defaults to "x", and `param({ ... })` takes every
 * Argo option.
 */
export function param(): ParamDecl<true>;
export function param(defaultValue: Value): ParamDecl<false>;
export function param<const O extends ParamOptions>(options: O): ParamDecl<RequiredFor<O>>;
export function param(arg?: Value | ParamOptions): ParamDecl {
  if (arg === undefined) return { kind: "parameter", options: {} };
  if (typeof arg === "object" && !Array.isArray(arg))
    return { kind: "parameter", options: arg as ParamOptions };
  return { kind: "parameter", options: { default: arg as Value } };
}

/** How an artifact is archived when Skiff stores it: `none` keeps the file as is, `tar` gzips a tarball. */
export type Archive = "none" | "tar" | ArchiveStrategy;

export interface ArtifactOptions extends Omit<Artifact, "name" | "archive" | "raw" | "http" | "s3" | "git"> {
  /** Default: Argo's (tar + gzip). */
  archive?: Archive;
  /** Inline content written to `path`. */
  raw?: string | RawArtifact;
  /** Fetched from this URL. */
  http?: string | HTTPArtifact;
  /** An S3 key; bucket and endpoint come from the artifact repository (the Skiff bucket) unless given. */
  s3?: string | S3Artifact;
  /** Checked out from a git repository. */
  git?: string | GitArtifact;
}

export interface ArtifactDecl {
  readonly kind: "artifact";
  readonly options: ArtifactOptions;
}

/**
 * Declares an artifact. With no location it lives in the artifact repository (S3, the Skiff bucket), which is
 * what Argo does with an output artifact that names no storage.
 */
export function artifact(options: ArtifactOptions = {}): ArtifactDecl {
  return { kind: "artifact", options };
}

export type Decl = ParamDecl | ArtifactDecl;
export type DeclMap = Record<string, Decl>;

/** Names of the parameters declared in `D`. */
export type ParamKeys<D> = { [K in keyof D]: D[K] extends ParamDecl ? K : never }[keyof D] & string;
/** Names of the parameters of `D` that have no default. */
export type RequiredParamKeys<D> = { [K in keyof D]: D[K] extends ParamDecl<true> ? K : never }[keyof D] &
  string;
/** Names of the artifacts declared in `D`. */
export type ArtifactKeys<D> = { [K in keyof D]: D[K] extends ArtifactDecl ? K : never }[keyof D] & string;

function archiveOf(archive: Archive | undefined): ArchiveStrategy | undefined {
  if (archive === "none") return { none: {} };
  if (archive === "tar") return { tar: {} };
  return archive;
}

export function renderParameter(name: string, decl: ParamDecl): Parameter {
  const o = decl.options;
  const parameter: Parameter & { description?: string } = {
    name,
    default: o.default === undefined ? undefined : toParameterString(o.default),
    enum: o.enum?.map(toParameterString),
    description: o.description,
    value: o.value === undefined ? undefined : toParameterString(o.value),
    valueFrom:
      o.valueFrom?.expression === undefined || typeof o.valueFrom.expression === "string"
        ? (o.valueFrom as ValueFrom | undefined)
        : { ...o.valueFrom, expression: exprText(o.valueFrom.expression, "expr") },
    globalName: o.globalName,
  };
  return clean(parameter);
}

export function renderArtifact(name: string, decl: ArtifactDecl | ArtifactOptions): Artifact {
  const { archive, raw, http, s3, git, ...rest } = "kind" in decl ? decl.options : decl;
  return clean({
    name,
    ...rest,
    archive: archiveOf(archive),
    raw: typeof raw === "string" ? { data: raw } : raw,
    http: typeof http === "string" ? { url: http } : http,
    s3: typeof s3 === "string" ? { key: s3 } : s3,
    git: typeof git === "string" ? { repo: git } : git,
  });
}

/** Argo `inputs`/`outputs` from a declaration map, or undefined when it declares nothing. */
export function renderIo(
  decls: DeclMap | undefined,
): { parameters?: Parameter[]; artifacts?: Artifact[] } | undefined {
  if (!decls) return undefined;
  const parameters: Parameter[] = [];
  const artifacts: Artifact[] = [];
  for (const [name, decl] of Object.entries(decls)) {
    if (decl.kind === "parameter") parameters.push(renderParameter(name, decl));
    else artifacts.push(renderArtifact(name, decl));
  }
  return nonEmpty(clean({ parameters: nonEmpty(parameters), artifacts: nonEmpty(artifacts) }));
}
