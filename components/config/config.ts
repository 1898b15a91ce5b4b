/**
 * The stack configuration schema (everything under the `nativemesh:` namespace) and its validation.
 *
 * Pure: no Pulumi import, so the offline preview can validate a stack file and stop with exit code 2
 * before the Pulumi program declares anything.
 */
import { z } from "zod";
import { chartReferenceProblem, EXACT_CHART_VERSION, EXACT_CHART_VERSION_MESSAGE } from "./charts";
import { ackConfigSchema, alibabaMeshConfigSchema, isIpv4Cidr } from "./ackConfig";
import { FormanceValueError } from "../../policy/facts/formance";
import { formanceSettingsFor, settingsSpec } from "../render/formanceSpec";
import { injectionLabelsFor } from "../render/revisionLabel";
import { compareVersions, isDns1123Label, parseVersion, revisionFromVersion } from "../../policy/facts/versions";
import { newestVersion } from "../render/chartSource";
import { ConfigPath, holdsSecret, isAboveSecretCapable, REDACTED, scrubSecrets, uncoverableSecret } from "./secrets";
import { canaryTargets, planRevisions, type RevisionPlan, selectedBy, selectionOf, type Selector } from "./revisions";
import { ownedBaseValueProblems, ownedIstiodValueProblems } from "./ownedValues";
import { allowRemovalProblems } from "./allowRemoval";

export type { ConfigPath };

/** The config namespace: keys are written `nativemesh:<key>` in `Pulumi.<stack>.yaml`. */
export const CONFIG_NAMESPACE = "nativemesh";

/** Istio's Helm chart repository (istio.io "Install with Helm"). */
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";

/** The canary's default image, pinned by digest: curlimages/curl 8.11.1's multi-platform index as Docker Hub
 *  lists it (hub.docker.com/r/curlimages/curl/tags?name=8.11.1), so what the canary proves is what runs. */
export const CANARY_IMAGE =
    "curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69";

/** The revision Google gives a managed control plane (Google "Provision managed Cloud Service Mesh": asm-managed, asm-managed-rapid, asm-managed-stable); only `method: managed` produces it. */
export const MANAGED_REVISION = "asm-managed";

const dns1123Label = (what: string) =>
    z.string().refine(isDns1123Label, {
        message: `must be a DNS-1123 label for ${what} (lowercase letters, digits and '-', at most 63, no '.')`,
    });

const parseableVersion = (what: string) =>
    z.string().refine((text) => parseVersion(text) !== undefined, {
        message: `must be a ${what} such as 1.33.5-gke.1308000, 1.28.1 or 1.19.10-asm.26`,
    });

const cidr = z
    .string()
    .refine(isIpv4Cidr, { message: "must be an IPv4 CIDR such as 10.0.0.0/16 (octets 0-255, prefix 0-32)" });

/** GKE's control-plane range for private nodes must be a /28 (gcloud `--master-ipv4-cidr`; provider docs of
 *  `privateClusterConfig.masterIpv4CidrBlock`). */
const masterCidr = cidr.refine((value) => value.endsWith("/28"), {
    message: "must be the control plane's /28 such as 172.16.0.0/28 (GKE requires a /28)",
});

/** A Cloud KMS CryptoKey's resource name (Cloud KMS "Resource names"). */
const KMS_KEY_NAME =
    /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;

