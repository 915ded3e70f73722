/**
 * Build parameters of a pushed pipeline travel as the entry object's S3 user metadata: one key, its value the
 * parameters as JSON (`{"k": "v"}`), URI-encoded because S3 metadata is US-ASCII. `skiff push -p k=v` writes it;
 * any upload (`aws s3 cp --metadata`) may.
 */
export const BUILD_PARAMETERS_METADATA = "skiff-build-parameters";

/** S3 keeps 2 KB of user metadata per object: the parameters must fit in it with room to spare. */
export const MAX_BUILD_PARAMETERS_BYTES = 1800;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

export function encodeBuildParameters(parameters: Record<string, string>): string | undefined {
  if (!Object.keys(parameters).length) return undefined;
  const problem = buildParametersProblem(parameters);
  if (problem) throw new Error(problem);
  const encoded = encodeURIComponent(JSON.stringify(parameters));
  if (encoded.length > MAX_BUILD_PARAMETERS_BYTES) {
    throw new Error(
      `build parameters take ${encoded.length} bytes of S3 metadata; at most ${MAX_BUILD_PARAMETERS_BYTES} fit`,
    );
  }
  return encoded;
}

/** The parameters an upload's metadata carries: `{}` without any; an error message when they cannot be read. */
export function decodeBuildParameters(
  metadata: Record<string, string> | undefined,
): { parameters: Record<string, string> } | { error: string } {
  const raw = metadata?.[BUILD_PARAMETERS_METADATA];
  if (raw === undefined || raw === "") return { parameters: {} };
  let value: unknown;
  try {
    value = JSON.parse(decodeURIComponent(raw));
  } catch (cause) {
    return {
      error: `the upload's ${BUILD_PARAMETERS_METADATA} metadata is not URI-encoded JSON: ${(cause as Error).message}`,
    };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: `the upload's ${BUILD_PARAMETERS_METADATA} metadata must be a JSON object of strings` };
  }
  const parameters: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      return { error: `build parameter ${name} in the upload's metadata is not a string` };
    }
    parameters[name] = v;
  }
  const problem = buildParametersProblem(parameters);
  return problem ? { error: problem } : { parameters };
}

function buildParametersProblem(parameters: Record<string, string>): string | undefined {
  for (const name of Object.keys(parameters)) {
    if (!NAME.test(name)) return `build parameter name "${name.slice(0, 60)}" must match ${NAME.source}`;
  }
  return undefined;
}
