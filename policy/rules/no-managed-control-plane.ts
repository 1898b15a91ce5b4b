// no-managed-control-plane: a Google-managed mesh control plane does not let the user set istiod's
// ENABLE_NATIVE_SIDECARS, so it cannot give native sidecars (Google Cloud "Provision a managed Cloud Service Mesh
// control plane on GKE"; docs/SOURCES.md).

import { asmcliInstalls, hasFlag, isCommand, MANAGED_FLAG } from "../asmcli";
import { commandEffects } from "../commands";
import { resourcePolicy } from "../pulumi-adapter";
import { at, CANNOT_TELL, readString } from "../read";
import { addFindings, NO_FINDINGS, say, type Finding, type ResourceRule } from "../rule";
import { isNamespace, isSettings, namespaceLabels, podTemplatePath, settingNamespaceLabels } from "../workloads";

export const FEATURE_MEMBERSHIP = "gcp:gkehub/featureMembership:FeatureMembership";
export const FEATURE = "gcp:gkehub/feature:Feature";
// Config Connector's fleet kinds (gkehub.cnrm.cloud.google.com GKEHubFeatureMembership / GKEHubFeature, any
// served version): the gcp provider's fields under spec.
const CNRM_FEATURE_MEMBERSHIP = /^kubernetes:gkehub\.cnrm\.cloud\.google\.com\/[^:]+:GKEHubFeatureMembership$/;
const CNRM_FEATURE = /^kubernetes:gkehub\.cnrm\.cloud\.google\.com\/[^:]+:GKEHubFeature$/;
// Google's in-cluster request for a managed control plane (Google Cloud "Provision a managed Cloud Service Mesh
// control plane on GKE", the in-cluster ControlPlaneRevision with spec.type managed_service).
const CONTROL_PLANE_REVISION = /^kubernetes:mesh\.cloud\.google\.com\/[^:]+:ControlPlaneRevision$/;

// GKE's Istio add-on (`addonsConfig.istioConfig`, "Istio on GKE") runs an Istio that Google installs and
// upgrades (@pulumi/gcp container Cluster, ClusterAddonsConfigIstioConfig: "disabled by default, set disabled =
// false to enable"); Config Connector's ContainerCluster has the same field under spec.
const GKE_CLUSTER = "gcp:container/cluster:Cluster";
const CNRM_CLUSTER = /^kubernetes:container\.cnrm\.cloud\.google\.com\/[^:]+:ContainerCluster$/;
// ACK add-ons (@pulumi/alicloud cs KubernetesAddon `name`, ManagedKubernetes/Kubernetes `addons[].name`): an
// add-on named for Istio or a mesh would install a control plane the pack cannot configure.
const ACK_ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon";
const ACK_CLUSTERS = /^alicloud:cs\/(managedKubernetes|kubernetes|serverlessKubernetes|edgeKubernetes):/;
const MESH_ADDON = /istio|mesh|(^|[-_])asm([-_]|$)/i;

function isManagedMeshKind(type: string): boolean {
    return (
        CNRM_FEATURE_MEMBERSHIP.test(type) ||
        CNRM_FEATURE.test(type) ||
        CONTROL_PLANE_REVISION.test(type) ||
        type === GKE_CLUSTER ||
        CNRM_CLUSTER.test(type) ||
        type === ACK_ADDON ||
        ACK_CLUSTERS.test(type)
    );
}

function istioAddonFindings(type: string, props: unknown): Finding[] {
    const root = type === GKE_CLUSTER ? props : CNRM_CLUSTER.test(type) ? at(props, "spec") : undefined;
    if (root === undefined) return [];
    const prefix = type === GKE_CLUSTER ? "" : "spec.";
    const disabled = at(root, "addonsConfig", "istioConfig", "disabled");
    if (disabled === undefined || disabled === true) return [];
    if (disabled === false) {
        return [
            {
                message: say(
                    `${prefix}addonsConfig.istioConfig.disabled is false (the Istio on GKE add-on)`,
                    "The add-on's Istio is installed and upgraded by Google, whose istiod env the user cannot set",
                    `set ${prefix}addonsConfig.istioConfig.disabled: true and install a self-managed control plane`,
                ),
            },
        ];
    }
    return [
        {
            cannotTell: true,
            message: `cannot tell whether the Istio on GKE add-on is on: ${prefix}addonsConfig.istioConfig.disabled is secret, unknown or not a boolean`,
        },
    ];
}

