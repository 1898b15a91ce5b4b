// The Pulumi program: one MeshEnvironment from the validated stack configuration, and its outputs.
import { MeshEnvironment } from "./components/meshEnvironment";
import { specFromStackConfig } from "./components/config/stackConfig";

const env = new MeshEnvironment("nativemesh", { spec: specFromStackConfig() });

export const kubeconfig = env.kubeconfig;
// null for Alibaba ASM without revisions (namespaces are selected by istio-injection=enabled).
export const revision = env.revision ?? null;
export const namespaces = env.namespaces.map((ns) => ns.name);
export const canaryJob = env.canary?.job.metadata.name;
// What each namespace is to select, for `nativemesh status --desired` (`pulumi stack output --json`).
export const namespaceSelections = env.namespaceSelections;