/** Chart repositories nativemesh pulls from: https or oci only, so what is installed cannot be altered in transit. */
const chartRepository = z
    .string()
    .url({ message: "must be a chart repository URL, https:// or oci://" })
    .refine((url) => /^(https|oci):\/\//.test(url), { message: "must be an https:// or oci:// chart repository" });

/**
 * A container image with a tag or a digest, never `:latest` nor untagged (which pulls latest): what the canary
 * proves must be what runs. `name@sha256:<64 hex>` pins the exact image.
 */
const pinnedImage = z
    .string()
    .min(1)
    .refine(
        (image) => {
            const [name, digest] = image.split("@");
            if (digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(digest);
            const tag = /:([\w][\w.-]{0,127})$/.exec(name.slice(name.lastIndexOf("/") + 1))?.[1];
            return tag !== undefined && tag !== "latest";
        },
        { message: "must name a tag other than latest (repo/image:1.2.3) or a digest (repo/image@sha256:<64 hex>)" },
    );

/** Label and annotation maps: string keys to string values (Kubernetes rejects anything else). */
const stringMap = z.record(z.string(), z.string());

const gkeNodePoolSchema = z
    .strictObject({
        /** Node pool name. */
        name: dns1123Label("name"),
        machineType: z.string().default("e2-standard-4"),
        minNodes: z.number().int().min(0).default(1),
        maxNodes: z.number().int().min(1).default(3),
        diskSizeGb: z.number().int().min(10).default(100),
        spot: z.boolean().default(false),
        /** Node version; defaults to the cluster's `kubernetesVersion`. */
        version: parseableVersion("version").optional(),
    })
    .refine((pool) => pool.minNodes <= pool.maxNodes, {
        message: "minNodes must not exceed maxNodes",
        path: ["minNodes"],
    });

const gkeConfigSchema = z.strictObject({
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
        message: "must be a GCP project id (6-30 lowercase letters, digits, '-')",
    }),
    location: z.string().min(1, { message: "must be a GCP region or zone such as europe-west1" }),
    clusterName: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
        message: "must be a GKE cluster name (lowercase, starts with a letter, at most 40 characters)",
    }),
    kubernetesVersion: parseableVersion("Kubernetes version"),
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"]).default("REGULAR"),
    nodePools: z.array(gkeNodePoolSchema).min(1, { message: "needs at least one node pool" }),
    workloadIdentity: z.boolean().default(true),
    /** Nodes without public IPs (Google "Harden your cluster's security": private clusters). */
    privateNodes: z.boolean().default(true),
    /** The control plane reachable on its private endpoint only (needs privateNodes); with a public endpoint
     *  authorizedNetworks is required. */
    privateEndpoint: z.boolean().default(false),
    /** Cloud NAT for the nodes (private nodes cannot pull images without it); defaults to privateNodes. */
    cloudNat: z.boolean().optional(),
    /** Control-plane range for private nodes; a /28 (GKE's requirement for private clusters). */
    masterIpv4CidrBlock: masterCidr.default("172.16.0.0/28"),
    authorizedNetworks: z.array(z.strictObject({ cidrBlock: cidr, displayName: z.string().optional() })).default([]),
    network: z.string().optional(),
    subnetwork: z.string().optional(),
    /** The provider's own default, true: `pulumi destroy` cannot remove the cluster until it is set false. */
    deletionProtection: z.boolean().default(true),
    /** GKE Dataplane V2 (`datapathProvider: ADVANCED_DATAPATH`), which enforces Kubernetes NetworkPolicy (CIS GKE
     *  Benchmark 1.4, 5.6.7 "Ensure Network Policy is Enabled"; Google "Harden your cluster's security"). GKE sets
     *  the datapath at creation only: changing it replaces the cluster. */
    dataplaneV2: z.boolean().default(true),
    /** A Cloud KMS key encrypting Secrets in etcd at the application layer (CIS GKE Benchmark 1.4, 5.3.1; Google
     *  "Encrypt secrets at the application layer"). Without one GKE's own encryption at rest applies. */
    secretsEncryptionKey: z
        .string()
        .regex(KMS_KEY_NAME, {
            message:
                "must be a Cloud KMS key name projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY (in the cluster's region)",
        })
        .optional(),
    /** Binary Authorization enforcing the project's policy at admission (`PROJECT_SINGLETON_POLICY_ENFORCE`; CIS
     *  GKE Benchmark 1.4, 5.10.5). A project's policy allows every image until it is changed. */
    binaryAuthorization: z.boolean().default(true),
});

const existingClusterSchema = z.strictObject({
    /** A kubeconfig file path or its contents, as the Kubernetes provider's `kubeconfig` accepts. */
    kubeconfig: z.string().min(1, { message: "must be a kubeconfig path or contents" }),
    context: z.string().optional(),
});

const asmcliSchema = z.strictObject({
    /** The asmcli script; its own version must equal `mesh.version` (the install checks it). */
    path: z.string().default("asmcli"),
    ca: z.enum(["mesh_ca", "citadel", "gcp_cas", "managed_cas"]).default("mesh_ca"),
    fleetId: z.string().optional(),
    outputDir: z.string().default("asm-out"),
    /** `--enable_all` lets asmcli enable APIs, roles, labels and fleet registration itself. */
    enableAll: z.boolean().default(true),
    /** Extra `--option` values (asmcli's packaged overlays), passed through. */
    options: z.array(z.string()).default([]),
});

/** One control-plane revision of `mesh.revisions`: its Istio version and, optionally, its name. */
const revisionSchema = z.strictObject({
    version: parseableVersion("version"),
    /** Derived from the version (1.31.0 -> 1-31-0) when not given; two revisions of one version need names. */
    revision: dns1123Label("revision").optional(),
    /** istiod values of this revision only, merged over mesh.istiodValues (the keys nativemesh sets are refused). */
    istiodValues: z.record(z.string(), z.unknown()).optional(),
    /** Helm: a local folder with this revision's release's charts (its `istiod`; `base` and `cni` too when it is
     *  the newest revision), instead of `mesh.chartPath`, so that revisions of two releases each take their own. */
    chartPath: z.string().min(1).optional(),
});

/** A revision tag: a name (pointing at the only revision), or a name and the revision it points at. */
const revisionTagSchema = z.union(
    [
        dns1123Label("revision tag"),
        z.strictObject({ name: dns1123Label("revision tag name"), revision: dns1123Label("revision") }),
    ],
    { error: "must be a tag name, or {name, revision} naming the revision the tag points at" },
);

