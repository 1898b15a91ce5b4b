// The stack config schemas and their cross-field checks (components/config/config.ts), written for the mutation
// score of the config group (docs/MUTATION.md). Each refusal row is a config in and the whole one-line message
// out, as `pulumi preview` prints it: the key, what is allowed, the value given. The accepted rows sit at the
// edges of what is allowed, and the defaults are compared whole, so a default or a bound that moves is seen.

import * as assert from "node:assert/strict";
import {
    ConfigError,
    namespaceConfig,
    revisionFor,
    validateConfig,
    type EnvironmentSpec,
    type MeshConfig,
} from "../components/config/config";
import { ACK_SECTION, GKE_SECTION, itRefuses, type RefusalRow } from "./support/configFixtures";

type Section = Record<string, unknown>;

/** A Helm mesh on the GKE fixture; `mesh` replaces keys of the mesh section, `more` top-level keys. */
const gke = (mesh: Section = {}, more: Section = {}) => ({
    cloud: "gke",
    gke: structuredClone(GKE_SECTION),
    mesh: { method: "helm", version: "1.28.1", ...mesh },
    ...more,
});
/** gke() with keys of the gke section replaced. */
const gkeWith = (change: Section) => gke({}, { gke: { ...structuredClone(GKE_SECTION), ...change } });
/** gke() with keys of its node pool replaced. */
const gkePool = (change: Section) => gkeWith({ nodePools: [{ ...GKE_SECTION.nodePools[0], ...change }] });
/** A mesh on the ACK fixture. */
const ack = (mesh: Section, more: Section = {}) => ({
    cloud: "ack",
    ack: structuredClone(ACK_SECTION),
    mesh,
    ...more,
});
/** A mesh on an existing cluster. */
const existing = (mesh: Section, more: Section = {}) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh,
    ...more,
});

const label = (what: string) =>
    `must be a DNS-1123 label for ${what} (lowercase letters, digits and '-', at most 63, no '.')`;
const VERSION = "must be a version such as 1.33.5-gke.1308000, 1.28.1 or 1.19.10-asm.26";
const ASM_RELEASE = "for asmcli must be an ASM release MAJOR.MINOR.POINT-asm.REV such as 1.19.10-asm.26";
const IMAGE = "must name a tag other than latest (repo/image:1.2.3) or a digest (repo/image@sha256:<64 hex>)";
const PROJECT = "must be a GCP project id (6-30 lowercase letters, digits, '-')";
const CLUSTER_NAME = "must be a GKE cluster name (lowercase, starts with a letter, at most 40 characters)";
const HEX = "0123456789abcdef".repeat(4);

