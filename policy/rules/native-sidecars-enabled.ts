// native-sidecars-enabled: istiod only injects native sidecars when ENABLE_NATIVE_SIDECARS says so. It is off by
// default on 1.19-1.26, and on >= 1.27 its default "auto" only turns on for nodes with kubelet minor >= 33
// (istio/istio pilot/pkg/features/pilot.go, pkg/kube/inject/webhook.go).

import { isAtLeast, parseVersion, type Version } from "../facts/versions";
import { isClusterType, isGkeAlias, pinnedVersions } from "../clusters";
import { isCommand } from "../command";
import { commandEffects } from "../commands";
import {
    asmcliControlPlanes,
    controlPlanesOf,
    isAsmMeshConfig,
    NATIVE_SIDECARS_ENV,
    type ControlPlane,
    type EnvSetting,
} from "../control-planes";
import { cachedPerObject } from "../evaluation-cache";
import { injectorConfigDoubt } from "../injector-config";
import { stackPolicy } from "../pulumi-adapter";
import { at, CANNOT_TELL, show } from "../read";
import {
    describe,
    findingsOfEach,
    NO_FINDINGS,
    say,
    type Finding,
    type StackFinding,
    type StackResource,
    type StackRule,
} from "../rule";

export interface NativeSidecarsEnabledConfig {
    autoMinIstioVersion: string;
    autoMinKubeletMinor: number;
}

/** What the stack's clusters and node pools tell about auto mode. */
export interface ClusterContext {
    /** Pins below kubelet 1.<autoMinKubeletMinor>, as "name field=version". */
    below: string[];
    /** Pins that cannot be read (secret, unknown, not a version). */
    unreadable: number;
    /** Readable pins at or above the auto threshold. */
    atOrAbove: number;
}

function belowKubelet(version: Version, minor: number): boolean {
    return version.major < 1 || (version.major === 1 && version.minor < minor);
}

/** Read once per evaluation and threshold (evaluation-cache.ts): no-legacy-sidecar-workarounds asks too. */
export function clusterContext(resources: StackResource[], config: NativeSidecarsEnabledConfig): ClusterContext {
    return cachedClusterContext(String(config.autoMinKubeletMinor), resources);
}

const cachedClusterContext = cachedPerObject((minor, resources) =>
    readClusterContext(resources as StackResource[], Number(minor)),
);

function readClusterContext(resources: StackResource[], autoMinKubeletMinor: number): ClusterContext {
    const context: ClusterContext = { below: [], unreadable: 0, atOrAbove: 0 };
    // By index, not for-of: a first run is mostly interpreted, where for-of allocates per resource (issue 20).
    for (let index = 0; index < resources.length; index++) {
        const resource = resources[index];
        // Only clusters and node pools pin a version: the others are passed over without a list (issue 20).
        if (!isClusterType(resource.type)) continue;
        for (const pin of pinnedVersions(resource.type, resource.props)) {
            if (pin.text !== CANNOT_TELL && isGkeAlias(pin.text) === "latest") {
                context.atOrAbove++;
                continue;
            }
            const version = pin.text === CANNOT_TELL ? undefined : parseVersion(pin.text);
            if (!version) context.unreadable++;
            else if (belowKubelet(version, autoMinKubeletMinor)) {
                context.below.push(`${describe(resource)} ${pin.field}=${String(pin.text)}`);
            } else context.atOrAbove++;
        }
    }
    return context;
}

const FIX = `set ${NATIVE_SIDECARS_ENV}: "true" (a string) in istiod's env (Helm values pilot.env, IstioOperator spec.values.pilot.env)`;

/** "auto" (explicit or default on >= 1.27) is on only when every node runs kubelet minor >= the threshold. */
function autoModeFindings(how: string, config: NativeSidecarsEnabledConfig, clusters: ClusterContext): Finding[] {
    const threshold = `1.${config.autoMinKubeletMinor}`;
    if (clusters.below.length > 0) {
        return [
            {
                message: say(
                    `${how}, and the stack pins Kubernetes below ${threshold}: ${clusters.below.join("; ")}`,
                    `"auto" turns native sidecars on only for nodes with kubelet minor >= ${config.autoMinKubeletMinor}, so these nodes get regular sidecars (istio/istio pkg/kube/inject/webhook.go, minVersion 33)`,
                    FIX,
                ),
            },
        ];
    }
    if (clusters.unreadable > 0 || clusters.atOrAbove === 0) {
        return [
            {
                cannotTell: true,
                message: `${how}: "auto" gives native sidecars only on nodes with kubelet >= ${threshold}, and the stack's cluster versions ${clusters.atOrAbove === 0 && clusters.unreadable === 0 ? "are not pinned" : "cannot all be read"}; set ${NATIVE_SIDECARS_ENV}: "true" to be sure`,
            },
        ];
    }
    return [];
}

