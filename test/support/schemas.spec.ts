import * as assert from "assert";
import { SHARED_SCHEMAS_DIR, sharedSchemasAvailable, validateIstiodValues, validateManifest } from "./schemas";

// Pulumi's "not known during preview" value and its secret envelope (common brief): cannot tell, not a failure.
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

const namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "ledger", labels: { "istio.io/rev": "1-28-1" } },
};

/** A Job whose pod completes with a native sidecar: an init container with `restartPolicy: Always`. */
const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "migrate", namespace: "ledger", annotations: { "sidecar.istio.io/nativeSidecar": "true" } },
    spec: {
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 300,
        backoffLimit: 3,
        template: {
            metadata: { labels: { app: "migrate" } },
            spec: {
                restartPolicy: "Never",
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                initContainers: [
                    {
                        name: "istio-proxy",
                        image: "docker.io/istio/proxyv2:1.28.1",
                        restartPolicy: "Always",
                        readinessProbe: { httpGet: { path: "/healthz/ready", port: 15021 } },
                        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: 1, memory: "1Gi" } },
                    },
                ],
                containers: [
                    {
                        name: "migrate",
                        image: "ghcr.io/formancehq/ledger:v2",
                        imagePullPolicy: "IfNotPresent",
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        resources: { requests: { cpu: "50m", memory: "64Mi" } },
                    },
                ],
            },
        },
    },
};

const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "ledger", namespace: "ledger" },
    spec: {
        replicas: 2,
        selector: { matchLabels: { app: "ledger" } },
        strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
            metadata: { labels: { app: "ledger" } },
            spec: {
                containers: [{ name: "ledger", image: "ledger:v2", ports: [{ containerPort: 8080, name: "http" }] }],
            },
        },
    },
};

const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "ledger", namespace: "ledger" },
    spec: {
        selector: { app: "ledger" },
        ports: [
            { name: "http", port: 80, targetPort: "http" },
            { port: 81, targetPort: 8081 },
        ],
    },
};

const settings = {
    apiVersion: "formance.com/v1beta1",
    kind: "Settings",
    metadata: { name: "native-sidecar-jobs" },
    spec: { key: "jobs.*.spec.template.annotations", value: "sidecar.istio.io/nativeSidecar=true", stacks: ["*"] },
};

const asmMeshConfig = {
    apiVersion: "istio.alibabacloud.com/v1beta1",
    kind: "ASMMeshConfig",
    metadata: { name: "default" },
    spec: { enableNativeSidecar: true, someAlibabaField: { kept: 1 } },
};

const istioOperator = {
    apiVersion: "install.istio.io/v1alpha1",
    kind: "IstioOperator",
    metadata: { name: "native-sidecars" },
    spec: { revision: "asm-1285-12", values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } } },
};

const istiodValues = { revision: "1-28-1", pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } }, revisionTags: ["prod"] };

/** A copy of `base` with `edit` applied to it. */
function variant<T>(base: T, edit: (copy: T) => void): T {
    const copy = structuredClone(base);
    edit(copy);
    return copy;
}

interface Bad {
    name: string;
    problems: () => ReturnType<typeof validateManifest>;
    path: string;
    message: RegExp;
}

