import { spawnSync } from "node:child_process";
import { LocalStackError } from "./errors";

/** DynamoDB Local 3.x is compiled for Java 17. */
export const MINIMUM_JAVA_MAJOR = 17;

const INSTALL_HINT =
  "install a Java runtime ≥ 17 (e.g. `sudo apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`) and put `java` on PATH";

/** Reads the major version out of `java -version` output (`"1.8.0_392"` → 8, `"17.0.15"` → 17, `"21"` → 21). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Fails with an actionable message when `java` is missing or older than 17. Returns the major version. */
export function requireJava(command = "java"): number {
  const probe = spawnSync(command, ["-version"], { encoding: "utf8" });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no `java` was found on PATH" : `\`${command} -version\` failed (${code})`;
    throw new LocalStackError(
      `DynamoDB Local needs Java ≥ ${MINIMUM_JAVA_MAJOR}, but ${reason}: ${INSTALL_HINT}`,
      {
        cause: probe.error,
      },
    );
  }
  const output = `${probe.stderr}${probe.stdout}`;
  const major = parseJavaMajor(output);
  if (major === undefined) {
    throw new LocalStackError(
      `DynamoDB Local needs Java ≥ ${MINIMUM_JAVA_MAJOR}, but the version of \`${command}\` could not be read from: ${output.trim().split("\n")[0]}`,
    );
  }
  if (major < MINIMUM_JAVA_MAJOR) {
    throw new LocalStackError(
      `DynamoDB Local needs Java ≥ ${MINIMUM_JAVA_MAJOR}, but \`${command}\` is Java ${major}: ${INSTALL_HINT}`,
    );
  }
  return major;
}
