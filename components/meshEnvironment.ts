import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AsmInstall } from "./asmInstall";
import type { EnvironmentSpec } from "./config/config";
import { configWarnings } from "./config/warnings";
import { type ConfigPath, holdsSecret, redactSecrets } from "./config/secrets";
import { isKubeconfigContents } from "./render/asmOverlay";
import { FormanceSettings } from "./formanceSettings";
import { formanceSettingsFor } from "./render/formanceSpec";
import { GkeCluster } from "./gkeCluster";
import { IstioControlPlane } from "./istioControlPlane";
import { MeshNamespace } from "./meshNamespace";
import { podSecurityLabels } from "./render/podSecurity";
import { injectionLabelsFor } from "./render/revisionLabel";
import { SidecarCanary } from "./sidecarCanary";
import { canaryFingerprint, canaryProves } from "./render/canaryJob";
import { canaryTargets, selectionOf } from "./config/revisions";
import { buildAckCluster, buildAlibabaMesh } from "./ackEnvironment";
import type { ClusterHandle, MeshHandle } from "./environmentParts";
import { type MeshEnvironmentInputs, specFromInputs } from "./meshEnvironmentArgs";
import { behindGate, gateList, revisionGuard } from "./revisionGuard";
import { namespaceSelections, type NamespaceSelections } from "./render/namespaceSelections";

/**
 * The environment, either as inputs (the `nativemesh:` configuration's keys, validated here by validateConfig:
 * the shape every Pulumi language writes) or, from TypeScript, as a spec validateConfig, defineEnvironment or
 * specFromStackConfig already returned.
 */
export type MeshEnvironmentArgs =
    | MeshEnvironmentInputs
    | {
          /** The validated configuration (see `validateConfig`). */
          spec: EnvironmentSpec;
      };

/**
 * One mesh environment: cluster (GKE, ACK or existing), control plane (Helm, asmcli or Alibaba ASM) with
 * native sidecars, meshed namespaces, Formance Settings and the canary Job, from one validated config.
 */
export class MeshEnvironment extends pulumi.ComponentResource {
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    /** Revision the namespaces select (none for Alibaba ASM without revisions). */
    public readonly revision: string | undefined;
    public readonly namespaces: MeshNamespace[];
    public readonly gke?: GkeCluster;
    public readonly istio?: IstioControlPlane;
    public readonly asm?: AsmInstall;
    public readonly formance?: FormanceSettings;
    /** The first revision's canary. */
    public readonly canary?: SidecarCanary;
    /** Every revision's canary, by revision. */
    public readonly canaries: Record<string, SidecarCanary>;
    /** What the configuration makes each namespace select (for `nativemesh status --desired`). */
    public readonly namespaceSelections: NamespaceSelections;

    constructor(name: string, args: MeshEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:MeshEnvironment", name, {}, opts);
        const spec = "spec" in args ? args.spec : specFromInputs(args);
        this.revision = spec.revision;
        // Accepted, but weaker than it should be: said where `pulumi preview` and `pulumi up` show it.
        for (const warning of configWarnings(spec)) void pulumi.log.warn(warning, this);

        const cluster = buildCluster(this, name, spec);
        this.gke = cluster.gke;
        this.kubeconfig = cluster.kubeconfig;
        this.provider = cluster.provider;

        // The update-time guard: everything of the mesh waits for it, and a refusal stops the update before any
        // revision is touched (components/revisionGuard.ts).
        const gate = revisionGuard(spec, cluster);
        const mesh = buildMesh(this, name, spec, behindGate(cluster, gate));
        this.istio = mesh.istio;
        this.asm = mesh.asm;

        this.namespaces = spec.namespaces.map(
            (ns) =>
                new MeshNamespace(
                    `${name}-ns-${ns.name}`,
                    {
                        name: ns.name,
                        injectionLabels: mesh.handle.injectionLabels(selectionOf(spec.revisionPlan, ns)),
                        labels: ns.labels,
                        annotations: ns.annotations,
                        provider: cluster.provider,
                    },
                    { parent: this, dependsOn: mesh.handle.ready },
                ),
        );
        this.formance = buildFormance(this, name, spec, cluster.provider, this.namespaces, gate);
        this.canaries = buildCanaries(this, name, spec, cluster.provider, mesh.handle);
        this.canary = Object.values(this.canaries)[0];
        this.namespaceSelections = namespaceSelections(spec);

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            revision: this.revision,
            namespaces: this.namespaces.map((ns) => ns.name),
            namespaceSelections: this.namespaceSelections,
        });
    }
}

/** Whether the config value at `path` is, or holds, a secret: wherever it lands it is kept secret. */
const secretAt = (spec: EnvironmentSpec, ...path: ConfigPath) => holdsSecret(spec.secretPaths, path);

