import type { Page, PageQuery } from "../../ports/page";
import type { PipelineRecord, PipelineStore, PipelineVersion } from "../../ports/pipeline-store";
import { PIPELINES_PARTITION, pipelinePk, SK_PIPELINE, VERSION_PREFIX, versionSk } from "./keys";
import { DynamoTable, type DynamoTableOptions, strip } from "./table";
import { INDEX } from "./table-definition";

/** `PipelineStore` on the single DynamoDB table (layout in keys.ts). */
export class DynamoPipelineStore implements PipelineStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoTableOptions) {
    this.table = new DynamoTable(options);
  }

  /**
   * The pipeline item counts its versions: the next version is written together with the pipeline item,
   * conditioned on the count read, so concurrent builds of one pipeline get distinct, gapless numbers.
   */
  async recordVersion(
    input: Omit<PipelineVersion, "version">,
  ): Promise<{ version: PipelineVersion; created: boolean }> {
    const pk = pipelinePk(input.pipeline);
    return this.table.optimistic(`recording a version of pipeline ${input.pipeline}`, async () => {
      const current = await this.table.getItem(pk, SK_PIPELINE);
      if (current && current.latestHash === input.contentHash && typeof current.latestVersion === "string") {
        const existing = await this.getVersion(input.pipeline, current.latestVersion);
        if (existing) return { version: existing, created: false };
      }
      const previousCount = typeof current?.versionCount === "number" ? current.versionCount : 0;
      const n = previousCount + 1;
      const version: PipelineVersion = { ...input, version: `v${n}` };
      const pipeline: PipelineRecord = {
        name: input.pipeline,
        latestVersion: version.version,
        latestGoodVersion: input.ok ? version.version : (current?.latestGoodVersion as string | undefined),
        lastBuild: {
          version: version.version,
          ok: input.ok,
          diagnostics: input.diagnostics,
          at: input.createdAt,
        },
        updatedAt: input.createdAt,
      };
      await this.table.transact([
        {
          Put: {
            TableName: this.table.name,
            Item: {
              ...pipeline,
              pk,
              sk: SK_PIPELINE,
              kind: "pipeline",
              gsi1pk: PIPELINES_PARTITION,
              gsi1sk: input.pipeline,
              versionCount: n,
              latestHash: input.contentHash,
            },
            ConditionExpression: current ? "versionCount = :prev" : "attribute_not_exists(pk)",
            ExpressionAttributeValues: current ? { ":prev": previousCount } : undefined,
          },
        },
        {
          Put: {
            TableName: this.table.name,
            Item: { ...version, pk, sk: versionSk(n), kind: "version" },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]);
      return { version, created: true };
    });
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    const item = await this.table.getItem(pipelinePk(name), SK_PIPELINE);
    return item ? strip<PipelineRecord>(item) : undefined;
  }

  async listPipelines(options: PageQuery = {}): Promise<Page<PipelineRecord>> {
    return this.table.page<PipelineRecord>(
      {
        IndexName: INDEX.pipelineRuns,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": PIPELINES_PARTITION },
      },
      options,
    );
  }

  async listVersions(name: string, options: PageQuery = {}): Promise<Page<PipelineVersion>> {
    return this.table.page<PipelineVersion>(
      {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :v)",
        ExpressionAttributeValues: { ":pk": pipelinePk(name), ":v": VERSION_PREFIX },
        ScanIndexForward: false,
      },
      options,
    );
  }

  async getVersion(name: string, version: string): Promise<PipelineVersion | undefined> {
    const n = /^v([1-9][0-9]{0,7})$/.exec(version);
    if (!n) return undefined;
    const item = await this.table.getItem(pipelinePk(name), versionSk(Number(n[1])));
    return item ? strip<PipelineVersion>(item) : undefined;
  }
}
