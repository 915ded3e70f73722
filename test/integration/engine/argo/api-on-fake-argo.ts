import { createArgoEngine } from "../../../../lib/engine/argo";
import type { Engine } from "../../../../lib/ports/engine";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import { type ApiStack, startApiStack } from "../../api/harness";

export interface ApiOnFakeArgo {
  stack: ApiStack;
  /** The fake Kubernetes API: the test plays Argo's controller by updating its workflows. */
  server: FakeKubeApiServer;
  engine: Engine;
  stop(): Promise<void>;
}

/** The HTTP API's stack (DynamoDB Local, S3) with the Argo engine talking to a fake Kubernetes API, namespace skiff. */
export async function startApiOnFakeArgo(): Promise<ApiOnFakeArgo> {
  const server = new FakeKubeApiServer();
  const [url, stack] = await Promise.all([server.start(), startApiStack()]);
  const engine = createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
    namespace: "skiff",
  });
  stack.deps.engine = engine;
  stack.deps.config.engine = { kind: "argo", namespace: "skiff" };
  return { stack, server, engine, stop: async () => void (await Promise.all([server.stop(), stack.stop()])) };
}