const meshSchema = z.strictObject({
    /** `managed` is accepted only so the policy pack can refuse it with its own message. */
    method: z.enum(["helm", "asmcli", "alibaba-asm", "managed"]),
    /** The one revision's Istio version (shorthand for `revisions: [{version}]`). */
    version: parseableVersion("version").optional(),
    revision: dns1123Label("revision").optional(),
    /** Several revisions side by side (Helm): each its own istiod release; add one, move, restart, remove. */
    revisions: z.array(revisionSchema).min(1, { message: "must list at least one revision" }).optional(),
    nativeSidecars: z.boolean().default(true),
    /** Istio CNI node agent instead of the istio-init container (NET_ADMIN, NET_RAW, root), which Pod Security
     *  baseline/restricted namespaces refuse (istio.io "Install Istio with Pod Security Admission"). Helm: the `cni`
     *  chart; asmcli: the overlay's `components.cni`; Alibaba ASM: the instance's `initCniConfiguration`. */
    cni: z.boolean().default(true),
    revisionTags: z.array(revisionTagSchema).default([]),
    /** The default revision (base chart's `defaultRevision` and the `default` tag), Helm only: true for the only
     *  revision, or a revision's name. */
    defaultRevision: z
        .union([z.boolean(), dns1123Label("defaultRevision")], {
            error: "must be true, false or the name of one of mesh.revisions",
        })
        .default(false),
    chartRepository: chartRepository.default(ISTIO_CHART_REPOSITORY),
    /** The base chart's version (Helm): default the newest revision's. Base holds Istio's CRDs and is never
     *  downgraded: removing the newer revision (a rollback) needs this set to the version base runs at. */
    baseVersion: parseableVersion("version").optional(),
    /** A local directory holding the `base` and `istiod` charts (an air-gapped mirror, or the charts of an Istio
     *  source tree); when set, `chartRepository` is not used. */
    chartPath: z.string().min(1).optional(),
    /** istiod replicas; above 1 the istiod chart also renders a PodDisruptionBudget
     *  (istio/istio manifests/charts/istio-control/istio-discovery/templates/poddisruptionbudget.yaml). */
    istiodReplicas: z.number().int().min(1).max(10).default(2),
    /** Extra base-chart values, merged under ours (e.g. `base.validationURL` for a control plane reached by URL). */
    baseValues: z.record(z.string(), z.unknown()).default({}),
    namespace: dns1123Label("namespace").default("istio-system"),
    /** Extra istiod values; the keys nativemesh sets (revision, tags, replicas, the native switch, the namespace:
     *  ownedValues.ts) are refused here, with the key that sets them. */
    istiodValues: z.record(z.string(), z.unknown()).default({}),
    asmcli: asmcliSchema.prefault({}),
    alibaba: alibabaMeshConfigSchema.optional(),
    /** Revisions the update-time guard lets go although the live cluster still uses them (docs/UPGRADING.md);
     *  each must be installed on the cluster, and is for one removal. */
    allowRemoval: z.array(dns1123Label("revision")).default([]),
});

const namespaceSchema = z.strictObject({
    name: dns1123Label("name"),
    /** The revision this namespace selects (required with several mesh.revisions, unless revisionTag). */
    revision: dns1123Label("revision").optional(),
    /** Label `istio.io/rev` with this revision tag instead of the revision itself. */
    revisionTag: dns1123Label("revisionTag").optional(),
    labels: stringMap.default({}),
    annotations: stringMap.default({}),
    /** Pod-template annotations for this namespace's Formance stack (Settings scoped to it). */
    podTemplateAnnotations: stringMap.default({}),
});

/** The Formance operator chart: chart `operator` of formancehq/operator (`helm/operator/Chart.yaml`), pushed to
 *  oci://ghcr.io/formancehq/helm by the repository's `just release` (`helm-publish`: `helm push ... oci://ghcr.io/formancehq/helm`).
 *  Its `operator-crds` dependency (`helm/crds`) carries the `settings.formance.com` CRD that Settings need. */
export const FORMANCE_OPERATOR_CHART = "oci://ghcr.io/formancehq/helm/operator";
/** The newest release of that chart: formancehq/operator tag v3.9.2 (commit f0182688, "chore: release v3.9.2",
 *  29 Apr 2026), whose `helm/operator/Chart.yaml` says `version: "3.9.2"` (the operator-crds chart too). */
export const FORMANCE_OPERATOR_VERSION = "3.9.2";

/** A chart reference: oci://, https:// or a local chart directory (./charts.ts). */
const chartReference = z
    .string()
    .min(1)
    .superRefine((ref, ctx) => {
        const problem = chartReferenceProblem(ref);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    });

/** An exact chart version, no range (./charts.ts). */
const exactChartVersion = z.string().regex(EXACT_CHART_VERSION, { message: EXACT_CHART_VERSION_MESSAGE });

const formanceOperatorSchema = z.strictObject({
    /** Install the operator (and its CRDs) by Helm before the Settings; off when the cluster already runs it. */
    install: z.boolean().default(true),
    /** Chart reference: an oci:// or https:// chart, or a local chart directory (never http://). */
    chart: chartReference.default(FORMANCE_OPERATOR_CHART),
    /** Exact chart version (no range); ignored for a local chart directory. */
    version: exactChartVersion.default(FORMANCE_OPERATOR_VERSION),
    namespace: dns1123Label("namespace").default("formance-system"),
    /** Extra chart values. */
    values: z.record(z.string(), z.unknown()).default({}),
});

