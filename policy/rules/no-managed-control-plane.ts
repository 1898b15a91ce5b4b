// no-managed-control-plane: a Google-managed mesh control plane does not let the user set istiod's
// ENABLE_NATIVE_SIDECARS, so it cannot give native sidecars (Google Cloud "Provision a managed Cloud Service Mesh
// control plane on GKE"; docs/SOURCES.md).

import { asmcliInstalls, hasFlag, isCommand, MANAGED_FLAG } from "../asmcli";
import { commandEffects } from "../commands";
import { resourcePolicy } from "../pulumi-adapter";
import { at, CANNOT_TELL, readString } from "../read";
import { say, type Finding, type ResourceRule } from "../rule";
import { isNamespace, isSettings, namespaceLabels, settingNamespaceLabels } from "../workloads";

export const FEATURE_MEMBERSHIP = "gcp:gkehub/featureMembership:FeatureMembership";
export const FEATURE = "gcp:gkehub/feature:Feature";

export interface NoManagedControlPlaneConfig {
    managedRevisions: string[];
}

const WHY = "A managed control plane runs Google's istiod, whose ENABLE_NATIVE_SIDECARS the user cannot set";
const FIX_FLEET =
    "install a self-managed control plane (istiod Helm chart or asmcli without --managed) and set mesh.management to MANAGEMENT_MANUAL or drop the mesh block";

function fleetFindings(type: string, props: Record<string, unknown>): Finding[] {
    if (type === FEATURE_MEMBERSHIP) {
        const findings: Finding[] = [];
        const management = readString(at(props, "mesh", "management"));
        const controlPlane = readString(at(props, "mesh", "controlPlane"));
        if (management === "MANAGEMENT_AUTOMATIC") {
            findings.push({
                message: say("mesh.management is MANAGEMENT_AUTOMATIC (managed Cloud Service Mesh)", WHY, FIX_FLEET),
            });
        }
        if (controlPlane === "AUTOMATIC") {
            findings.push({
                message: say(
                    "mesh.controlPlane is AUTOMATIC (deprecated form of a managed control plane)",
                    WHY,
                    FIX_FLEET,
                ),
            });
        }
        if (management === CANNOT_TELL || controlPlane === CANNOT_TELL) {
            findings.push({
                cannotTell: true,
                message:
                    "cannot tell whether the mesh is managed: mesh.management/controlPlane is secret, unknown or not a string",
            });
        }
        return findings;
    }
    if (type === FEATURE) {
        const name = readString(at(props, "name"));
        const management = readString(at(props, "fleetDefaultMemberConfig", "mesh", "management"));
        if (name !== "servicemesh" && name !== CANNOT_TELL) return [];
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
    return [];
}

function revisionFindings(where: string, revision: unknown, config: NoManagedControlPlaneConfig): Finding[] {
    if (typeof revision !== "string" || !config.managedRevisions.includes(revision)) return [];
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
    const findings = fleetFindings(type, props);
    const labels = namespaceLabels(type, props);
    if (labels instanceof Map)
        findings.push(...revisionFindings("the namespace label", labels.get("istio.io/rev"), config));
    const setting = settingNamespaceLabels(type, props);
    if (setting && setting.entries instanceof Map) {
        findings.push(
            ...revisionFindings("the Formance namespace.labels Setting", setting.entries.get("istio.io/rev"), config),
        );
    }
    findings.push(...commandFindings(type, props, config));
    for (const install of asmcliInstalls(type, props)) {
        if (hasFlag(install, MANAGED_FLAG)) {
            findings.push({
                message: say(
                    "runs `asmcli install --managed` (managed Cloud Service Mesh; the flag is deprecated since Aug 2024)",
                    WHY,
                    'drop --managed and pass --custom_overlay with an IstioOperator that sets spec.values.pilot.env.ENABLE_NATIVE_SIDECARS: "true"',
                ),
            });
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
        type === FEATURE_MEMBERSHIP || type === FEATURE || isNamespace(type) || isCommand(type) || isSettings(type),
    check: checkNoManagedControlPlane,
};

export const policy = resourcePolicy(rule);
