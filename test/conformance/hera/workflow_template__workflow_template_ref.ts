import { workflow } from "skiff";

export const hera = "upstream/workflow_template__workflow_template_ref.yaml";

export default workflow({
  generateName: "workflow-template-hello-world-",
  workflowTemplateRef: "workflow-template-submittable",
});