describe("shared schemas: strict validation of rendered objects and istiod values", function () {
    before(function () {
        if (!sharedSchemasAvailable()) {
            console.log(`    skipped: upstream schemas not found at ${SHARED_SCHEMAS_DIR}`);
            this.skip();
        }
    });

    const valid: { name: string; problems: () => ReturnType<typeof validateManifest> }[] = [
        { name: "a Namespace with an istio.io/rev label", problems: () => validateManifest(namespace) },
        {
            name: "a Job with a native sidecar, security context, resources, deadline and TTL",
            problems: () => validateManifest(job),
        },
        { name: "a Deployment with int-or-string rolling update bounds", problems: () => validateManifest(deployment) },
        { name: "a Service with named and numbered targetPorts", problems: () => validateManifest(service) },
        { name: "a cluster-scoped Formance Settings", problems: () => validateManifest(settings) },
        {
            name: "the ASMMeshConfig `default` with enableNativeSidecar and other fields",
            problems: () => validateManifest(asmMeshConfig),
        },
        {
            name: "an asmcli IstioOperator overlay with a string env value",
            problems: () => validateManifest(istioOperator),
        },
        {
            name: "istiod values with revision, pilot.env and revisionTags",
            problems: () => validateIstiodValues(istiodValues),
        },
        {
            name: "istiod values in the flattened (≥ 1.24) layout: top-level env",
            problems: () => validateIstiodValues({ revision: "1-28-1", env: { ENABLE_NATIVE_SIDECARS: "true" } }),
        },
        {
            name: "a Job whose backoffLimit is unknown during preview",
            problems: () =>
                validateManifest(variant(job, (j) => ((j.spec as Record<string, unknown>).backoffLimit = UNKNOWN))),
        },
        {
            name: "a Settings whose value is a secret",
            problems: () =>
                validateManifest(variant(settings, (s) => ((s.spec as Record<string, unknown>).value = SECRET))),
        },
    ];
    for (const { name, problems } of valid) {
        it(`accepts ${name}`, function () {
            assert.deepStrictEqual(problems(), []);
        });
    }

    const invalid: Bad[] = [
        {
            name: "a misspelt container field",
            problems: () =>
                validateManifest(
                    variant(job, (j) =>
                        Object.assign(j.spec.template.spec.containers[0], { imagePullPolcy: "Always" }),
                    ),
                ),
            path: "spec.template.spec.containers[0].imagePullPolcy",
            message: /unknown field.*imagePullPolicy/,
        },
        {
            name: "an unknown field in a Deployment's pod template",
            problems: () =>
                validateManifest(
                    variant(deployment, (d) => Object.assign(d.spec.template.spec, { nativeSidecars: true })),
                ),
            path: "spec.template.spec.nativeSidecars",
            message: /unknown field/,
        },
        {
            name: "a Namespace carrying metadata.namespace",
            problems: () =>
                validateManifest(variant(namespace, (n) => Object.assign(n.metadata, { namespace: "default" }))),
            path: "metadata.namespace",
            message: /Namespace is cluster-scoped/,
        },
        {
            name: "a Job with backoffLimit as a string",
            problems: () =>
                validateManifest(variant(job, (j) => ((j.spec as Record<string, unknown>).backoffLimit = "3"))),
            path: "spec.backoffLimit",
            message: /must be integer; got "3"/,
        },
        {
            name: "a label value that is not a string",
            problems: () =>
                validateManifest(
                    variant(namespace, (n) => ((n.metadata.labels as Record<string, unknown>)["istio.io/rev"] = 128)),
                ),
            path: 'metadata.labels["istio.io/rev"]',
            message: /must be string; got 128/,
        },
        {
            name: "a Service targetPort that is neither integer nor string",
            problems: () =>
                validateManifest(
                    variant(service, (s) => ((s.spec.ports[0] as Record<string, unknown>).targetPort = true)),
                ),
            path: "spec.ports[0].targetPort",
            message: /must be integer or string/,
        },
        {
            name: "a resource quantity that is a boolean",
            problems: () =>
                validateManifest(
                    variant(
                        job,
                        (j) =>
                            ((j.spec.template.spec.initContainers[0].resources.limits as Record<string, unknown>).cpu =
                                true),
                    ),
                ),
            path: "spec.template.spec.initContainers[0].resources.limits.cpu",
            message: /must be string or number/,
        },
        {
            name: "a Settings without spec.value",
            problems: () => validateManifest(variant(settings, (s) => delete (s.spec as Partial<typeof s.spec>).value)),
            path: "spec.value",
            message: /required/,
        },
        {
            name: "a Settings with metadata.namespace",
            problems: () =>
                validateManifest(variant(settings, (s) => Object.assign(s.metadata, { namespace: "formance" }))),
            path: "metadata.namespace",
            message: /Settings is cluster-scoped/,
        },
        {
            name: "a Settings with an unknown spec field",
            problems: () => validateManifest(variant(settings, (s) => Object.assign(s.spec, { stack: "a" }))),
            path: "spec.stack",
            message: /unknown field/,
        },
        {
            name: "an unknown metadata field on a custom resource",
            problems: () => validateManifest(variant(settings, (s) => Object.assign(s.metadata, { label: {} }))),
            path: "metadata.label",
            message: /unknown field/,
        },
        {
            name: "an ASMMeshConfig not named default",
            problems: () => validateManifest(variant(asmMeshConfig, (a) => (a.metadata.name = "mesh"))),
            path: "metadata.name",
            message: /must be "default"; got "mesh"/,
        },
        {
            name: "an ASMMeshConfig whose enableNativeSidecar is a string",
            problems: () =>
                validateManifest(
                    variant(asmMeshConfig, (a) => ((a.spec as Record<string, unknown>).enableNativeSidecar = "true")),
                ),
            path: "spec.enableNativeSidecar",
            message: /must be boolean/,
        },
        {
            name: "an ASMMeshConfig with metadata.namespace",
            problems: () =>
                validateManifest(
                    variant(asmMeshConfig, (a) => Object.assign(a.metadata, { namespace: "istio-system" })),
                ),
            path: "metadata.namespace",
            message: /ASMMeshConfig is cluster-scoped/,
        },
        {
            name: "an IstioOperator overlay with a boolean env value",
            problems: () =>
                validateManifest(
                    variant(
                        istioOperator,
                        (o) => ((o.spec.values.pilot.env as Record<string, unknown>).ENABLE_NATIVE_SIDECARS = true),
                    ),
                ),
            path: "spec.values.pilot.env.ENABLE_NATIVE_SIDECARS",
            message: /must be string; got true/,
        },
        {
            name: "istiod values with ENABLE_NATIVE_SIDECARS as a boolean",
            problems: () =>
                validateIstiodValues(
                    variant(
                        istiodValues,
                        (v) => ((v.pilot.env as Record<string, unknown>).ENABLE_NATIVE_SIDECARS = true),
                    ),
                ),
            path: "pilot.env.ENABLE_NATIVE_SIDECARS",
            message: /must be string; got true/,
        },
        {
            name: "istiod values with an unknown top-level key",
            problems: () => validateIstiodValues({ ...istiodValues, enableNativeSidecars: true }),
            path: "enableNativeSidecars",
            message: /unknown field/,
        },
        {
            name: "istiod values with revisionTags as a string",
            problems: () => validateIstiodValues({ ...istiodValues, revisionTags: "prod" }),
            path: "revisionTags",
            message: /must be array/,
        },
        {
            name: "an object of a kind with no schema",
            problems: () =>
                validateManifest({ apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "g" } }),
            path: "",
            message: /^no schema for networking.istio.io\/v1\/Gateway$/,
        },
    ];
    for (const { name, problems, path, message } of invalid) {
        it(`rejects ${name} at ${path === "" ? "the object" : path}`, function () {
            const found = problems();
            // Exactly one problem: the validator reports the fault, not noise around it.
            assert.deepStrictEqual(
                found.map((p) => p.path),
                [path],
                JSON.stringify(found),
            );
            assert.match(found[0].message, message);
        });
    }
});
