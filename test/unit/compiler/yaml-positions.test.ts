import { describe, expect, it } from "vitest";
import { yamlPositions } from "../../../lib/compiler/yaml-positions";

const at = (line: number, column: number) => ({ line, column });

describe("yamlPositions (positions from the spec reader, js-yaml)", () => {
  const text = `# a comment
base: &b {x: 1, y: [1, 2]}
other:
  <<: *b
  z: !!str 3
  w: &w
    deep: yes
  alias: *w
  empty:
  after: 1
list:
-
- a
- [f1, {k: v}, p: q]
- k1: v1
  k2: v2
`;
  const { locators, lines, duplicates } = yamlPositions(text);
  const locate = locators[0];

  it("places a node at its content, past anchors and tags", () => {
    expect(locate("base")).toEqual(at(2, 10));
    expect(locate("base.y[1]")).toEqual(at(2, 24));
    expect(locate("other.z")).toEqual(at(5, 12));
    expect(locate("other.w")).toEqual(at(7, 5));
    expect(locate("other.w.deep")).toEqual(at(7, 11));
  });

  it("places an alias at itself, an empty value right after its key, and an empty item right after its dash", () => {
    expect(locate("other.alias")).toEqual(at(8, 10));
    expect(locate("other.alias.deep")).toEqual(at(8, 10));
    expect(locate("other.empty")).toEqual(at(9, 9));
    expect(locate("list[0]")).toEqual(at(12, 2));
    expect(locate("list[1]")).toEqual(at(13, 3));
  });

  it("reads flow collections, a flow sequence's single-pair mappings and compact block mappings", () => {
    expect(locate("list[2][1].k")).toEqual(at(14, 12));
    expect(locate("list[2][2].p")).toEqual(at(14, 19));
    expect(locate("list[3].k2")).toEqual(at(16, 7));
  });

  it("reports a missing field where its nearest existing parent is (a merged key is not in the text)", () => {
    expect(locate("other.x")).toEqual(at(4, 3));
    expect(locate("list[3].missing.deeper")).toEqual(at(15, 3));
    expect(locate("nowhere")).toEqual(at(2, 1));
    expect(locate(undefined)).toBeUndefined();
  });

  it("gives each document's first line, skipping comments", () => {
    expect(lines).toEqual([2]);
    expect(duplicates).toEqual([]);
  });

  it("lines documents up with the reader's (empty and null documents left out), and finds repeated keys", () => {
    const multi = yamlPositions("a: 1\n---\n~\n---\n# c\nb:\n  k: 1\n  k: 2\n  k: 3\n");
    expect(multi.lines).toEqual([1, 6]);
    expect(multi.duplicates).toEqual([at(8, 3), at(9, 3)]);
    // The reader keeps the last value of a repeated key, so that is where its path points.
    expect(multi.locators[1]("b.k")).toEqual(at(9, 6));
  });

  it("places what Argo reads and a strict reader refuses, and nothing in a file the reader refuses", () => {
    const lenient = yamlPositions(
      'kind: Workflow\nspec:\n  templates:\n  - name: a\n    container:\n      args: ["echo one &&\n      echo two"]\n',
    );
    expect(lenient.locators[0]("spec.templates[0].container.args[0]")).toEqual(at(6, 14));
    expect(yamlPositions("a: [\n")).toEqual({ locators: [], duplicates: [], lines: [] });
  });
});