describe("mutation, config: refusals, the whole line", () => {
    const rows: RefusalRow[] = [
        // GKE.
        [
            "a node pool name that is not a DNS label",
            () => gkePool({ name: "General" }),
            `nativemesh:gke.nodePools[0].name: ${label("name")} (got "General")`,
        ],
        [
            "a node pool version that does not parse",
            () => gkePool({ version: "latest" }),
            `nativemesh:gke.nodePools[0].version: ${VERSION} (got "latest")`,
        ],
        [
            "an empty location",
            () => gkeWith({ location: "" }),
            'nativemesh:gke.location: must be a GCP region or zone such as europe-west1 (got "")',
        ],
        [
            "a cluster name ending in '-'",
            () => gkeWith({ clusterName: "mesh-" }),
            `nativemesh:gke.clusterName: ${CLUSTER_NAME} (got "mesh-")`,
        ],
        [
            "a cluster name with upper case after a valid start",
            () => gkeWith({ clusterName: "mesh-Dev" }),
            `nativemesh:gke.clusterName: ${CLUSTER_NAME} (got "mesh-Dev")`,
        ],
        [
            "a cluster name of 41 characters",
            () => gkeWith({ clusterName: "m".repeat(41) }),
            `nativemesh:gke.clusterName: ${CLUSTER_NAME} (got "${"m".repeat(41)}")`,
        ],
        [
            "a release channel GKE does not have",
            () => gkeWith({ releaseChannel: "FAST" }),
            'nativemesh:gke.releaseChannel: must be one of "RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED" (got "FAST")',
        ],
        [
            "no node pools",
            () => gkeWith({ nodePools: [] }),
            "nativemesh:gke.nodePools: needs at least one node pool (got [])",
        ],
        [
            "a project id whose JSON is 61 characters is cut",
            () => gkeWith({ project: "p".repeat(59) }),
            `nativemesh:gke.project: ${PROJECT} (got "${"p".repeat(56)}...)`,
        ],
        [
            "a project id whose JSON is 60 characters is shown whole",
            () => gkeWith({ project: "p".repeat(58) }),
            `nativemesh:gke.project: ${PROJECT} (got "${"p".repeat(58)}")`,
        ],
        // An existing cluster.
        [
            "an empty kubeconfig",
            () => existing({ method: "helm", version: "1.28.1" }, { existing: { kubeconfig: "" } }),
            'nativemesh:existing.kubeconfig: must be a kubeconfig path or contents (got "")',
        ],
        // The mesh section.
        [
            "a chart repository that is not a URL",
            () => gke({ chartRepository: "charts" }),
            'nativemesh:mesh.chartRepository: must be a chart repository URL, https:// or oci:// (got "charts")',
        ],
        [
            "a chart repository whose scheme only ends in https",
            () => gke({ chartRepository: "xhttps://charts.example/istio" }),
            'nativemesh:mesh.chartRepository: must be an https:// or oci:// chart repository (got "xhttps://charts.example/istio")',
        ],
        [
            "an asmcli certificate authority asmcli does not have",
            () => existing({ method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "f", ca: "vault" } }),
            'nativemesh:mesh.asmcli.ca: must be one of "mesh_ca", "citadel", "gcp_cas", "managed_cas" (got "vault")',
        ],
        [
            "a revision's version that does not parse",
            () => gke({ version: undefined, revisions: [{ version: "latest" }] }),
            `nativemesh:mesh.revisions[0].version: ${VERSION} (got "latest")`,
        ],
        [
            "a revision's name that is not a DNS label",
            () => gke({ version: undefined, revisions: [{ version: "1.28.1", revision: "Blue" }] }),
            `nativemesh:mesh.revisions[0].revision: ${label("revision")} (got "Blue")`,
        ],
        [
            "an empty list of revisions",
            () => gke({ version: undefined, revisions: [] }),
            "nativemesh:mesh.revisions: must list at least one revision (got [])",
        ],
        [
            "a tag name that is not a DNS label",
            () => gke({ revisionTags: ["Prod"] }),
            `nativemesh:mesh.revisionTags[0]: ${label("revision tag")} (got "Prod")`,
        ],
        [
            "a {name, revision} tag whose name is not a DNS label",
            () => gke({ revisionTags: [{ name: "Prod", revision: "1-28-1" }] }),
            `nativemesh:mesh.revisionTags[0].name: ${label("revision tag name")} (got "Prod")`,
        ],
        [
            "a {name, revision} tag whose revision is not a DNS label",
            () => gke({ revisionTags: [{ name: "prod", revision: "A" }] }),
            `nativemesh:mesh.revisionTags[0].revision: ${label("revision")} (got "A")`,
        ],
        [
            "a default revision that is not a DNS label",
            () => gke({ defaultRevision: "Blue" }),
            `nativemesh:mesh.defaultRevision: ${label("defaultRevision")} (got "Blue")`,
        ],
        [
            "a default revision that is neither a boolean nor a name",
            () => gke({ defaultRevision: 3 }),
            "nativemesh:mesh.defaultRevision: must be true, false or the name of one of mesh.revisions (got 3)",
        ],
        [
            "a control-plane namespace that is not a DNS label",
            () => gke({ namespace: "Istio" }),
            `nativemesh:mesh.namespace: ${label("namespace")} (got "Istio")`,
        ],
        [
            "asmcli with a plain Istio version in mesh.revisions",
            () => existing({ method: "asmcli", revisions: [{ version: "1.28.1" }], asmcli: { fleetId: "f" } }),
            `nativemesh:mesh.revisions[0].version: ${ASM_RELEASE} (got "1.28.1")`,
        ],
        [
            "asmcli with junk after the ASM release number",
            () => existing({ method: "asmcli", version: "1.19.10-asm.26x", asmcli: { fleetId: "f" } }),
            `nativemesh:mesh.version: ${ASM_RELEASE} (got "1.19.10-asm.26x")`,
        ],
        // Namespaces.
        [
            "a namespace name that is not a DNS label",
            () => gke({}, { namespaces: [{ name: "Payments" }] }),
            `nativemesh:namespaces[0].name: ${label("name")} (got "Payments")`,
        ],
        [
            "a namespace revision that is not a DNS label",
            () => gke({}, { namespaces: [{ name: "payments", revision: "A" }] }),
            `nativemesh:namespaces[0].revision: ${label("revision")} (got "A")`,
        ],
        [
            "a namespace revision tag that is not a DNS label",
            () => gke({}, { namespaces: [{ name: "payments", revisionTag: "B" }] }),
            `nativemesh:namespaces[0].revisionTag: ${label("revisionTag")} (got "B")`,
        ],
        // Formance.
        [
            "an operator namespace that is not a DNS label",
            () => gke({}, { formance: { operator: { namespace: "Formance" } } }),
            `nativemesh:formance.operator.namespace: ${label("namespace")} (got "Formance")`,
        ],
        [
            "an empty list of Formance stacks",
            () => gke({}, { formance: { stacks: [] } }),
            "nativemesh:formance.stacks: must list at least one stack (got [])",
        ],
        [
            "a Formance namespace revision that is not a DNS label",
            () => gke({}, { formance: { namespaceRevision: "A" } }),
            `nativemesh:formance.namespaceRevision: ${label("namespaceRevision")} (got "A")`,
        ],
        [
            "a Formance namespace revision tag that is not a DNS label",
            () => gke({}, { formance: { namespaceRevisionTag: "B" } }),
            `nativemesh:formance.namespaceRevisionTag: ${label("namespaceRevisionTag")} (got "B")`,
        ],
        [
            "a job owner kind with a dot after a lower-case word",
            () => gke({}, { formance: { jobAnnotations: { "ledger.v2": { a: "b" } } } }),
            'nativemesh:formance.jobAnnotations.ledger.v2: must be the owner kind in lower case (e.g. ledger) or *: the operator lower-cases the kind it looks up (got "ledger.v2")',
        ],
        [
            "pod-template annotations that would hide a global deployment Setting",
            () =>
                gke(
                    {},
                    {
                        namespaces: [{ name: "ledger", podTemplateAnnotations: { x: "y" } }],
                        formance: { deploymentAnnotations: { gateway: { a: "b" } } },
                    },
                ),
            "nativemesh:namespaces[0].podTemplateAnnotations: would hide formance.deploymentAnnotations.gateway for " +
                "stack 'ledger' (the operator takes the Setting scoped to the stack and does not merge maps): put these " +
                'annotations in formance.deploymentAnnotations/jobAnnotations instead (got {"x":"y"})',
        ],
        // The canary.
        [
            "a canary namespace that is not a DNS label",
            () => gke({}, { canary: { namespace: "Canary" } }),
            `nativemesh:canary.namespace: ${label("namespace")} (got "Canary")`,
        ],
        [
            "a meshed namespace named like the default canary namespace (no canary section)",
            () => gke({}, { namespaces: [{ name: "nativemesh-canary" }] }),
            "nativemesh:canary.namespace: 'nativemesh-canary' is also a meshed namespace; the canary gets a namespace of its own",
        ],
        [
            "a digest with junk before sha256:",
            () => gke({}, { canary: { image: `curl@xsha256:${HEX}` } }),
            `nativemesh:canary.image: ${IMAGE} (got "curl@xsha256:${HEX.slice(0, 43)}...)`,
        ],
        [
            "a digest of 65 hex digits",
            () => gke({}, { canary: { image: `curl@sha256:${HEX}0` } }),
            `nativemesh:canary.image: ${IMAGE} (got "curl@sha256:${HEX.slice(0, 44)}...)`,
        ],
        [
            "a tag with junk after it",
            () => gke({}, { canary: { image: "curlimages/curl:8.11.1!" } }),
            `nativemesh:canary.image: ${IMAGE} (got "curlimages/curl:8.11.1!")`,
        ],
        // Cross-field checks of the install methods.
        [
            "a revision and a standard ASM spec with method helm: the alibaba section is what is wrong",
            () => ack({ method: "helm", version: "1.28.1", revision: "v1", alibaba: { clusterSpec: "standard" } }),
            'nativemesh:mesh.alibaba: is only allowed with method alibaba-asm (got {"clusterSpec":"standard"})',
        ],
        [
            "mesh.revisions with alibaba-asm",
            () => ack({ method: "alibaba-asm", revisions: [{ version: "1.22.2" }] }),
            'nativemesh:mesh.revisions: are installed by nativemesh with method helm; alibaba-asm names its revision itself: use mesh.version (got [{"version":"1.22.2"}])',
        ],
        ["alibaba-asm without a version", () => ack({ method: "alibaba-asm" }), "nativemesh:mesh.version: is required"],
        [
            "a namespace naming a revision of a revisionless ASM mesh",
            () => ack({ method: "alibaba-asm", version: "1.22.2" }, { namespaces: [{ name: "apps", revision: "v1" }] }),
            "nativemesh:namespaces[0].revision: 'v1' is not one of mesh.revisions []: a revision is removed only once no namespace, tag or default selects it (move them first)",
        ],
        [
            "a namespace naming a tag of a revisionless ASM mesh",
            () =>
                ack(
                    { method: "alibaba-asm", version: "1.22.2" },
                    { namespaces: [{ name: "apps", revisionTag: "prod" }] },
                ),
            "nativemesh:namespaces[0].revisionTag: 'prod' is not one of mesh.revisionTags []",
        ],
        // Which problem is told first: a misspelt key before the key it makes look missing.
        [
            "a misspelt mesh key (mesh then missing)",
            () => ({ cloud: "gke", gke: structuredClone(GKE_SECTION), meshh: { method: "helm", version: "1.28.1" } }),
            "nativemesh:meshh: unknown key",
        ],
        [
            "a misspelt gke key beside a missing one",
            () => {
                const { location, ...rest } = structuredClone(GKE_SECTION);
                return gke({}, { gke: { ...rest, locaton: location } });
            },
            "nativemesh:gke.locaton: unknown key",
        ],
        [
            "two misspelt keys: the first in the file is told",
            () => ({
                cloud: "gke",
                gke: { ...structuredClone(GKE_SECTION), locaton: "europe-west1" },
                mesh: { method: "helm", version: "1.28.1", revison: "blue" },
            }),
            "nativemesh:gke.locaton: unknown key",
        ],
    ];
    itRefuses(rows);
});