const formanceSchema = z.strictObject({
    /** Formance stack names the Settings apply to; `*` is the operator's wildcard (formancehq/operator settings CRD, `spec.stacks`). */
    stacks: z.array(z.string().min(1)).min(1, { message: "must list at least one stack" }).default(["*"]),
    /** Write `namespace.labels: istio.io/rev=<revision or tag>` for namespaces the operator creates. */
    namespaceLabel: z.boolean().default(true),
    /** Revision to label Formance namespaces with (required with several mesh.revisions, unless a tag). */
    namespaceRevision: dns1123Label("namespaceRevision").optional(),
    /** Revision tag to label Formance namespaces with, instead of the revision. */
    namespaceRevisionTag: dns1123Label("namespaceRevisionTag").optional(),
    /** `services.<service>.annotations`, e.g. `gateway: {"cloud.google.com/neg": '{"ingress":true}'}`. */
    serviceAnnotations: z.record(z.string(), stringMap).default({}),
    /** `deployments.<deployment>.spec.template.annotations`. */
    deploymentAnnotations: z.record(z.string(), stringMap).default({}),
    /** `jobs.<owner-kind>.spec.template.annotations`; the operator looks the owner kind up in lower case
     *  (formancehq/operator internal/resources/jobs/job.go, `strings.ToLower`), so only lower case can match. */
    jobAnnotations: z
        .record(
            z.string().regex(/^([a-z0-9-]+|\*)$/, {
                message:
                    "must be the owner kind in lower case (e.g. ledger) or *: the operator lower-cases the kind it looks up",
            }),
            stringMap,
        )
        .default({}),
    /** The Formance operator that owns the `settings.formance.com` CRD. */
    operator: formanceOperatorSchema.prefault({}),
});

const canarySchema = z.strictObject({
    enabled: z.boolean().default(true),
    namespace: dns1123Label("namespace").default("nativemesh-canary"),
    /** Bound on the whole canary (Job activeDeadlineSeconds and Pulumi's wait); 30 s to 1 h. */
    timeoutSeconds: z.number().int().min(30).max(3600).default(300),
    image: pinnedImage.default(CANARY_IMAGE),
    /** What the init container must reach through the mesh; any HTTP answer (401/403 included) counts. */
    probeUrl: z.string().url().default("https://kubernetes.default.svc/readyz"),
    /** An egress NetworkPolicy for the canary's pods (DNS, istiod's xDS/CA port 15012, the probe's port), for
     *  clusters that deny egress by default. */
    egressNetworkPolicy: z.boolean().default(false),
});

const rootSchema = z
    .strictObject({
        cloud: z.enum(["gke", "ack", "existing"]),
        gke: gkeConfigSchema.optional(),
        ack: ackConfigSchema.optional(),
        existing: existingClusterSchema.optional(),
        mesh: meshSchema,
        namespaces: z.array(namespaceSchema).default([]),
        formance: formanceSchema.optional(),
        canary: canarySchema.prefault({}),
    })
    .superRefine(checkCrossFieldRules);

/** The top-level keys of the `nativemesh:` section (`cloud`, `mesh`, ...). */
export const CONFIG_KEYS: readonly string[] = Object.keys(rootSchema.shape);

export type RawEnvironmentConfig = z.input<typeof rootSchema>;
type ParsedConfig = z.output<typeof rootSchema>;
export type GkeConfig = z.output<typeof gkeConfigSchema>;
export type ExistingClusterConfig = z.output<typeof existingClusterSchema>;
export type MeshConfig = z.output<typeof meshSchema>;
export type NamespaceConfig = z.output<typeof namespaceSchema>;
export type FormanceConfig = z.output<typeof formanceSchema>;
export type CanaryConfig = z.output<typeof canarySchema>;

/** The validated, typed environment: what MeshEnvironment builds. */
export interface EnvironmentSpec extends Omit<ParsedConfig, "mesh"> {
    /** The mesh section; `version` is the first revision's. */
    mesh: MeshConfig & { version: string };
    /** The first control-plane revision (derived from the version when not given): the one namespaces select
     *  when there is only one; undefined only for Alibaba ASM without a revision, whose namespaces are selected
     *  by `istio-injection=enabled`. */
    revision: string | undefined;
    /** Every revision installed side by side, the tags pointing at them, and the default revision. */
    revisionPlan: RevisionPlan;
    /** Where the secret values of the configuration are (`pulumi config set --secret`): each path names a secret
     *  value or a subtree that is secret as a whole. Every place such a value lands is kept secret. */
    secretPaths: ConfigPath[];
}

/** A configuration problem; its message is one line naming the key, the value and what is allowed. */
export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