function addonFindings(type: string, props: unknown): Finding[] {
    const names: Array<{ field: string; name: unknown }> = [];
    if (type === ACK_ADDON) names.push({ field: "name", name: at(props, "name") });
    else if (ACK_CLUSTERS.test(type)) {
        const addons = at(props, "addons");
        if (addons !== undefined && !Array.isArray(addons)) names.push({ field: "addons", name: CANNOT_TELL });
        else
            (addons ?? []).forEach((_: unknown, index: number) =>
                names.push({ field: `addons[${index}].name`, name: at(addons, index, "name") }),
            );
    }
    return names.flatMap(({ field, name }): Finding[] => {
        const text = readString(name);
        if (typeof text === "string") {
            // No add-on of ACK's catalogue is documented as a mesh; one named for a mesh is not read further.
            return MESH_ADDON.test(text)
                ? [
                      {
                          cannotTell: true,
                          message: `cannot tell whether ${field} ${JSON.stringify(text)} installs a control plane: an add-on named for a mesh is configured by Alibaba, not by this stack; use alicloud.servicemesh.ServiceMesh or a self-managed istiod`,
                      },
                  ]
                : [];
        }
        return text === CANNOT_TELL
            ? [
                  {
                      cannotTell: true,
                      message: `cannot tell whether ${field} installs a mesh add-on: it is secret or unknown`,
                  },
              ]
            : [];
    });
}

export interface NoManagedControlPlaneConfig {
    managedRevisions: string[];
}

const WHY = "A managed control plane runs Google's istiod, whose ENABLE_NATIVE_SIDECARS the user cannot set";
const FIX_FLEET =
    "install a self-managed control plane (istiod Helm chart or asmcli without --managed) and set mesh.management to MANAGEMENT_MANUAL or drop the mesh block";

function membershipFindings(props: unknown, prefix: string): Finding[] {
    const findings: Finding[] = [];
    const management = readString(at(props, "mesh", "management"));
    const controlPlane = readString(at(props, "mesh", "controlPlane"));
    if (management === "MANAGEMENT_AUTOMATIC") {
        findings.push({
            message: say(
                `${prefix}mesh.management is MANAGEMENT_AUTOMATIC (managed Cloud Service Mesh)`,
                WHY,
                FIX_FLEET,
            ),
        });
    }
    if (controlPlane === "AUTOMATIC") {
        findings.push({
            message: say(
                `${prefix}mesh.controlPlane is AUTOMATIC (deprecated form of a managed control plane)`,
                WHY,
                FIX_FLEET,
            ),
        });
    }
    if (management === CANNOT_TELL || controlPlane === CANNOT_TELL) {
        findings.push({
            cannotTell: true,
            message: `cannot tell whether the mesh is managed: ${prefix}mesh.management/controlPlane is secret, unknown or not a string`,
        });
    }
    return findings;
}

/** A ControlPlaneRevision asks Google for a managed control plane; `managed_service` is the type Google
 *  documents, and one the pack cannot read may be it. */
function controlPlaneRevisionFindings(props: unknown): Finding[] {
    const kind = readString(at(props, "spec", "type"));
    if (typeof kind === "string" && kind !== "managed_service") {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether this ControlPlaneRevision is managed: spec.type ${JSON.stringify(kind)} is not one Google documents`,
            },
        ];
    }
    if (kind === CANNOT_TELL) {
        return [
            {
                cannotTell: true,
                message:
                    "cannot tell whether this ControlPlaneRevision is managed: spec.type is secret, unknown or not a string",
            },
        ];
    }
    return [
        {
            message: say(
                "a ControlPlaneRevision (spec.type managed_service) provisions a Google-managed control plane",
                WHY,
                "delete the ControlPlaneRevision and install a self-managed control plane (istiod Helm chart or asmcli without --managed)",
            ),
        },
    ];
}

function fleetFindings(type: string, props: Record<string, unknown>): Finding[] {
    if (type === GKE_CLUSTER || CNRM_CLUSTER.test(type)) return istioAddonFindings(type, props);
    if (type === ACK_ADDON || ACK_CLUSTERS.test(type)) return addonFindings(type, props);
    if (type === FEATURE_MEMBERSHIP) return membershipFindings(props, "");
    if (CNRM_FEATURE_MEMBERSHIP.test(type)) return membershipFindings(at(props, "spec"), "spec.");
    if (CONTROL_PLANE_REVISION.test(type)) return controlPlaneRevisionFindings(props);
    if (type === FEATURE || CNRM_FEATURE.test(type)) {
        const cnrm = type !== FEATURE;
        // Config Connector names the feature by spec.resourceID, else metadata.name.
        const name = cnrm
            ? (readString(at(props, "spec", "resourceID")) ?? readString(at(props, "metadata", "name")))
            : readString(at(props, "name"));
        const management = readString(
            at(props, ...(cnrm ? ["spec"] : []), "fleetDefaultMemberConfig", "mesh", "management"),
        );
        if (name !== "servicemesh" && name !== CANNOT_TELL) return NO_FINDINGS;
        if (management === "MANAGEMENT_AUTOMATIC") {
            return [
                {
                    message: say(
                        "the servicemesh fleet feature defaults every member to MANAGEMENT_AUTOMATIC",
                        WHY,
                        "remove fleetDefaultMemberConfig.mesh or set it to MANAGEMENT_MANUAL, and install a self-managed control plane",
                    ),
                },
            ];
        }
        if (management === CANNOT_TELL) {
            return [
                {
                    cannotTell: true,
                    message:
                        "cannot tell whether fleetDefaultMemberConfig.mesh.management is MANAGEMENT_AUTOMATIC: it is secret, unknown or not a string",
                },
            ];
        }
    }
    return NO_FINDINGS;
}

function revisionFindings(where: string, revision: unknown, config: NoManagedControlPlaneConfig): Finding[] {
    if (typeof revision !== "string" || !config.managedRevisions.includes(revision)) return NO_FINDINGS;
    return [
        {
            message: say(
                `${where} istio.io/rev=${revision} selects a Google-managed control plane`,
                `${WHY}; ${config.managedRevisions.join(", ")} are managed revisions (Google Cloud "Resolving managed Cloud Service Mesh issues")`,
                "label the namespace with the revision (or revision tag) of a self-managed istiod",
            ),
        },
    ];
}

/** Managed meshes asked for from a shell (gcloud, curl to the GKE Hub API), what a Command's lines apply, and
 *  lines or texts that cannot be read. */
function commandFindings(type: string, props: Record<string, unknown>, config: NoManagedControlPlaneConfig): Finding[] {
    // Only a Command runs a shell; asked for every resource, so no list is made for the others (issue 20).
    if (!isCommand(type)) return NO_FINDINGS;
    const findings: Finding[] = [];
    for (const effect of commandEffects(type, props)) {
        if (effect.kind === "managed") {
            findings.push({
                message: say(
                    `runs \`${effect.what}\` (managed Cloud Service Mesh)`,
                    WHY,
                    "use --management manual and install a self-managed control plane",
                ),
            });
        } else if (effect.kind === "cannot-tell" && effect.about !== "native") {
            findings.push({
                cannotTell: true,
                message: `cannot tell whether this Command installs a managed control plane: \`${effect.what}\`: ${effect.why}`,
            });
        } else if (effect.kind === "resource" && !isCommand(effect.type)) {
            for (const finding of checkNoManagedControlPlane(effect.type, effect.props, config)) {
                findings.push({ ...finding, message: `runs \`${effect.what}\`: ${finding.message}` });
            }
        }
    }
    return findings;
}