describe("mutation, config: bounds checked by zod, the key and the value", () => {
    // zod words these itself; the key and the value given are ours.
    const rows: Array<[string, () => unknown, string, string]> = [
        ["a node pool disk below 10 GB", () => gkePool({ diskSizeGb: 9 }), "gke.nodePools[0].diskSizeGb", "9"],
        ["istiod replicas 0", () => gke({ istiodReplicas: 0 }), "mesh.istiodReplicas", "0"],
        ["istiod replicas 11", () => gke({ istiodReplicas: 11 }), "mesh.istiodReplicas", "11"],
        ["an empty chart path", () => gke({ chartPath: "" }), "mesh.chartPath", '""'],
        [
            "a canary timeout of 3601 s",
            () => gke({}, { canary: { timeoutSeconds: 3601 } }),
            "canary.timeoutSeconds",
            "3601",
        ],
    ];
    for (const [name, build, key, got] of rows) {
        it(name, () => {
            assert.throws(
                () => validateConfig(build()),
                (err: unknown) => {
                    assert.ok(err instanceof ConfigError, String(err));
                    assert.ok(err.message.startsWith(`nativemesh:${key}: `), err.message);
                    assert.ok(err.message.endsWith(` (got ${got})`), err.message);
                    return true;
                },
            );
        });
    }
});

