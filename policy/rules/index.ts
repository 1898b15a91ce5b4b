// Every rule of the pack, in the order reports list them. Pure: no Pulumi SDK at runtime.

import type { AnyRule } from "../rule";
import * as formanceSettingsValid from "./formance-settings-valid";
import * as istioVersion from "./istio-version-supports-native-sidecars";
import * as jobsTerminate from "./jobs-terminate-with-native-sidecars";
import * as kubernetesVersion from "./kubernetes-version-supports-native-sidecars";
import * as namespaceInjectionLabels from "./namespace-injection-labels";
import * as nativeSidecarAnnotation from "./native-sidecar-annotation";
import * as nativeSidecarsEnabled from "./native-sidecars-enabled";
import * as noLegacyWorkarounds from "./no-legacy-sidecar-workarounds";
import * as noManagedControlPlane from "./no-managed-control-plane";
import * as podSecurityNeedsIstioCni from "./pod-security-needs-istio-cni";
import * as revisionReferences from "./revision-references-control-plane";

const MODULES = [
    noManagedControlPlane,
    kubernetesVersion,
    istioVersion,
    nativeSidecarsEnabled,
    namespaceInjectionLabels,
    nativeSidecarAnnotation,
    jobsTerminate,
    noLegacyWorkarounds,
    formanceSettingsValid,
    revisionReferences,
    podSecurityNeedsIstioCni,
];

export const RULES: AnyRule[] = MODULES.map((module) => module.rule);

/** The CrossGuard policy objects, for policy/index.ts. */
export const POLICIES = MODULES.map((module) => module.policy);