function checkCrossFieldRules(cfg: ParsedConfig, ctx: z.RefinementCtx): void {
    const need = (section: "gke" | "ack" | "existing") => {
        if (cfg.cloud === section && cfg[section] === undefined) {
            ctx.addIssue({ code: "custom", path: [section], message: `is required when cloud is ${section}` });
        }
    };
    need("gke");
    need("ack");
    need("existing");
    for (const other of ["gke", "ack", "existing"] as const) {
        if (other !== cfg.cloud && cfg[other] !== undefined) {
            ctx.addIssue({ code: "custom", path: [other], message: `is only allowed when cloud is ${other}` });
        }
    }
    if (cfg.gke !== undefined) checkGkeAccess(cfg.gke, ctx);
    const { mesh } = cfg;
    if (mesh.method === "asmcli") {
        const versions =
            mesh.revisions?.map((r, i) => ({ version: r.version, path: ["mesh", "revisions", i, "version"] })) ??
            (mesh.version !== undefined ? [{ version: mesh.version, path: ["mesh", "version"] }] : []);
        for (const { version, path } of versions) {
            if (!/-asm\.\d+$/.test(version)) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message: "for asmcli must be an ASM release MAJOR.MINOR.POINT-asm.REV such as 1.19.10-asm.26",
                });
            }
        }
        if (cfg.cloud === "ack") {
            ctx.addIssue({
                code: "custom",
                path: ["mesh", "method"],
                message: "asmcli installs on GKE only; use helm or alibaba-asm on ack",
            });
        }
        // With --kubeconfig asmcli cannot find the cluster's project, so it needs the fleet's (asmcli --help).
        if (cfg.cloud === "existing" && mesh.asmcli.fleetId === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["mesh", "asmcli", "fleetId"],
                message: "is required with cloud existing: asmcli given a kubeconfig needs the fleet host project id",
            });
        }
    }
    if (mesh.method === "alibaba-asm" && cfg.cloud !== "ack") {
        ctx.addIssue({ code: "custom", path: ["mesh", "method"], message: "alibaba-asm needs cloud: ack" });
    }
    if (mesh.method === "managed" && cfg.cloud !== "gke") {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "method"],
            message: "managed (Cloud Service Mesh) exists on GKE only",
        });
    }
    if (
        mesh.method === "alibaba-asm" &&
        mesh.revision !== undefined &&
        (mesh.alibaba?.clusterSpec ?? "enterprise") === "standard"
    ) {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "revision"],
            message:
                "needs an ASM instance with revisions: mesh.alibaba.clusterSpec enterprise or ultimate (standard has none)",
        });
    }
    if (mesh.alibaba !== undefined && mesh.method !== "alibaba-asm") {
        ctx.addIssue({ code: "custom", path: ["mesh", "alibaba"], message: "is only allowed with method alibaba-asm" });
    }
    if (mesh.revisionTags.length > 0 && (mesh.method === "alibaba-asm" || mesh.method === "managed")) {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "revisionTags"],
            message: "are made by nativemesh only with method helm or asmcli",
        });
    }
    if (mesh.baseVersion !== undefined && mesh.method !== "helm") {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "baseVersion"],
            message: "is the version of the Helm base chart: only with method helm",
        });
    }
    if (mesh.defaultRevision !== false && mesh.method !== "helm") {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "defaultRevision"],
            message: "is a Helm base-chart value: only with method helm",
        });
    }
    if (mesh.revisions !== undefined && (mesh.method === "alibaba-asm" || mesh.method === "managed")) {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "revisions"],
            message: `are installed by nativemesh with method helm; ${mesh.method} names its revision itself: use mesh.version`,
        });
        return;
    }
    checkOwnedValues(mesh, ctx);
    // asmcli installs its one revision from its own release, not from charts.
    mesh.revisions?.forEach((r, i) => {
        if (r.chartPath !== undefined && mesh.method !== "helm") {
            ctx.addIssue({
                code: "custom",
                path: ["mesh", "revisions", i, "chartPath"],
                message: "is a folder of Helm charts: only with method helm",
            });
        }
    });
    const planned = planRevisionsOf(cfg.mesh);
    for (const problem of [...planned.problems, ...allowRemovalProblems(mesh.allowRemoval, planned.plan)])
        ctx.addIssue({ code: "custom", ...problem });
    if (planned.problems.length > 0) return;
    checkBaseVersion(mesh, planned.plan, ctx);
    checkSelections(cfg, planned.plan, ctx);
}

/** The base chart serves the CRDs of every istiod listed: never older than the newest revision. */
function checkBaseVersion(mesh: MeshConfig, plan: RevisionPlan, ctx: z.RefinementCtx): void {
    if (mesh.baseVersion === undefined || plan.revisions.length === 0) return;
    const newest = newestVersion(plan.revisions.map((r) => r.version));
    const [base, top] = [parseVersion(mesh.baseVersion), parseVersion(newest)];
    if (base !== undefined && top !== undefined && compareVersions(base, top) < 0) {
        ctx.addIssue({
            code: "custom",
            path: ["mesh", "baseVersion"],
            message: `'${mesh.baseVersion}' is older than the newest revision's ${newest}: the base chart holds the CRDs every istiod listed reads; give ${newest} or later`,
        });
    }
}

/** Chart values nativemesh sets itself are refused where the user would give them (ownedValues.ts): merged under
 *  ours, they would be silently lost. */
function checkOwnedValues(mesh: MeshConfig, ctx: z.RefinementCtx): void {
    const report = (at: (string | number)[], problems: Array<{ path: string[]; message: string }>) => {
        for (const p of problems) ctx.addIssue({ code: "custom", path: [...at, ...p.path], message: p.message });
    };
    report(["mesh", "istiodValues"], ownedIstiodValueProblems(mesh.istiodValues, mesh.revisions?.length ?? 1));
    mesh.revisions?.forEach((r, i) =>
        report(["mesh", "revisions", i, "istiodValues"], ownedIstiodValueProblems(r.istiodValues ?? {})),
    );
    report(["mesh", "baseValues"], ownedBaseValueProblems(mesh.baseValues));
}