describe("mutation, config: values at the edges of what is allowed are accepted", () => {
    const rows: Array<[string, () => unknown, (spec: EnvironmentSpec) => unknown, unknown]> = [
        [
            "a control-plane range of its own, a /28",
            () => gkeWith({ masterIpv4CidrBlock: "10.0.0.0/28" }),
            (s) => s.gke?.masterIpv4CidrBlock,
            "10.0.0.0/28",
        ],
        ["a one-letter cluster name", () => gkeWith({ clusterName: "m" }), (s) => s.gke?.clusterName, "m"],
        [
            "a cluster name of 40 characters",
            () => gkeWith({ clusterName: "m".repeat(40) }),
            (s) => s.gke?.clusterName,
            "m".repeat(40),
        ],
        [
            "every release channel",
            () => gkeWith({ releaseChannel: "RAPID" }),
            () =>
                ["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"].map(
                    (channel) => validateConfig(gkeWith({ releaseChannel: channel })).gke?.releaseChannel,
                ),
            ["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"],
        ],
        [
            "two node pools, one with a 50 GB disk",
            () => gkeWith({ nodePools: [{ name: "a" }, { name: "b", diskSizeGb: 50 }] }),
            (s) => s.gke?.nodePools.map((p) => [p.name, p.diskSizeGb]),
            [
                ["a", 100],
                ["b", 50],
            ],
        ],
        [
            "every asmcli certificate authority",
            () => existing({ method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "f" } }),
            () =>
                ["mesh_ca", "citadel", "gcp_cas", "managed_cas"].map(
                    (ca) =>
                        validateConfig(
                            existing({ method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "f", ca } }),
                        ).mesh.asmcli.ca,
                ),
            ["mesh_ca", "citadel", "gcp_cas", "managed_cas"],
        ],
        ["a local chart directory", () => gke({ chartPath: "./charts" }), (s) => s.mesh.chartPath, "./charts"],
        [
            "istiod replicas at 3 and at the bound, 10",
            () => gke({ istiodReplicas: 3 }),
            (s) => [s.mesh.istiodReplicas, validateConfig(gke({ istiodReplicas: 10 })).mesh.istiodReplicas],
            [3, 10],
        ],
        [
            "a Formance operator from a local chart at another version",
            () => gke({}, { formance: { operator: { chart: "./operator", version: "3.18.0" } } }),
            (s) => [s.formance?.operator.chart, s.formance?.operator.version],
            ["./operator", "3.18.0"],
        ],
        [
            "two Formance stacks",
            () => gke({}, { formance: { stacks: ["ledger", "payments"] } }),
            (s) => s.formance?.stacks,
            ["ledger", "payments"],
        ],
        [
            "the job owner kind wildcard",
            () => gke({}, { formance: { jobAnnotations: { "*": { a: "b" } } } }),
            (s) => s.formance?.jobAnnotations,
            { "*": { a: "b" } },
        ],
        [
            "pod-template annotations beside a Formance section with no global annotations",
            () => gke({}, { namespaces: [{ name: "ledger", podTemplateAnnotations: { x: "y" } }], formance: {} }),
            (s) => s.namespaces[0].podTemplateAnnotations,
            { x: "y" },
        ],
        [
            "canary timeouts of 600 s and of the bound, 3600 s",
            () => gke({}, { canary: { timeoutSeconds: 600 } }),
            (s) => [
                s.canary.timeoutSeconds,
                validateConfig(gke({}, { canary: { timeoutSeconds: 3600 } })).canary.timeoutSeconds,
            ],
            [600, 3600],
        ],
        [
            "a tagged image with no registry path",
            () => gke({}, { canary: { image: "busybox:1.36.1" } }),
            (s) => s.canary.image,
            "busybox:1.36.1",
        ],
        [
            "a standard ASM instance without a revision",
            () => ack({ method: "alibaba-asm", version: "1.22.2", alibaba: { clusterSpec: "standard" } }),
            (s) => [s.mesh.alibaba?.clusterSpec, s.revision],
            ["standard", undefined],
        ],
    ];
    for (const [name, build, read, expected] of rows) {
        it(name, () => assert.deepEqual(read(validateConfig(build())), expected));
    }
});

