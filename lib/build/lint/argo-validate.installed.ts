// What `./argo-validate.generated` resolves to in the bundled compiler (scripts/build.mjs): the same
// validators, loaded from dist/build with V8's code cache (see validator-script.ts).
import { installedValidators } from "./validator-script";

const validators = installedValidators();
export const Workflow = validators.Workflow;
export const WorkflowTemplate = validators.WorkflowTemplate;
export const CronWorkflow = validators.CronWorkflow;
export const ClusterWorkflowTemplate = validators.ClusterWorkflowTemplate;
