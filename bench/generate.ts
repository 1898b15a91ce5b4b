/**
 * Inputs for the benchmark, generated rather than stored: a `pulumi stack export` of a fleet of any size, and
 * a stack configuration with any number of meshed namespaces. Deterministic: the same size gives the same
 * bytes, so runs on different days compare.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

const STACK = "bench";
const PROJECT = "fleet";
// The default Kubernetes provider as the engine names it (`default_<version>` plus the provider's id).
const K8S_PROVIDER = `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:kubernetes::default_4_34_0`;
const GCP_PROVIDER = `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:gcp::default_9_0_0`;
const K8S_PROVIDER_ID = "7d1c2a4e-0b1f-4c55-9a0e-3f6c2b8d9e01";
const GCP_PROVIDER_ID = "2b9e6f10-5d3a-4a7c-8e21-c4f0d9b7a6e2";
const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
const CREATED = "2025-11-20T10:00:00.000Z";
// Pulumi's secret wrapper in an export (FACTS.md "Pulumi").
const SECRET = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: "v1:c2VjcmV0OmJlbmNobWFyaw==",
};
/** istiod 1.28.1 installed by Helm gets revision 1-28-1 (FACTS.md "Istio: installing it"). */
const REVISION = "1-28-1";

/** One entry of `deployment.resources`, with the fields `pulumi stack export` writes (FACTS.md "Pulumi"). */
export interface ExportedResource {
    urn: string;
    custom: boolean;
    id?: string;
    type: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    parent?: string;
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    created: string;
    modified: string;
}

export interface StackExport {
    version: 3;
    deployment: {
        manifest: Record<string, unknown>;
        secrets_providers: Record<string, unknown>;
        resources: ExportedResource[];
    };
}

const urnOf = (type: string, name: string) => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;

function entry(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown>,
    extra: Partial<ExportedResource> = {},
): ExportedResource {
    return {
        urn: urnOf(type, name),
        custom: true,
        id: name,
        type,
        inputs,
        outputs,
        parent: STACK_URN,
        provider: type.startsWith("kubernetes:")
            ? `${K8S_PROVIDER}::${K8S_PROVIDER_ID}`
            : `${GCP_PROVIDER}::${GCP_PROVIDER_ID}`,
        dependencies: [],
        propertyDependencies: {},
        created: CREATED,
        modified: CREATED,
        ...extra,
    };
}

/** What the Kubernetes provider writes back: the object as the API server returns it. */
function liveObject(
    object: Record<string, unknown>,
    n: number,
    status: Record<string, unknown>,
): Record<string, unknown> {
    const metadata = object.metadata as Record<string, unknown>;
    return {
        ...object,
        metadata: {
            ...metadata,
            uid: `0c6f${String(n).padStart(4, "0")}-5a1e-4b7d-9c3f-1e2d3c4b5a69`,
            resourceVersion: String(100000 + n),
            generation: 1,
            creationTimestamp: CREATED,
            managedFields: [
                {
                    apiVersion: object.apiVersion,
                    fieldsType: "FieldsV1",
                    fieldsV1: { "f:metadata": { "f:labels": {} }, "f:spec": {} },
                    manager: "pulumi-kubernetes-a1b2c3d4",
                    operation: "Apply",
                    time: CREATED,
                },
            ],
        },
        status,
    };
}

function kube(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    rest: Record<string, unknown>,
) {
    const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "pulumi" };
    return {
        apiVersion,
        kind,
        metadata: namespace === undefined ? { name, labels } : { name, namespace, labels },
        ...rest,
    };
}

