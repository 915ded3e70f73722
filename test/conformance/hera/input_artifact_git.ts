import { artifact, container, workflow } from "skiff";

export const hera = "upstream/input_artifact_git.yaml";

const gitClone = container({
  name: "git-clone",
  image: "golang:1.10",
  workingDir: "/src",
  command: ["sh", "-c"],
  args: ["git status && ls && cat VERSION"],
  inputs: {
    "argo-source": artifact({
      path: "/src",
      git: { repo: "https://github.com/argoproj/argo-workflows.git", revision: "v2.1.1" },
    }),
  },
});

export default workflow({ generateName: "input-artifact-git-", entrypoint: gitClone });