/** The revision plan of a parsed mesh section; Alibaba and managed meshes name their one revision elsewhere. */
function planRevisionsOf(mesh: MeshConfig): ReturnType<typeof planRevisions> {
    if (mesh.method === "alibaba-asm" || mesh.method === "managed") {
        const revision = revisionFor(mesh);
        if (mesh.version === undefined) {
            return {
                plan: { revisions: [], tags: [] },
                problems: [{ path: ["mesh", "version"], message: "is required" }],
            };
        }
        return { plan: { revisions: revision ? [{ version: mesh.version, revision }] : [], tags: [] }, problems: [] };
    }
    return planRevisions(mesh);
}

/** What every namespace, the Formance namespaces and the canaries select: an installed revision or tag. */
function checkSelections(cfg: ParsedConfig, plan: RevisionPlan, ctx: z.RefinementCtx): void {
    const check = (selector: Selector, path: (string | number)[], what: string, keys: Record<string, string>) => {
        // Alibaba ASM without revisions selects by istio-injection: nothing to name.
        if (plan.revisions.length === 0 && selector.revision === undefined && selector.revisionTag === undefined)
            return;
        const { problem } = selectedBy(selector, plan, what);
        if (problem === undefined) return;
        // "Name one" problems point at the revision key, which is not given: no value to echo.
        const key = problem.key === "self" ? [keys.revision] : [keys[problem.key]];
        ctx.addIssue({ code: "custom", path: [...path, ...key], message: problem.message });
    };
    const seen = new Set<string>();
    cfg.namespaces.forEach((ns, i) => {
        check(ns, ["namespaces", i], `namespace '${ns.name}'`, { revision: "revision", revisionTag: "revisionTag" });
        if (seen.has(ns.name)) {
            ctx.addIssue({ code: "custom", path: ["namespaces", i, "name"], message: `'${ns.name}' is listed twice` });
        }
        seen.add(ns.name);
        const injectionLabelReasons: Record<string, string> = {
            "istio.io/rev":
                "is set by nativemesh to the revision, or to the namespace's revisionTag: set revision or revisionTag to pick one",
            "istio-injection":
                "is never written by nativemesh: with it Istio ignores istio.io/rev (the revision webhooks require it absent)",
        };
        for (const [key, why] of Object.entries(injectionLabelReasons)) {
            if (key in ns.labels) {
                ctx.addIssue({ code: "custom", path: ["namespaces", i, "labels", key], message: why });
            }
        }
        if (Object.keys(ns.podTemplateAnnotations).length > 0) checkPodTemplateDefaults(cfg, ns, i, ctx);
    });
    if (cfg.canary.enabled) {
        for (const target of canaryTargets(plan, cfg.canary.namespace)) {
            if (seen.has(target.namespace)) {
                ctx.addIssue({
                    code: "custom",
                    path: ["canary", "namespace"],
                    message: `'${target.namespace}' is also a meshed namespace; the canary gets a namespace of its own`,
                });
            } else if (!isDns1123Label(target.namespace)) {
                ctx.addIssue({
                    code: "custom",
                    path: ["canary", "namespace"],
                    message: `'${cfg.canary.namespace}' makes '${target.namespace}' for revision ${target.revision}, longer than a namespace may be (63): choose a shorter one`,
                });
            }
        }
    }
    const { formance } = cfg;
    if (formance !== undefined && formance.namespaceLabel) {
        check(
            { revision: formance.namespaceRevision, revisionTag: formance.namespaceRevisionTag },
            ["formance"],
            "formance.namespaceLabel",
            { revision: "namespaceRevision", revisionTag: "namespaceRevisionTag" },
        );
    }
}

/**
 * Who can reach a GKE control plane. A public endpoint answers anyone on the Internet who holds a credential
 * unless authorized networks limit it (Google "Harden your cluster's security": restrict access to the control
 * plane), so it needs them; a private endpoint exists only in a cluster with private nodes.
 */
function checkGkeAccess(gke: GkeConfig, ctx: z.RefinementCtx): void {
    if (gke.privateEndpoint && !gke.privateNodes) {
        ctx.addIssue({
            code: "custom",
            path: ["gke", "privateEndpoint"],
            message: "needs gke.privateNodes: true (a private endpoint exists only in a cluster with private nodes)",
        });
    } else if (!gke.privateEndpoint && gke.authorizedNetworks.length === 0) {
        ctx.addIssue({
            code: "custom",
            path: ["gke", "authorizedNetworks"],
            message:
                "must list the CIDRs allowed to reach the control plane while its endpoint is public; or set gke.privateEndpoint: true",
        });
    }
}

/**
 * Per-namespace pod-template annotations become Settings scoped to that namespace's Formance stack. The operator
 * takes the first matching Setting, those naming the stack before those for `*`, and never merges maps
 * (formancehq/operator internal/resources/settings/helpers.go, sortSettingsByPriority): they would silently
 * hide formance.deploymentAnnotations / jobAnnotations for that stack, so the two are not combined.
 */
