import { describe, expect, it } from "vitest";
import { LocalStackError } from "../../../lib/local/errors";
import { parseJavaMajor, requireJava } from "../../../lib/local/java";

describe("Java detection", () => {
  it("reads old and new version strings", () => {
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor("no version here")).toBeUndefined();
  });

  it("explains how to install Java when it is missing", () => {
    expect(() => requireJava("surely-not-a-java-binary")).toThrow(LocalStackError);
    expect(() => requireJava("surely-not-a-java-binary")).toThrow(
      /Java ≥ 17.*no `java` was found on PATH.*install/,
    );
  });

  it("accepts the installed Java", () => {
    expect(requireJava()).toBeGreaterThanOrEqual(17);
  });
});