function buildCluster(parent: MeshEnvironment, name: string, spec: EnvironmentSpec): ClusterHandle {
    if (spec.cloud === "gke" && spec.gke !== undefined) {
        const gke = new GkeCluster(`${name}-gke`, spec.gke, { parent });
        return { provider: gke.provider, kubeconfig: gke.kubeconfig, ready: [gke], gke, clusterId: gke.cluster.id };
    }
    if (spec.cloud === "ack" && spec.ack !== undefined) {
        return buildAckCluster(parent, name, spec.ack);
    }
    if (spec.cloud === "existing" && spec.existing !== undefined) {
        const provider = new k8s.Provider(
            `${name}-k8s`,
            // A kubeconfig may hold credentials: kept secret in state whatever form it was given in.
            {
                kubeconfig: pulumi.secret(spec.existing.kubeconfig),
                context:
                    spec.existing.context !== undefined && secretAt(spec, "existing", "context")
                        ? pulumi.secret(spec.existing.context)
                        : spec.existing.context,
            },
            { parent },
        );
        return { provider, kubeconfig: pulumi.secret(pulumi.output(spec.existing.kubeconfig)), ready: [] };
    }
    // validateConfig guarantees the section of the chosen cloud; this is a programming error.
    throw new Error(`nativemesh:cloud ${spec.cloud} has no matching section`);
}

interface MeshParts {
    handle: MeshHandle;
    istio?: IstioControlPlane;
    asm?: AsmInstall;
}

const istioRevisionMesh = (ready: pulumi.Resource[]): MeshHandle => ({ injectionLabels: injectionLabelsFor, ready });

function buildMesh(parent: MeshEnvironment, name: string, spec: EnvironmentSpec, cluster: ClusterHandle): MeshParts {
    const { mesh } = spec;
    // validateConfig derives a revision for every method but alibaba-asm.
    const revision = spec.revision ?? "";
    switch (mesh.method) {
        case "helm": {
            const istio = new IstioControlPlane(
                `${name}-istio`,
                {
                    revisions: spec.revisionPlan.revisions,
                    revisionTags: spec.revisionPlan.tags,
                    defaultRevision: spec.revisionPlan.defaultRevision,
                    nativeSidecars: mesh.nativeSidecars,
                    cni: mesh.cni,
                    gke: spec.cloud === "gke",
                    chartRepository: mesh.chartRepository,
                    chartPath: mesh.chartPath,
                    baseVersion: mesh.baseVersion,
                    istiodReplicas: mesh.istiodReplicas,
                    baseValues: mesh.baseValues,
                    namespace: mesh.namespace,
                    istiodValues: mesh.istiodValues,
                    istiodValuesSecret:
                        secretAt(spec, "mesh", "istiodValues") ||
                        (mesh.revisions ?? []).some((_, i) => secretAt(spec, "mesh", "revisions", i, "istiodValues")),
                    baseValuesSecret: secretAt(spec, "mesh", "baseValues"),
                    provider: cluster.provider,
                },
                { parent, dependsOn: cluster.ready },
            );
            return { handle: istioRevisionMesh([istio]), istio };
        }
        case "asmcli": {
            const asm = new AsmInstall(
                `${name}-asm`,
                {
                    version: mesh.version,
                    revision,
                    // asmcli installs one revision: every tag points at it (validateConfig).
                    revisionTags: spec.revisionPlan.tags.map((tag) => tag.name),
                    nativeSidecars: mesh.nativeSidecars,
                    cni: mesh.cni,
                    asmcli: mesh.asmcli.path,
                    ca: mesh.asmcli.ca,
                    fleetId: mesh.asmcli.fleetId,
                    outputDir: mesh.asmcli.outputDir,
                    enableAll: mesh.asmcli.enableAll,
                    options: mesh.asmcli.options,
                    target:
                        spec.gke !== undefined
                            ? {
                                  kind: "gke",
                                  project: spec.gke.project,
                                  clusterName: spec.gke.clusterName,
                                  location: spec.gke.location,
                              }
                            : {
                                  kind: "kubeconfig",
                                  kubeconfig: spec.existing?.kubeconfig ?? "",
                                  context: spec.existing?.context,
                              },
                    dependsOn: cluster.ready,
                    // What the script holds of the config: asmcli options, and a kubeconfig path and context (contents
                    // go on stdin, secret already).
                    scriptSecret:
                        secretAt(spec, "mesh", "asmcli", "options") ||
                        secretAt(spec, "existing", "context") ||
                        (secretAt(spec, "existing", "kubeconfig") &&
                            !isKubeconfigContents(spec.existing?.kubeconfig ?? "")),
                },
                { parent },
            );
            return { handle: istioRevisionMesh([asm]), asm };
        }
        case "alibaba-asm":
            return { handle: buildAlibabaMesh(parent, name, spec, cluster) };
        case "managed":
            return { handle: istioRevisionMesh(buildManagedMesh(parent, name, spec, cluster)) };
    }
}

/**
 * Google-managed Cloud Service Mesh, declared as the fleet would switch it on (Google "Provision managed Cloud
 * Service Mesh": the `servicemesh` fleet feature with `MANAGEMENT_AUTOMATIC`). It cannot give
 * native sidecars (istiod's env is Google's), so the policy pack refuses it; it exists so that a stack
 * asking for it is refused with that reason rather than with a schema error.
 */