function settingFindings(
    setting: EnvSetting,
    version: Version | undefined,
    config: NativeSidecarsEnabledConfig,
    clusters: ClusterContext,
): Finding[] {
    const { field, value } = setting;
    if (value === true || value === "true") return [];
    if (value === CANNOT_TELL) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether native sidecars are on: ${field} is secret, unknown or not readable`,
            },
        ];
    }
    if (value === "auto") {
        if (!version) {
            return [
                {
                    cannotTell: true,
                    message: `cannot tell whether ${field}="auto" is valid: the istiod version is not pinned or not readable ("auto" exists from ${config.autoMinIstioVersion}); ${FIX}`,
                },
            ];
        }
        if (!isAtLeast(`${version.major}.${version.minor}.${version.patch}`, config.autoMinIstioVersion)) {
            return [
                {
                    message: say(
                        `${field} is "auto" on istiod ${version.major}.${version.minor}`,
                        `Before ${config.autoMinIstioVersion} the variable is a boolean and "auto" leaves it off (istio/istio pilot/pkg/features, tags before 1.27)`,
                        FIX,
                    ),
                },
            ];
        }
        return autoModeFindings(`${field} is "auto"`, config, clusters);
    }
    return [
        {
            message: say(
                `${field} is ${show(value)}`,
                `Only true/"true" turns native sidecars on ("auto" from ${config.autoMinIstioVersion}); any other value counts as off (istio/istio pilot/pkg/features/pilot.go)`,
                FIX,
            ),
        },
    ];
}

/** A compatibility version below the "auto" release restores the old default, "false": Istio's
 *  manifests/helm-profiles/compatibility-version-1.26.yaml sets pilot.env.ENABLE_NATIVE_SIDECARS "false". Only a
 *  pilot.env (or k8s overlay) setting beats it: the chart merges user values over the profile, then copies pilot.*
 *  over the top-level env (istio-discovery templates/zzz_profile.yaml, zzy_descope_legacy.yaml). */
function compatibilityFindings(plane: ControlPlane, config: NativeSidecarsEnabledConfig): Finding[] | undefined {
    const compat = plane.compatibility;
    if (!compat || plane.env.kind !== "read" || plane.env.settings.some((setting) => setting.beatsProfile)) {
        return undefined;
    }
    if (compat.text === CANNOT_TELL) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether native sidecars are on: ${compat.field} is secret, unknown or a profile Istio does not ship, and a profile can set ${NATIVE_SIDECARS_ENV}; set values.pilot.env.${NATIVE_SIDECARS_ENV}: "true"`,
            },
        ];
    }
    const asked = parseVersion(compat.text);
    if (asked && isAtLeast(`${asked.major}.${asked.minor}.${asked.patch}`, config.autoMinIstioVersion))
        return undefined;
    const topLevel = plane.env.settings.find((setting) => !setting.beatsProfile);
    return [
        {
            message: say(
                `${compat.field} is ${show(compat.text)}, which sets pilot.env.${NATIVE_SIDECARS_ENV} "false"${topLevel ? ` over ${topLevel.field}` : ""}`,
                `Compatibility versions before ${config.autoMinIstioVersion} restore the old default (istio/istio manifests/helm-profiles/compatibility-version-1.26.yaml), and the chart copies pilot.* over the top-level env (templates/zzy_descope_legacy.yaml)`,
                `drop ${compat.field}, or set ${NATIVE_SIDECARS_ENV}: "true" under pilot.env, which wins over the profile`,
            ),
        },
    ];
}

/** Proven on only when nothing can undo the env after the pack read it: a post-renderer, reused values, custom
 *  injection templates or a remote injector make an "on" a "cannot tell" (docs/POLICY.md, "What the pack
 *  proves"). An "off" stays refused. */
function controlPlaneFindings(
    plane: ControlPlane,
    config: NativeSidecarsEnabledConfig,
    clusters: ClusterContext,
): Finding[] {
    const findings = envFindings(plane, config, clusters);
    if (!plane.overrides?.length || findings.length > 0) return findings;
    return [
        {
            cannotTell: true,
            message: `cannot tell whether native sidecars are on: ${plane.overrides.join("; ")}`,
        },
    ];
}

function envFindings(plane: ControlPlane, config: NativeSidecarsEnabledConfig, clusters: ClusterContext): Finding[] {
    if (plane.env.kind === "cannot-tell") {
        return [{ cannotTell: true, message: `cannot tell whether native sidecars are on: ${plane.env.why}` }];
    }
    const compat = compatibilityFindings(plane, config);
    if (compat) return compat;
    const versionText = plane.version?.text;
    const version = typeof versionText === "string" ? parseVersion(versionText) : undefined;
    if (plane.env.settings.length > 0) {
        return plane.env.settings.flatMap((setting) => settingFindings(setting, version, config, clusters));
    }
    // A patch sets only what it names: the istiod it patches is judged where it is declared.
    if (plane.partial) return [];
    if (plane.unreadable) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether native sidecars are on: ${plane.unreadable}, and it may set ${NATIVE_SIDECARS_ENV}; ${FIX}`,
            },
        ];
    }
    if (!version) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether native sidecars are on: ${NATIVE_SIDECARS_ENV} is unset and the istiod version is ${plane.version ? "not readable" : "not pinned"}, so its default is unknown; ${FIX}`,
            },
        ];
    }
    const shown = `${version.major}.${version.minor}.${version.patch}`;
    if (!isAtLeast(shown, config.autoMinIstioVersion)) {
        return [
            {
                message: say(
                    `${NATIVE_SIDECARS_ENV} is unset on istiod ${shown}`,
                    `On Istio 1.19-1.26 it defaults to false (istio/istio pilot/pkg/features, ENABLE_NATIVE_SIDECARS)`,
                    FIX,
                ),
            },
        ];
    }
    return autoModeFindings(`${NATIVE_SIDECARS_ENV} is unset on istiod ${shown} (default "auto")`, config, clusters);
}