function podSpec(app: string, extraAnnotations: Record<string, string>) {
    return {
        metadata: { labels: { app }, annotations: { "sidecar.istio.io/nativeSidecar": "true", ...extraAnnotations } },
        spec: {
            serviceAccountName: app,
            containers: [
                {
                    name: app,
                    image: `europe-docker.pkg.dev/acme/apps/${app}:1.4.2`,
                    ports: [{ containerPort: 8080, name: "http" }],
                    env: [
                        { name: "LOG_LEVEL", value: "info" },
                        { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel-collector.observability:4317" },
                    ],
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                    readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
                },
            ],
        },
    };
}

/** The platform part of every fleet: stack, providers, a GKE cluster and node pool, istiod by Helm. */
function platform(): ExportedResource[] {
    const stack: ExportedResource = {
        urn: STACK_URN,
        custom: false,
        type: "pulumi:pulumi:Stack",
        inputs: {},
        outputs: { kubeconfig: SECRET },
        created: CREATED,
        modified: CREATED,
    };
    // A provider entry has no provider of its own; its id is the one the resources' `provider` references end in.
    const provider = (type: string, name: string, id: string, props: Record<string, unknown>): ExportedResource => {
        const made = entry(type, name, props, props, { id });
        delete made.provider;
        return made;
    };
    const providers = [
        provider("pulumi:providers:gcp", "default_9_0_0", GCP_PROVIDER_ID, { project: "acme-fleet", version: "9.0.0" }),
        provider("pulumi:providers:kubernetes", "default_4_34_0", K8S_PROVIDER_ID, {
            kubeconfig: SECRET,
            version: "4.34.0",
        }),
    ];
    const cluster = {
        name: "fleet",
        location: "europe-west1",
        project: "acme-fleet",
        minMasterVersion: "1.33.5-gke.1308000",
        releaseChannel: { channel: "REGULAR" },
        workloadIdentityConfig: { workloadPool: "acme-fleet.svc.id.goog" },
        removeDefaultNodePool: true,
        initialNodeCount: 1,
    };
    const pool = {
        cluster: "fleet",
        location: "europe-west1",
        project: "acme-fleet",
        version: "1.33.5-gke.1308000",
        autoscaling: { minNodeCount: 1, maxNodeCount: 30 },
        nodeConfig: { machineType: "e2-standard-8", diskSizeGb: 100 },
    };
    const istiod = {
        name: "istiod-1-28-1",
        chart: "istiod",
        version: "1.28.1",
        namespace: "istio-system",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        values: {
            revision: REVISION,
            revisionTags: ["prod-stable"],
            pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } },
        },
    };
    const base = {
        name: "istio-base",
        chart: "base",
        version: "1.28.1",
        namespace: "istio-system",
        repositoryOpts: istiod.repositoryOpts,
        values: {},
    };
    const istioSystem = kube("v1", "Namespace", "istio-system", undefined, {});
    return [
        stack,
        ...providers,
        entry("gcp:container/cluster:Cluster", "fleet", cluster, {
            ...cluster,
            endpoint: "34.76.1.2",
            masterAuth: SECRET,
            currentMasterVersion: "1.33.5-gke.1308000",
        }),
        entry("gcp:container/nodePool:NodePool", "fleet-general", pool, {
            ...pool,
            instanceGroupUrls: [
                "https://www.googleapis.com/compute/v1/projects/acme-fleet/zones/europe-west1-b/instanceGroupManagers/gke-fleet-general",
            ],
        }),
        entry(
            "kubernetes:core/v1:Namespace",
            "istio-system",
            istioSystem,
            liveObject(istioSystem, 0, { phase: "Active" }),
        ),
        entry("kubernetes:helm.sh/v3:Release", "istio-base", base, {
            ...base,
            status: { status: "deployed", revision: 1 },
        }),
        entry("kubernetes:helm.sh/v3:Release", "istiod", istiod, {
            ...istiod,
            status: { status: "deployed", revision: 1 },
        }),
    ];
}

/** The resources of tenant namespace number `t`, in the order they repeat: 10 per namespace. */
function tenant(t: number): ExportedResource[] {
    const ns = `tenant-${t}`;
    const n = t * 10;
    const out: ExportedResource[] = [];
    const namespace = kube("v1", "Namespace", ns, undefined, {});
    (namespace.metadata.labels as Record<string, string>)["istio.io/rev"] = REVISION;
    out.push(entry("kubernetes:core/v1:Namespace", ns, namespace, liveObject(namespace, n, { phase: "Active" })));
    for (const [i, app] of ["api", "worker", "web", "ledger"].entries()) {
        // One tenant in a hundred still carries a legacy workaround: the advisory policy has something to say.
        const legacy: Record<string, string> =
            t % 100 === 7 && i === 0 ? { "traffic.sidecar.istio.io/excludeOutboundPorts": "5432" } : {};
        const deployment = kube("apps/v1", "Deployment", app, ns, {
            spec: { replicas: 2, selector: { matchLabels: { app } }, template: podSpec(app, legacy) },
        });
        out.push(
            entry(
                "kubernetes:apps/v1:Deployment",
                `${ns}-${app}`,
                deployment,
                liveObject(deployment, n + 1 + i, {
                    replicas: 2,
                    readyReplicas: 2,
                    availableReplicas: 2,
                    observedGeneration: 1,
                }),
            ),
        );
    }
    for (const [i, app] of ["api", "web", "ledger"].entries()) {
        const service = kube("v1", "Service", app, ns, {
            spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
        });
        out.push(
            entry(
                "kubernetes:core/v1:Service",
                `${ns}-${app}`,
                service,
                liveObject(service, n + 5 + i, { loadBalancer: {} }),
            ),
        );
    }
    const job = kube("batch/v1", "Job", "migrate", ns, {
        spec: {
            backoffLimit: 2,
            template: { ...podSpec("migrate", {}), spec: { ...podSpec("migrate", {}).spec, restartPolicy: "Never" } },
        },
    });
    out.push(
        entry(
            "kubernetes:batch/v1:Job",
            `${ns}-migrate`,
            job,
            liveObject(job, n + 8, { succeeded: 1, completionTime: CREATED }),
        ),
    );
    const settings = kube(
        "formance.com/v1beta1",
        "Settings",
        `nativemesh-deployments-all-spec-template-annotations-${ns}`,
        undefined,
        {
            spec: {
                key: "deployments.*.spec.template.annotations",
                value: "sidecar.istio.io/nativeSidecar=true",
                stacks: [ns],
            },
        },
    );
    out.push(
        entry("kubernetes:formance.com/v1beta1:Settings", `${ns}-settings`, settings, liveObject(settings, n + 9, {})),
    );
    return out;
}

