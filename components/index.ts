// Library entry: the components and pure helpers other stacks import (`import * as nativemesh from "nativemesh"`).
export * from "./config";
export * from "./versions";
export * from "./formance";
export * from "./formanceSpec";
export * from "./istioValues";
export * from "./asmOverlay";
export * from "./canaryJob";
export * from "./revisionLabel";
export * from "./gkeCluster";
export * from "./istioControlPlane";
export * from "./asmInstall";
export * from "./meshNamespace";
export { FormanceSettings } from "./formanceSettings";
export type { FormanceSettingsArgs } from "./formanceSettings";
export * from "./sidecarCanary";
export * from "./meshEnvironment";
export * from "./stackConfig";