describe("mutation, config: defaults", () => {
    it("fills the GKE node pool and cluster defaults", () => {
        const spec = validateConfig(gke());
        assert.deepEqual(spec.gke?.nodePools, [
            { name: "general", machineType: "e2-standard-4", minNodes: 1, maxNodes: 3, diskSizeGb: 100, spot: false },
        ]);
        assert.equal(spec.gke?.masterIpv4CidrBlock, "172.16.0.0/28");
    });

    it("fills the mesh defaults: Istio's chart repository, istio-system, two istiod replicas, asmcli's options", () => {
        const { mesh } = validateConfig(gke());
        assert.equal(mesh.chartRepository, "https://istio-release.storage.googleapis.com/charts");
        assert.equal(mesh.namespace, "istio-system");
        assert.equal(mesh.istiodReplicas, 2);
        assert.deepEqual(mesh.asmcli, {
            path: "asmcli",
            ca: "mesh_ca",
            outputDir: "asm-out",
            enableAll: true,
            options: [],
        });
    });

    it("fills the Formance operator: installed by nativemesh from its published chart", () => {
        const spec = validateConfig(gke({}, { formance: {} }));
        assert.deepEqual(spec.formance?.operator, {
            install: true,
            chart: "oci://ghcr.io/formancehq/helm/operator",
            version: "3.17.0",
            namespace: "formance-system",
            values: {},
        });
    });

    it("fills the canary: on, its own namespace, 5 minutes, curl pinned by digest, the API server's readyz, no egress policy", () => {
        assert.deepEqual(validateConfig(gke()).canary, {
            enabled: true,
            namespace: "nativemesh-canary",
            timeoutSeconds: 300,
            image: "curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69",
            probeUrl: "https://kubernetes.default.svc/readyz",
            egressNetworkPolicy: false,
        });
    });
});