function buildManagedMesh(
    parent: MeshEnvironment,
    name: string,
    spec: EnvironmentSpec,
    cluster: ClusterHandle,
): pulumi.Resource[] {
    const project = spec.gke?.project;
    const feature = new gcp.gkehub.Feature(
        `${name}-servicemesh`,
        { name: "servicemesh", location: "global", project },
        { parent },
    );
    const membership = new gcp.gkehub.Membership(
        `${name}-membership`,
        {
            membershipId: spec.gke?.clusterName ?? name,
            project,
            endpoint: {
                gkeCluster: { resourceLink: pulumi.interpolate`//container.googleapis.com/${cluster.clusterId ?? ""}` },
            },
        },
        { parent, dependsOn: cluster.ready },
    );
    const featureMembership = new gcp.gkehub.FeatureMembership(
        `${name}-servicemesh-membership`,
        {
            feature: feature.name,
            location: "global",
            project,
            membership: membership.membershipId,
            mesh: { management: "MANAGEMENT_AUTOMATIC" },
        },
        { parent },
    );
    return [featureMembership];
}

function buildFormance(
    parent: MeshEnvironment,
    name: string,
    spec: EnvironmentSpec,
    provider: k8s.Provider,
    meshed: MeshNamespace[],
    gate?: pulumi.Output<pulumi.Resource>,
): FormanceSettings | undefined {
    if (spec.formance === undefined) return undefined;
    // A meshed namespace of the operator's name is that namespace: one object, not two.
    const operatorNamespace = meshed.find((ns) => ns.name === spec.formance?.operator.namespace);
    const labels = injectionLabelsFor(
        selectionOf(spec.revisionPlan, {
            revision: spec.formance.namespaceRevision,
            revisionTag: spec.formance.namespaceRevisionTag,
        }),
    );
    const settings = formanceSettingsFor(spec.formance, labels, spec.namespaces);
    if (settings.length === 0) return undefined;
    return new FormanceSettings(
        `${name}-formance`,
        {
            settings,
            operator: { ...spec.formance.operator, valuesSecret: secretAt(spec, "formance", "operator", "values") },
            operatorNamespace,
            provider,
            secretSettings: settings
                .filter((s) => s.source !== undefined && secretAt(spec, ...s.source))
                .map((s) => s.name),
        },
        { parent, dependsOn: gateList(gate) },
    );
}

/**
 * One canary per revision, each in a namespace of its own that selects the revision through its first tag when
 * there is one (so a broken tag webhook is caught too; a tag is only an alias of a revision).
 */
function buildCanaries(
    parent: MeshEnvironment,
    name: string,
    spec: EnvironmentSpec,
    provider: k8s.Provider,
    mesh: MeshHandle,
): Record<string, SidecarCanary> {
    if (!spec.canary.enabled) return {};
    const targets: Array<{ revision?: string; label?: string; namespace: string }> =
        spec.revisionPlan.revisions.length > 0
            ? canaryTargets(spec.revisionPlan, spec.canary.namespace)
            : [{ namespace: spec.canary.namespace }]; // Alibaba ASM without revisions: istio-injection=enabled
    const canaries: Record<string, SidecarCanary> = {};
    targets.forEach((target, i) => {
        // The first keeps the names of the one-revision canary.
        const suffix = i === 0 ? "" : `-${target.revision}`;
        const namespace = new MeshNamespace(
            `${name}-canary-ns${suffix}`,
            {
                name: target.namespace,
                injectionLabels: mesh.injectionLabels(target.label),
                // Pod Security restricted where injection needs no privilege (CNI): the canary then proves what a
                // hardened namespace admits, not only what a permissive one does. Only where nativemesh renders the
                // injection values (Helm, asmcli: seccomp on the containers Istio adds); Alibaba ASM's injector
                // is its own.
                labels: {
                    "app.kubernetes.io/managed-by": "nativemesh",
                    ...podSecurityLabels(
                        spec.mesh.cni && (spec.mesh.method === "helm" || spec.mesh.method === "asmcli"),
                    ),
                },
                provider,
            },
            { parent, dependsOn: mesh.ready },
        );
        canaries[target.revision ?? ""] = new SidecarCanary(
            `${name}-canary${suffix}`,
            {
                namespace: namespace.namespace.metadata.name,
                revision: target.revision,
                // Secret values are left out of the digest: a digest of a short secret in the Job's name could be
                // guessed.
                fingerprint: canaryFingerprint(canaryProves(redactSecrets(spec, spec.secretPaths), target.revision)),
                image: spec.canary.image,
                probeUrl: spec.canary.probeUrl,
                timeoutSeconds: spec.canary.timeoutSeconds,
                egressNetworkPolicy: spec.canary.egressNetworkPolicy,
                provider,
                dependsOn: [...mesh.ready, namespace],
                waitFor: mesh.injectorReady,
            },
            { parent },
        );
    });
    return canaries;
}