function checkPodTemplateDefaults(cfg: ParsedConfig, ns: NamespaceConfig, i: number, ctx: z.RefinementCtx): void {
    const path = ["namespaces", i, "podTemplateAnnotations"];
    if (cfg.formance === undefined) {
        ctx.addIssue({
            code: "custom",
            path,
            message: "is applied through Formance Settings: add a nativemesh:formance section",
        });
        return;
    }
    const { stacks, deploymentAnnotations, jobAnnotations } = cfg.formance;
    const reaches = stacks.includes("*") || stacks.includes(ns.name);
    const global = [
        ...Object.keys(deploymentAnnotations).map((d) => `deploymentAnnotations.${d}`),
        ...Object.keys(jobAnnotations).map((j) => `jobAnnotations.${j}`),
    ];
    if (reaches && global.length > 0) {
        ctx.addIssue({
            code: "custom",
            path,
            message:
                `would hide formance.${global[0]} for stack '${ns.name}' (the operator takes the Setting scoped to the ` +
                `stack and does not merge maps): put these annotations in formance.deploymentAnnotations/jobAnnotations instead`,
        });
    }
}

/** Derives the revision namespaces must select: the given one, or the one each install method names. */
export function revisionFor(mesh: MeshConfig): string | undefined {
    if (mesh.revision !== undefined) return mesh.revision;
    switch (mesh.method) {
        case "helm":
        case "asmcli": {
            // The first of mesh.revisions, or the one-revision shorthand.
            const first = mesh.revisions?.[0] ?? (mesh.version !== undefined ? { version: mesh.version } : undefined);
            if (first === undefined) return undefined;
            return first.revision ?? revisionFromVersion(first.version, mesh.method);
        }
        case "managed":
            return MANAGED_REVISION;
        case "alibaba-asm":
            // Alibaba ASM names revisions only on Enterprise/Ultimate instances; without one it injects by
            // istio-injection=enabled (docs/ALIBABA.md).
            return undefined;
    }
}

/** Renders a zod issue path as the user wrote it: `nativemesh:gke.nodePools[0].machineType`. */
export function configKey(path: ReadonlyArray<PropertyKey>): string {
    let key = CONFIG_NAMESPACE;
    path.forEach((part, i) => {
        if (typeof part === "number") key += `[${part}]`;
        else key += i === 0 ? `:${String(part)}` : `.${String(part)}`;
    });
    return key;
}

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
    let cur: unknown = raw;
    for (const part of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[part];
    }
    return cur;
}

function describeValue(value: unknown, secret: boolean): string {
    if (value === undefined) return "";
    // Never the value of a secret key, nor of a map that holds one.
    if (secret) return ` (got ${REDACTED})`;
    const text = JSON.stringify(value);
    if (text === undefined) return "";
    return ` (got ${text.length > 60 ? text.slice(0, 57) + "..." : text})`;
}

/** One line per zod issue, naming the key, the value given and what is allowed. */
function issueLine(raw: unknown, issue: z.core.$ZodIssue, secretPaths: readonly ConfigPath[]): string {
    if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => configKey([...issue.path, k]));
        return `${keys.join(", ")}: unknown key${keys.length > 1 ? "s" : ""}`;
    }
    if (issue.code === "invalid_key") {
        // A map key the schema refuses: say why (the key's own issue) and quote the key.
        const why = issue.issues[0]?.message ?? issue.message;
        return `${configKey(issue.path)}: ${why} (got ${JSON.stringify(String(issue.path[issue.path.length - 1]))})`;
    }
    const value = valueAt(raw, issue.path);
    let message = issue.message;
    if (value === undefined && issue.code !== "custom") message = "is required";
    else if (issue.code === "invalid_value" && "values" in issue) {
        message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    }
    // Say what was given, unless the message already quotes it.
    const secret = holdsSecret(secretPaths, issue.path as ConfigPath);
    const given =
        typeof value === "string" && !secret && message.includes(`'${value}'`) ? "" : describeValue(value, secret);
    return `${configKey(issue.path)}: ${message}${given}`;
}

/** How validateConfig treats the values it is given. */
export interface ValidateOptions {
    /** Paths of secret values (see `components/config/secrets.ts`): never echoed in a message, kept secret
     *  wherever they land. */
    secretPaths?: readonly ConfigPath[];
}

/**
 * Validates the `nativemesh:` section (keys without the namespace prefix) and returns the typed spec.
 * Throws ConfigError whose message is the first problem on one line; the message never holds a secret value
 * (`[secret]` stands in for it).
 */
export function validateConfig(raw: unknown, options: ValidateOptions = {}): EnvironmentSpec {
    const secretPaths = [...(options.secretPaths ?? [])];
    try {
        return { ...validated(raw, secretPaths), secretPaths };
    } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError(scrubSecrets(err.message, raw, secretPaths));
        throw err;
    }
}