/** The pure check. */
export function checkNoManagedControlPlane(
    type: string,
    props: Record<string, unknown>,
    config: NoManagedControlPlaneConfig,
): Finding[] {
    // Each reader answers NO_FINDINGS when it finds nothing, and addFindings makes a list only for a finding.
    let findings = addFindings(NO_FINDINGS, fleetFindings(type, props));
    const labels = namespaceLabels(type, props);
    if (labels instanceof Map)
        findings = addFindings(findings, revisionFindings("the namespace label", labels.get("istio.io/rev"), config));
    // istio.io/rev on a pod selects its injector as the namespace label does (istio-discovery
    // templates/mutatingwebhook.yaml objectSelector), so a pod template can pick a managed revision too.
    const template = podTemplatePath(type);
    if (template) {
        // at(root, ...a, ...b) is at(at(root, ...a), ...b); the spread last is the cheap form (issue 20).
        const revision = at(at(props, ...template.path), "metadata", "labels", "istio.io/rev");
        findings = addFindings(findings, revisionFindings("the pod template label", revision, config));
    }
    const setting = settingNamespaceLabels(type, props);
    if (setting && setting.entries instanceof Map) {
        findings = addFindings(
            findings,
            revisionFindings("the Formance namespace.labels Setting", setting.entries.get("istio.io/rev"), config),
        );
    }
    findings = addFindings(findings, commandFindings(type, props, config));
    if (!isCommand(type)) return findings;
    for (const install of asmcliInstalls(type, props)) {
        if (hasFlag(install, MANAGED_FLAG)) {
            findings = addFindings(findings, [
                {
                    message: say(
                        "runs `asmcli install --managed` (managed Cloud Service Mesh; the flag is deprecated since Aug 2024)",
                        WHY,
                        'drop --managed and pass --custom_overlay with an IstioOperator that sets spec.values.pilot.env.ENABLE_NATIVE_SIDECARS: "true"',
                    ),
                },
            ]);
        }
    }
    return findings;
}

export const rule: ResourceRule<NoManagedControlPlaneConfig> = {
    kind: "resource",
    name: "no-managed-control-plane",
    description: "Refuses Google-managed Istio control planes, which cannot be told to inject native sidecars.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Install istiod yourself (Helm or asmcli without --managed) and point namespaces at its revision.",
    config: {
        managedRevisions: {
            type: "array",
            // Google Cloud "Resolving managed Cloud Service Mesh issues": the managed revisions (ControlPlaneRevision names).
            default: ["asm-managed", "asm-managed-rapid", "asm-managed-stable"],
            description: "istio.io/rev values that select a Google-managed control plane.",
        },
    },
    appliesTo: (type) =>
        type === FEATURE_MEMBERSHIP ||
        type === FEATURE ||
        isManagedMeshKind(type) ||
        isNamespace(type) ||
        isCommand(type) ||
        isSettings(type) ||
        podTemplatePath(type) !== undefined,
    check: checkNoManagedControlPlane,
};

export const policy = resourcePolicy(rule);