/** The resources of a fleet of exactly `count`: the platform, then tenants of 10 resources each. */
export function* fleetResources(count: number): Generator<ExportedResource> {
    let made = 0;
    for (const r of platform()) {
        if (made++ === count) return;
        yield r;
    }
    for (let t = 0; ; t++) {
        for (const r of tenant(t)) {
            if (made++ === count) return;
            yield r;
        }
    }
}

const MANIFEST = { time: CREATED, magic: "bench", version: "v3.200.0" };
const SECRETS_PROVIDERS = { type: "passphrase", state: { salt: "v1:bench" } };

/** A stack export of exactly `count` resources, in memory (tests; the bench writes it with writeStackExport). */
export function stackExport(count: number): StackExport {
    return {
        version: 3,
        deployment: { manifest: MANIFEST, secrets_providers: SECRETS_PROVIDERS, resources: [...fleetResources(count)] },
    };
}

/** A stack configuration (the dev stack's shape) with `count` meshed namespaces, each with Formance Settings. */
export function stackConfig(count: number): { config: Record<string, unknown> } {
    return {
        config: {
            "gcp:project": "acme-fleet",
            "nativemesh:cloud": "gke",
            "nativemesh:gke": {
                project: "acme-fleet",
                location: "europe-west1",
                clusterName: "fleet",
                kubernetesVersion: "1.33.5-gke.1308000",
                nodePools: [{ name: "general", machineType: "e2-standard-8", minNodes: 1, maxNodes: 30 }],
                // A public control-plane endpoint needs authorized networks (a documentation range).
                authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
            },
            "nativemesh:mesh": { method: "helm", version: "1.28.1", revisionTags: ["prod-stable"] },
            "nativemesh:namespaces": Array.from({ length: count }, (_, t) => ({
                name: `tenant-${t}`,
                ...(t % 2 === 0 ? { revisionTag: "prod-stable" } : {}),
                // Per-namespace pod-template annotations become that namespace's Formance Settings.
                podTemplateAnnotations: { "sidecar.istio.io/nativeSidecar": "true" },
            })),
            "nativemesh:formance": { stacks: ["*"] },
            "nativemesh:canary": { enabled: true },
        },
    };
}

/** Writes a stack export one resource per line, never holding the whole fleet in memory. */
export function writeStackExport(file: string, count: number): void {
    const fd = fs.openSync(file, "w");
    try {
        const head = JSON.stringify({
            version: 3,
            deployment: { manifest: MANIFEST, secrets_providers: SECRETS_PROVIDERS, resources: [] },
        });
        fs.writeSync(fd, head.slice(0, -"]}}".length)); // up to `"resources":[`
        let first = true;
        for (const r of fleetResources(count)) {
            fs.writeSync(fd, `${first ? "\n" : ",\n"}${JSON.stringify(r)}`);
            first = false;
        }
        fs.writeSync(fd, "\n]}}\n");
    } finally {
        fs.closeSync(fd);
    }
}

export function writeStackConfig(file: string, count: number): void {
    fs.writeFileSync(
        file,
        `# ${count} meshed namespaces, generated by bench/generate.ts\n${stringify(stackConfig(count))}`,
    );
}

export interface BenchInputs {
    exports: Map<number, string>;
    configs: Map<number, string>;
}

/** Writes every input into dir: `export-<n>.json` and `Pulumi.ns-<n>.yaml`. */
export function writeInputs(dir: string, exportSizes: number[], namespaceCounts: number[]): BenchInputs {
    fs.mkdirSync(dir, { recursive: true });
    const inputs: BenchInputs = { exports: new Map(), configs: new Map() };
    for (const n of exportSizes) {
        const file = path.join(dir, `export-${n}.json`);
        writeStackExport(file, n);
        inputs.exports.set(n, file);
    }
    for (const n of namespaceCounts) {
        const file = path.join(dir, `Pulumi.ns-${n}.yaml`);
        writeStackConfig(file, n);
        inputs.configs.set(n, file);
    }
    return inputs;
}