/** The pure per-resource check, given what the stack's clusters say. */
export function checkNativeSidecarsEnabled(
    type: string,
    props: Record<string, unknown>,
    config: NativeSidecarsEnabledConfig,
    clusters: ClusterContext,
): Finding[] {
    if (isAsmMeshConfig(type)) {
        const enabled = at(props, "spec", "enableNativeSidecar");
        if (enabled === false || (typeof enabled === "string" && enabled.toLowerCase() === "false")) {
            return [
                {
                    message: say(
                        "spec.enableNativeSidecar is false",
                        'ASMMeshConfig is Alibaba ASM\'s mesh-wide native sidecar switch (Alibaba "Deploy mesh proxy in native sidecar mode", https://www.alibabacloud.com/help/en/asm/sidecar/deploying-grid-agents-using-native-sidecar-patterns)',
                        "set spec.enableNativeSidecar: true or drop the field (on by default from ASM 1.22)",
                    ),
                },
            ];
        }
        // true (or "true") and unset (on by default from ASM 1.22) are on; anything else is a value ASM may read
        // either way.
        if (
            enabled !== undefined &&
            enabled !== true &&
            !(typeof enabled === "string" && enabled.toLowerCase() === "true")
        ) {
            return [
                {
                    cannotTell: true,
                    message: `cannot tell whether spec.enableNativeSidecar is on: it is ${enabled === CANNOT_TELL ? "secret or unknown" : `${show(enabled)}, not a boolean`}`,
                },
            ];
        }
        return [];
    }
    const doubt = injectorConfigDoubt(type, props);
    if (doubt) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether the injector gives native sidecars: ${doubt}; keep Istio's own templates (they read .NativeSidecars)`,
            },
        ];
    }
    if (isCommand(type)) return commandFindings(type, props, config, clusters);
    const planes = controlPlanesOf(type, props);
    return planes.length === 0 ? NO_FINDINGS : planes.flatMap((plane) => controlPlaneFindings(plane, config, clusters));
}

/** A Command: the control planes asmcli installs, and what each of its lines applies or cannot be read. */
function commandFindings(
    type: string,
    props: Record<string, unknown>,
    config: NativeSidecarsEnabledConfig,
    clusters: ClusterContext,
): Finding[] {
    const findings = asmcliControlPlanes(type, props).flatMap((plane) => controlPlaneFindings(plane, config, clusters));
    for (const effect of commandEffects(type, props)) {
        if (effect.kind === "resource" && effect.forNative !== false && !isCommand(effect.type)) {
            for (const finding of checkNativeSidecarsEnabled(effect.type, effect.props, config, clusters)) {
                findings.push({ ...finding, message: `runs \`${effect.what}\`: ${finding.message}` });
            }
        } else if (effect.kind === "native-off") {
            findings.push({
                message: say(
                    `runs \`${effect.what}\`, where ${effect.why}`,
                    "That parameter switches the mesh's native sidecars off",
                    "drop it or set it to true",
                ),
            });
        } else if (effect.kind === "cannot-tell" && effect.about !== "managed") {
            findings.push({
                cannotTell: true,
                message: `cannot tell whether native sidecars are on: ${effect.what === "" ? "" : `\`${effect.what}\`: `}${effect.why}`,
            });
        }
    }
    return findings;
}

export const rule: StackRule<NativeSidecarsEnabledConfig> = {
    kind: "stack",
    name: "native-sidecars-enabled",
    description: "Requires istiod (and Alibaba ASM) to be told to inject native sidecars.",
    enforcementLevel: "mandatory",
    remediationSteps: `Set ${NATIVE_SIDECARS_ENV}: "true" in istiod's env; keep ASMMeshConfig spec.enableNativeSidecar true.`,
    config: {
        // istio/istio pilot/pkg/features/pilot.go: from 1.27 the variable is a string defaulting to "auto".
        autoMinIstioVersion: {
            type: "string",
            version: true,
            default: "1.27",
            description: 'First istiod version whose default is "auto".',
        },
        // auto needs kubelet minor >= 33 (istio/istio pkg/kube/inject/webhook.go, minVersion 33).
        autoMinKubeletMinor: {
            type: "integer",
            minimum: 0,
            default: 33,
            description: 'Kubelet minor version from which "auto" turns native sidecars on.',
        },
    },
    check: (resources, config): StackFinding[] => {
        const clusters = clusterContext(resources, config);
        return findingsOfEach(resources, (resource) =>
            checkNativeSidecarsEnabled(resource.type, resource.props, config, clusters),
        );
    },
};

export const policy = stackPolicy(rule);