describe("mutation, config: secrets in messages", () => {
    it("a missing key under a secret section is not said to hold a secret", () => {
        assert.throws(
            () => validateConfig(gke({ version: undefined }), { secretPaths: [["mesh"]] }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message === "nativemesh:mesh.version: is required (or list mesh.revisions: [{version, revision}])",
        );
    });

    it("a secret value the message quotes is still shown as [secret] after it", () => {
        assert.throws(
            () =>
                validateConfig(gke({}, { namespaces: [{ name: "ledger" }, { name: "ledger" }] }), {
                    secretPaths: [["namespaces", 1, "name"]],
                }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message === "nativemesh:namespaces[1].name: '[secret]' is listed twice (got [secret])",
        );
    });

    it("a secret where it cannot stay secret names every key that can hold one", () => {
        assert.throws(
            () => validateConfig(gke(), { secretPaths: [["gke", "project"]] }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message ===
                    "nativemesh:gke.project: cannot be kept secret (it names or shapes resources every plan shows): " +
                        "set it without --secret; secrets belong in existing.kubeconfig/context, mesh.istiodValues " +
                        "(also per revision), mesh.baseValues, mesh.asmcli.options, " +
                        "mesh.alibaba.controlPlaneKubeconfig, Formance annotation values or operator.values",
        );
    });
});

describe("mutation, config: values JSON cannot show", () => {
    it("a function given by a program is refused without a (got ...)", () => {
        assert.throws(
            () =>
                validateConfig(existing({ method: "helm", version: "1.28.1" }, { existing: { kubeconfig: () => "" } })),
            (err: unknown) =>
                err instanceof ConfigError && /^nativemesh:existing\.kubeconfig: [^()]*function$/.test(err.message),
        );
    });
});

describe("mutation, config: revisionFor", () => {
    it("derives each method's revision: Helm's and asmcli's from the version, managed's fixed, ASM's none", () => {
        const rows: Array<[string, () => MeshConfig, string | undefined]> = [
            ["helm", () => validateConfig(gke()).mesh, "1-28-1"],
            [
                "asmcli",
                () =>
                    validateConfig(existing({ method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "f" } }))
                        .mesh,
                "asm-11910-26",
            ],
            [
                "helm, the first of mesh.revisions, named",
                () =>
                    validateConfig(
                        gke(
                            {
                                version: undefined,
                                revisions: [{ version: "1.28.1", revision: "blue" }, { version: "1.29.0" }],
                            },
                            { namespaces: [] },
                        ),
                    ).mesh,
                "blue",
            ],
            [
                "helm, the first of mesh.revisions, unnamed",
                () => validateConfig(gke({ version: undefined, revisions: [{ version: "1.29.0" }] })).mesh,
                "1-29-0",
            ],
            ["managed", () => validateConfig(gke({ method: "managed" })).mesh, "asm-managed"],
            ["alibaba-asm", () => validateConfig(ack({ method: "alibaba-asm", version: "1.22.2" })).mesh, undefined],
        ];
        for (const [name, mesh, revision] of rows) assert.equal(revisionFor(mesh()), revision, name);
        const { version, ...noVersion } = validateConfig(gke()).mesh;
        assert.equal(version, "1.28.1");
        assert.equal(revisionFor(noVersion as MeshConfig), undefined, "helm without a version");
    });
});

describe("mutation, config: reading Pulumi's config map", () => {
    it("ignores a key that is the bare namespace, without ':'", () => {
        assert.deepEqual(namespaceConfig({ nativemesh: "gke", "nativemesh:cloud": "gke" }), { cloud: "gke" });
    });
});