function validated(raw: unknown, secretPaths: readonly ConfigPath[]): Omit<EnvironmentSpec, "secretPaths"> {
    // Before the schema: a secret on a key that cannot be secret (a whole key such as nativemesh:mesh included)
    // reads "[secret]" offline, which the schema would report as a malformed value instead of saying what is wrong.
    // A path with no value there (a required key left out) holds no secret: the schema says what is missing.
    refuseUncoverableSecret(secretPaths.filter((path) => valueAt(raw, path) !== undefined));
    const result = rootSchema.safeParse(raw);
    if (!result.success) {
        // An unknown key is most often a misspelt one, which also makes a required key look missing: say it first.
        const issues = [...result.error.issues].sort(
            (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
        );
        throw new ConfigError(issueLine(raw, issues[0], secretPaths));
    }
    const cfg = result.data;
    const { plan, problems } = planRevisionsOf(cfg.mesh);
    // The schema's refinement reports these first; a version the planner cannot name lands here too.
    if (problems.length > 0) throw new ConfigError(`${configKey(problems[0].path)}: ${problems[0].message}`);
    const revision = plan.revisions[0]?.revision;
    const mesh = { ...cfg.mesh, version: cfg.mesh.version ?? plan.revisions[0]?.version ?? "" };
    if (cfg.formance !== undefined) {
        checkFormanceValues(
            cfg.formance,
            injectionLabelsFor(
                selectionOf(plan, {
                    revision: cfg.formance.namespaceRevision,
                    revisionTag: cfg.formance.namespaceRevisionTag,
                }),
            ),
            cfg.namespaces,
        );
    }
    return { ...cfg, mesh, revision, revisionPlan: plan };
}

/** A secret that is not at or below a value that can be kept secret: refused, naming its key. */
function refuseUncoverableSecret(secretPaths: readonly ConfigPath[]): void {
    const uncoverable = uncoverableSecret(secretPaths);
    if (uncoverable === undefined) return;
    // A path above secret-capable values (a whole key such as nativemesh:mesh) also holds names and versions.
    const what = isAboveSecretCapable(uncoverable)
        ? "cannot be kept secret as a whole (it holds names, revisions or namespaces every plan and URN shows): " +
          "set it without --secret and only its secret values with `pulumi config set --secret --path`"
        : "cannot be kept secret (it names or shapes resources every plan shows): set it without --secret";
    throw new ConfigError(
        `${configKey(uncoverable)}: ${what}; secrets belong in existing.kubeconfig/context, mesh.istiodValues (also per revision), mesh.baseValues, ` +
            "mesh.asmcli.options, mesh.alibaba.controlPlaneKubeconfig, Formance annotation values or operator.values",
    );
}

/** The environment as a program writes it: the `nativemesh:` keys without their prefix, defaults optional. */
export type EnvironmentConfig = RawEnvironmentConfig;

/**
 * validateConfig for a program that builds its configuration in code: the same checks, but the argument is
 * typed, so a misspelt key or a value of the wrong type fails at compile time. `secretPaths` names the values
 * that are credentials (e.g. `[["mesh", "istiodValues", "pilot", "env", "TOKEN"]]`): kept secret where they land.
 */
export function defineEnvironment(config: EnvironmentConfig, options: ValidateOptions = {}): EnvironmentSpec {
    return validateConfig(config, options);
}

/** Every Formance map value must survive the operator's parser; found here, before anything is declared. */
function checkFormanceValues(
    formance: FormanceConfig,
    namespaceLabels: Record<string, string>,
    namespaces: NamespaceConfig[],
): void {
    for (const setting of formanceSettingsFor(formance, namespaceLabels, namespaces)) {
        try {
            settingsSpec(setting);
        } catch (err) {
            if (!(err instanceof FormanceValueError)) throw err;
            throw new ConfigError(`${configKey(setting.source ?? ["formance"])}: ${err.message}`);
        }
    }
}

/**
 * Collects the `nativemesh:*` keys of a Pulumi config map (`{"nativemesh:cloud": "gke", ...}`), as found in
 * a stack file's `config:` or in `pulumi.runtime.allConfig()` (where structured values are JSON strings).
 * Keys of other namespaces (`gcp:project`...) belong to providers and are left alone.
 */
export function namespaceConfig(config: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(config)) {
        const colon = fullKey.indexOf(":");
        const namespace = colon < 0 ? fullKey : fullKey.slice(0, colon);
        if (namespace !== CONFIG_NAMESPACE && looksLikeOurs(namespace)) {
            throw new ConfigError(
                `${fullKey}: the namespace '${namespace}' is not ${CONFIG_NAMESPACE}, so this key would be ignored: write ${CONFIG_NAMESPACE}:${colon < 0 ? "<key>" : fullKey.slice(colon + 1)}`,
            );
        }
        if (colon < 0 || namespace !== CONFIG_NAMESPACE) continue;
        const key = fullKey.slice(colon + 1);
        // The CLI stores structured values as JSON strings; plain strings stay as they are ("1.29" is a string).
        out[key] = typeof value === "string" && /^[[{]/.test(value) ? parseJsonOr(value) : value;
    }
    return out;
}

/** A namespace that is probably `nativemesh` misspelt: a few edits away, or the same letters in another case or
 *  with separators. Provider namespaces (gcp, alicloud, kubernetes...) are far from it. */
function looksLikeOurs(namespace: string): boolean {
    const plain = namespace.toLowerCase().replace(/[-_. ]/g, "");
    return plain === CONFIG_NAMESPACE || editDistance(plain, CONFIG_NAMESPACE) <= 2;
}

/** Levenshtein distance, for "did you mean" on misspelt names. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}

function parseJsonOr(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
