import * as assert from "node:assert/strict";
import {
    ConfigError,
    editDistance,
    namespaceConfig,
    revisionFor,
    validateConfig,
    type EnvironmentSpec,
    type MeshConfig,
} from "../../../components/config/config";
import { scrubSecrets } from "../../../components/config/secrets";
import { ACK_SECTION, GKE_SECTION, itRefuses, type RefusalRow } from "../../support/configFixtures";

/** A valid GKE + Helm config; each bad case changes one thing. */
const good = () => ({
    cloud: "gke",
    gke: structuredClone(GKE_SECTION),
    mesh: { method: "helm", version: "1.28.1", revisionTags: ["prod-stable"] },
    namespaces: [{ name: "payments", revisionTag: "prod-stable" }, { name: "ledger" }],
});

type Config = ReturnType<typeof good> & Record<string, unknown>;

const edit = (change: (c: Config) => void) => {
    const c = good() as Config;
    change(c);
    return c;
};

/** good() moved to ACK: the gke section swapped for an ack one, namespaces kept. */
const onAck = (mesh: Record<string, unknown>) =>
    edit((c) => {
        delete (c as Partial<Config>).gke;
        c.cloud = "ack";
        c.ack = structuredClone(ACK_SECTION);
        c.mesh = mesh as Config["mesh"];
        c.namespaces = [{ name: "payments" }] as Config["namespaces"];
    });

/** good() on an existing cluster. */
const onExisting = (mesh: Record<string, unknown>) =>
    edit((c) => {
        delete (c as Partial<Config>).gke;
        c.cloud = "existing";
        c.existing = { kubeconfig: "~/.kube/config" };
        c.mesh = mesh as Config["mesh"];
        c.namespaces = [{ name: "payments" }] as Config["namespaces"];
    });

const gkeEdit = (change: (gke: Record<string, unknown>) => void) =>
    edit((c) => change(c.gke as unknown as Record<string, unknown>));

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

describe("config: valid configurations", () => {
    const cases: Array<[string, unknown, (spec: ReturnType<typeof validateConfig>) => void]> = [
        ["helm revision derived from the version", good(), (s) => assert.equal(s.revision, "1-28-1")],
        [
            "defaults: native sidecars on, Workload Identity on, canary on with its timeout, no Formance",
            good(),
            (s) => {
                assert.equal(s.mesh.nativeSidecars, true);
                assert.equal(s.gke?.workloadIdentity, true);
                assert.equal(s.gke?.releaseChannel, "REGULAR");
                assert.deepEqual([s.canary.enabled, s.canary.timeoutSeconds], [true, 300]);
                assert.equal(s.formance, undefined);
            },
        ],
        [
            "GKE defaults are the safe ones: private nodes, public endpoint behind authorized networks, deletion protection",
            good(),
            (s) => {
                assert.equal(s.gke?.privateNodes, true);
                assert.equal(s.gke?.privateEndpoint, false);
                assert.equal(s.gke?.deletionProtection, true);
            },
        ],
        [
            "a private endpoint needs no authorized networks",
            edit((c) => {
                (c.gke as Record<string, unknown>).privateEndpoint = true;
                (c.gke as Record<string, unknown>).authorizedNetworks = [];
            }),
            (s) => assert.equal(s.gke?.privateEndpoint, true),
        ],
        [
            "asmcli revision is asmcli's own asm-<MAJOR><MINOR><POINT>-<REV>",
            edit((c) => (c.mesh = { method: "asmcli", version: "1.19.10-asm.26", revisionTags: ["prod-stable"] })),
            (s) => assert.equal(s.revision, "asm-11910-26"),
        ],
        [
            "an explicit revision wins",
            edit((c) => (c.mesh = { ...c.mesh, revision: "stable" } as Config["mesh"])),
            (s) => assert.equal(s.revision, "stable"),
        ],
        [
            "per-namespace pod-template annotations beside global ones for stacks that do not include it",
            edit((c) => {
                c.formance = { stacks: ["prod"], jobAnnotations: { ledger: { a: "b" } } };
                (c.namespaces[1] as Record<string, unknown>).podTemplateAnnotations = { x: "y" };
            }),
            (s) => assert.deepEqual(s.namespaces[1].podTemplateAnnotations, { x: "y" }),
        ],
        [
            "formance stacks default to *",
            edit((c) => (c.formance = {})),
            (s) => assert.deepEqual(s.formance?.stacks, ["*"]),
        ],
        [
            "an existing cluster by kubeconfig and context",
            edit((c) => {
                delete (c as Partial<Config>).gke;
                c.cloud = "existing";
                c.existing = { kubeconfig: "~/.kube/config", context: "prod" };
            }),
            (s) => assert.equal(s.existing?.context, "prod"),
        ],
        [
            "managed is accepted by the schema (the policy pack refuses it)",
            edit((c) => {
                c.mesh = { method: "managed", version: "1.28.1", revisionTags: [] };
                c.namespaces = [{ name: "payments" }] as Config["namespaces"];
            }),
            (s) => assert.equal(s.revision, "asm-managed"),
        ],
        [
            "a Kubernetes version below 1.29 is not a config error (the policy's call)",
            edit((c) => (c.gke.kubernetesVersion = "1.27.3-gke.100")),
            (s) => assert.equal(s.gke?.kubernetesVersion, "1.27.3-gke.100"),
        ],
        [
            "helm on ACK",
            onAck({ method: "helm", version: "1.28.1" }),
            (s) => assert.deepEqual([s.cloud, s.revision], ["ack", "1-28-1"]),
        ],
        [
            "alibaba-asm on ACK, without a revision (selected by istio-injection)",
            onAck({ method: "alibaba-asm", version: "1.22.2" }),
            (s) => assert.deepEqual([s.mesh.method, s.revision], ["alibaba-asm", undefined]),
        ],
        [
            "alibaba-asm with a revision on an enterprise (default) instance",
            onAck({ method: "alibaba-asm", version: "1.22.2", revision: "v1-22", alibaba: { name: "m" } }),
            (s) => assert.equal(s.revision, "v1-22"),
        ],
        [
            "asmcli on an existing cluster with a fleet id",
            onExisting({ method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "fleet-host" } }),
            (s) => assert.equal(s.mesh.asmcli.fleetId, "fleet-host"),
        ],
        [
            "defaultRevision with helm",
            edit((c) => (c.mesh = { ...c.mesh, defaultRevision: true } as Config["mesh"])),
            (s) => assert.equal(s.mesh.defaultRevision, true),
        ],
        [
            "a canary namespace that is not meshed",
            edit((c) => (c.canary = { namespace: "canary-probe" })),
            (s) => assert.equal(s.canary.namespace, "canary-probe"),
        ],
        [
            "a meshed namespace named like the canary's while the canary is off",
            edit((c) => {
                c.canary = { enabled: false, namespace: "payments" };
            }),
            (s) => assert.equal(s.canary.enabled, false),
        ],
        [
            "a node pool with minNodes equal to maxNodes",
            edit(
                (c) => ((c.gke as Record<string, unknown>).nodePools = [{ name: "general", minNodes: 2, maxNodes: 2 }]),
            ),
            (s) => assert.deepEqual([s.gke?.nodePools[0].minNodes, s.gke?.nodePools[0].maxNodes], [2, 2]),
        ],
        [
            "authorized networks at the edges of IPv4 (octets 0 and 255, prefixes 0 and 32)",
            gkeEdit((g) => (g.authorizedNetworks = [{ cidrBlock: "255.255.255.255/32" }, { cidrBlock: "0.0.0.0/0" }])),
            (s) => assert.equal(s.gke?.authorizedNetworks.length, 2),
        ],
        [
            "a digest-pinned canary image",
            edit((c) => (c.canary = { image: `curlimages/curl@sha256:${"a".repeat(64)}` })),
            (s) => assert.equal(s.canary.image, `curlimages/curl@sha256:${"a".repeat(64)}`),
        ],
        [
            "a canary image from a registry with a port and a tag",
            edit((c) => (c.canary = { image: "registry.example:5000/tools/curl:8.11.1" })),
            (s) => assert.equal(s.canary.image, "registry.example:5000/tools/curl:8.11.1"),
        ],
        [
            "an oci:// chart repository",
            edit((c) => (c.mesh = { ...c.mesh, chartRepository: "oci://registry.example/istio" } as Config["mesh"])),
            (s) => assert.equal(s.mesh.chartRepository, "oci://registry.example/istio"),
        ],
        [
            "a Formance namespace revision tag that is one of mesh.revisionTags",
            edit((c) => (c.formance = { namespaceRevisionTag: "prod-stable" })),
            (s) => assert.equal(s.formance?.namespaceRevisionTag, "prod-stable"),
        ],
    ];
    for (const [name, input, check] of cases) {
        it(name, () => check(validateConfig(input)));
    }
});

describe("config: invalid configurations stop with one line naming the key", () => {
    const cases: Array<[string, unknown, RegExp]> = [
        [
            "a public GKE endpoint without authorized networks",
            edit((c) => delete (c.gke as Record<string, unknown>).authorizedNetworks),
            /^nativemesh:gke\.authorizedNetworks: must list the CIDRs allowed to reach the control plane while its endpoint is public; or set gke\.privateEndpoint: true$/,
        ],
        [
            "a private endpoint without private nodes",
            edit((c) => {
                (c.gke as Record<string, unknown>).privateEndpoint = true;
                (c.gke as Record<string, unknown>).privateNodes = false;
            }),
            /^nativemesh:gke\.privateEndpoint: needs gke\.privateNodes: true/,
        ],
        ["unknown top-level key", edit((c) => (c.meshh = {})), /^nativemesh:meshh: unknown key$/],
        [
            "unknown nested key",
            edit((c) => ((c.gke as Record<string, unknown>).zone = "b")),
            /^nativemesh:gke\.zone: unknown key$/,
        ],
        ["missing cloud", edit((c) => delete (c as Partial<Config>).cloud), /^nativemesh:cloud: is required$/],
        [
            "unknown cloud",
            edit((c) => (c.cloud = "aws")),
            /^nativemesh:cloud: must be one of "gke", "ack", "existing" \(got "aws"\)$/,
        ],
        [
            "missing gke section",
            edit((c) => delete (c as Partial<Config>).gke),
            /^nativemesh:gke: is required when cloud is gke$/,
        ],
        [
            "wrong type",
            edit((c) => ((c.gke.nodePools[0] as Record<string, unknown>).maxNodes = "three")),
            /^nativemesh:gke\.nodePools\[0\]\.maxNodes: .*number.* \(got "three"\)$/,
        ],
        [
            "a Kubernetes version that does not parse",
            edit((c) => (c.gke.kubernetesVersion = "latest")),
            /^nativemesh:gke\.kubernetesVersion: must be a Kubernetes version .*\(got "latest"\)$/,
        ],
        [
            "an Istio version that does not parse",
            edit((c) => (c.mesh.version = "one.two")),
            /^nativemesh:mesh\.version: must be a version/,
        ],
        [
            "asmcli with a plain Istio version",
            edit((c) => (c.mesh = { method: "asmcli", version: "1.28.1", revisionTags: [] })),
            /^nativemesh:mesh\.version: for asmcli must be an ASM release/,
        ],
        [
            "unknown install method",
            edit((c) => (c.mesh.method = "istioctl")),
            /^nativemesh:mesh\.method: must be one of "helm", "asmcli", "alibaba-asm", "managed"/,
        ],
        [
            "a revision with a dot",
            edit((c) => (c.mesh = { ...c.mesh, revision: "1.28.1" } as Config["mesh"])),
            /^nativemesh:mesh\.revision: must be a DNS-1123 label for revision/,
        ],
        [
            "a namespace tag that is not a revision tag of the mesh",
            edit((c) => (c.namespaces[0].revisionTag = "canary")),
            /^nativemesh:namespaces\[0\]\.revisionTag: 'canary' is not one of mesh\.revisionTags \[prod-stable\]$/,
        ],
        [
            "an istio-injection label on a meshed namespace",
            edit((c) => ((c.namespaces[1] as Record<string, unknown>).labels = { "istio-injection": "enabled" })),
            /^nativemesh:namespaces\[1\]\.labels\.istio-injection: is never written by nativemesh: with it Istio ignores istio\.io\/rev/,
        ],
        [
            "a namespace listed twice",
            edit((c) => c.namespaces.push({ name: "ledger" })),
            /^nativemesh:namespaces\[2\]\.name: 'ledger' is listed twice$/,
        ],
        [
            "a canary timeout out of bounds",
            edit((c) => (c.canary = { timeoutSeconds: 5 })),
            /^nativemesh:canary\.timeoutSeconds: .*30.* \(got 5\)$/,
        ],
        [
            "the seed's NEG annotation, which the Formance operator cannot parse",
            edit(
                (c) =>
                    (c.formance = {
                        serviceAnnotations: {
                            gateway: { "cloud.google.com/neg": '{"ingress":true,"exposed_ports":{"8080":{}}}' },
                        },
                    }),
            ),
            /^nativemesh:formance\.serviceAnnotations\.gateway: Formance setting "services\.gateway\.annotations": value of "cloud\.google\.com\/neg"/,
        ],
        [
            "pod-template annotations without a Formance section",
            edit((c) => ((c.namespaces[1] as Record<string, unknown>).podTemplateAnnotations = { a: "b" })),
            /^nativemesh:namespaces\[1\]\.podTemplateAnnotations: is applied through Formance Settings/,
        ],
        [
            "a Formance job owner kind not in lower case",
            edit((c) => (c.formance = { jobAnnotations: { Ledger: { a: "b" } } })),
            /^nativemesh:formance\.jobAnnotations\.Ledger: must be the owner kind in lower case/,
        ],
        [
            "per-namespace pod-template annotations that would hide a global job Setting",
            edit((c) => {
                c.formance = { jobAnnotations: { ledger: { a: "b" } } };
                (c.namespaces[1] as Record<string, unknown>).podTemplateAnnotations = { x: "y" };
            }),
            /^nativemesh:namespaces\[1\]\.podTemplateAnnotations: would hide formance\.jobAnnotations\.ledger for stack 'ledger'/,
        ],
        [
            "asmcli on an existing cluster without a fleet id",
            edit((c) => {
                delete (c as Partial<Config>).gke;
                c.cloud = "existing";
                c.existing = { kubeconfig: "~/.kube/config" };
                c.mesh = { method: "asmcli", version: "1.19.10-asm.26", revisionTags: ["prod-stable"] };
            }),
            /^nativemesh:mesh\.asmcli\.fleetId: is required with cloud existing/,
        ],
        [
            "alibaba-asm outside ACK",
            edit((c) => (c.mesh = { method: "alibaba-asm", version: "1.22.2", revisionTags: [] })),
            /^nativemesh:mesh\.method: alibaba-asm needs cloud: ack \(got "alibaba-asm"\)$/,
        ],
        // The cross-field checks (checkCrossFieldRules), each with the key it names.
        [
            "asmcli on ACK",
            onAck({ method: "asmcli", version: "1.19.10-asm.26" }),
            /^nativemesh:mesh\.method: asmcli installs on GKE only; use helm or alibaba-asm on ack \(got "asmcli"\)$/,
        ],
        [
            "managed on ACK",
            onAck({ method: "managed", version: "1.28.1" }),
            /^nativemesh:mesh\.method: managed \(Cloud Service Mesh\) exists on GKE only \(got "managed"\)$/,
        ],
        [
            "managed on an existing cluster",
            onExisting({ method: "managed", version: "1.28.1" }),
            /^nativemesh:mesh\.method: managed \(Cloud Service Mesh\) exists on GKE only/,
        ],
        [
            "revisionTags with alibaba-asm",
            onAck({ method: "alibaba-asm", version: "1.22.2", revisionTags: ["prod"] }),
            /^nativemesh:mesh\.revisionTags: are made by nativemesh only with method helm or asmcli \(got \["prod"\]\)$/,
        ],
        [
            "revisionTags with managed",
            edit((c) => (c.mesh = { method: "managed", version: "1.28.1", revisionTags: ["prod-stable"] })),
            /^nativemesh:mesh\.revisionTags: are made by nativemesh only with method helm or asmcli/,
        ],
        [
            "defaultRevision with asmcli",
            edit(
                (c) =>
                    (c.mesh = {
                        method: "asmcli",
                        version: "1.19.10-asm.26",
                        revisionTags: ["prod-stable"],
                        defaultRevision: true,
                    } as Config["mesh"]),
            ),
            /^nativemesh:mesh\.defaultRevision: is a Helm base-chart value: only with method helm \(got true\)$/,
        ],
        [
            "a gke section on ACK",
            edit((c) => {
                c.cloud = "ack";
                c.ack = structuredClone(ACK_SECTION);
            }),
            /^nativemesh:gke: is only allowed when cloud is gke/,
        ],
        [
            "an ack section on GKE",
            edit((c) => (c.ack = structuredClone(ACK_SECTION))),
            /^nativemesh:ack: is only allowed when cloud is ack/,
        ],
        [
            "an existing section on GKE",
            edit((c) => (c.existing = { kubeconfig: "~/.kube/config" })),
            /^nativemesh:existing: is only allowed when cloud is existing/,
        ],
        [
            "cloud ack without its section",
            edit((c) => {
                delete (c as Partial<Config>).gke;
                c.cloud = "ack";
            }),
            /^nativemesh:ack: is required when cloud is ack$/,
        ],
        [
            "cloud existing without its section",
            edit((c) => {
                delete (c as Partial<Config>).gke;
                c.cloud = "existing";
            }),
            /^nativemesh:existing: is required when cloud is existing$/,
        ],
        [
            "a canary namespace that is also a meshed namespace",
            edit((c) => (c.canary = { namespace: "ledger" })),
            /^nativemesh:canary\.namespace: 'ledger' is also a meshed namespace; the canary gets a namespace of its own$/,
        ],
        [
            "minNodes above maxNodes",
            edit(
                (c) => ((c.gke as Record<string, unknown>).nodePools = [{ name: "general", minNodes: 4, maxNodes: 3 }]),
            ),
            /^nativemesh:gke\.nodePools\[0\]\.minNodes: minNodes must not exceed maxNodes \(got 4\)$/,
        ],
        [
            "an authorized network with an octet above 255",
            gkeEdit((g) => (g.authorizedNetworks = [{ cidrBlock: "203.0.256.0/24" }])),
            /^nativemesh:gke\.authorizedNetworks\[0\]\.cidrBlock: must be an IPv4 CIDR such as 10\.0\.0\.0\/16 \(octets 0-255, prefix 0-32\) \(got "203\.0\.256\.0\/24"\)$/,
        ],
        [
            "an authorized network with a prefix above 32",
            gkeEdit((g) => (g.authorizedNetworks = [{ cidrBlock: "203.0.113.0/33" }])),
            /^nativemesh:gke\.authorizedNetworks\[0\]\.cidrBlock: must be an IPv4 CIDR/,
        ],
        [
            "a control-plane range that is not a /28",
            gkeEdit((g) => (g.masterIpv4CidrBlock = "172.16.0.0/24")),
            /^nativemesh:gke\.masterIpv4CidrBlock: must be the control plane's \/28 such as 172\.16\.0\.0\/28 \(GKE requires a \/28\)/,
        ],
        [
            "an istio.io/rev label on a meshed namespace",
            edit((c) => ((c.namespaces[1] as Record<string, unknown>).labels = { "istio.io/rev": "1-28-1" })),
            /^nativemesh:namespaces\[1\]\.labels\.istio\.io\/rev: is set by nativemesh to the revision, or to the namespace's revisionTag: set .*revisionTag/,
        ],
        [
            "a revision on a standard (revisionless) ASM instance",
            onAck({
                method: "alibaba-asm",
                version: "1.22.2",
                revision: "v1-22",
                alibaba: { clusterSpec: "standard" },
            }),
            /^nativemesh:mesh\.revision: needs an ASM instance with revisions: mesh\.alibaba\.clusterSpec enterprise or ultimate \(standard has none\)/,
        ],
        [
            "an alibaba section with method helm",
            onAck({ method: "helm", version: "1.28.1", alibaba: {} }),
            /^nativemesh:mesh\.alibaba: is only allowed with method alibaba-asm/,
        ],
        [
            "a Formance namespace revision tag that is not one of mesh.revisionTags",
            edit((c) => (c.formance = { namespaceRevisionTag: "canary" })),
            /^nativemesh:formance\.namespaceRevisionTag: 'canary' is not one of mesh\.revisionTags \[prod-stable\]$/,
        ],
        [
            "an http:// chart repository",
            edit((c) => (c.mesh = { ...c.mesh, chartRepository: "http://charts.example/istio" } as Config["mesh"])),
            /^nativemesh:mesh\.chartRepository: must be an https:\/\/ or oci:\/\/ chart repository/,
        ],
        [
            "a canary image on latest",
            edit((c) => (c.canary = { image: "curlimages/curl:latest" })),
            /^nativemesh:canary\.image: must name a tag other than latest/,
        ],
        [
            "an untagged canary image (pulls latest)",
            edit((c) => (c.canary = { image: "registry.example:5000/curl" })),
            /^nativemesh:canary\.image: must name a tag other than latest/,
        ],
        [
            "a canary image with a short digest",
            edit((c) => (c.canary = { image: "curlimages/curl@sha256:abc" })),
            /^nativemesh:canary\.image: must name a tag other than latest .* or a digest/,
        ],
        [
            "a GCP project id that is too short",
            gkeEdit((g) => (g.project = "acme")),
            /^nativemesh:gke\.project: must be a GCP project id \(6-30 lowercase letters, digits, '-'\) \(got "acme"\)$/,
        ],
        [
            "a GKE cluster name with upper case",
            gkeEdit((g) => (g.clusterName = "Mesh")),
            /^nativemesh:gke\.clusterName: must be a GKE cluster name/,
        ],
        [
            "two unknown keys",
            edit((c) => {
                c.meshh = {};
                c.canery = {};
            }),
            /^nativemesh:meshh, nativemesh:canery: unknown keys$/,
        ],
        [
            "a long value is cut in the message",
            gkeEdit((g) => (g.project = "x".repeat(80))),
            new RegExp(`^nativemesh:gke\\.project: .* \\(got "${"x".repeat(56)}\\.\\.\\.\\)$`),
        ],
    ];
    for (const [name, input, expected] of cases) {
        it(name, () => {
            assert.throws(
                () => validateConfig(input),
                (err: Error) => {
                    assert.ok(err instanceof ConfigError, `not a ConfigError: ${err.stack}`);
                    assert.ok(!err.message.includes("\n"), "one line");
                    assert.match(err.message, expected);
                    return true;
                },
            );
        });
    }
});

describe("config: messages about secret values", () => {
    it("a malformed secret on a key that cannot be secret gets that reason, not 'malformed (got [secret])'", () => {
        const c = good() as Config;
        c.gke.project = "ACME-secret";
        assert.throws(
            () => validateConfig(c, { secretPaths: [["gke", "project"]] }),
            (err: Error) =>
                err instanceof ConfigError &&
                err.message.startsWith(
                    "nativemesh:gke.project: cannot be kept secret (it names or shapes resources every plan shows)",
                ) &&
                !err.message.includes("ACME-secret"),
        );
    });

    it("a secret where it cannot stay secret (it names resources) is refused, naming its key", () => {
        assert.throws(
            () => validateConfig(good(), { secretPaths: [["namespaces", 0, "name"]] }),
            (err: Error) =>
                err instanceof ConfigError &&
                /^nativemesh:namespaces\[0\]\.name: cannot be kept secret \(it names or shapes resources every plan shows\): set it without --secret; secrets belong in existing\.kubeconfig\/context, mesh\.istiodValues/.test(
                    err.message,
                ),
        );
    });

    it("a secret istiod value is accepted and its path kept", () => {
        const paths = [["mesh", "istiodValues", "pilot", "env", "TOKEN"]];
        const c = edit(
            (x) => (x.mesh = { ...x.mesh, istiodValues: { pilot: { env: { TOKEN: "t" } } } } as Config["mesh"]),
        );
        assert.deepEqual(validateConfig(c, { secretPaths: paths }).secretPaths, paths);
    });
});

describe("config: a version Helm cannot name a revision after", () => {
    it("names mesh.version and the form expected", () => {
        assert.throws(
            () => validateConfig(edit((c) => (c.mesh.version = "1.28"))),
            (err: Error) =>
                err instanceof ConfigError &&
                /^nativemesh:mesh\.version: .*"1\.28".*MAJOR\.MINOR\.PATCH/.test(err.message) &&
                !err.message.includes("\n"),
        );
    });
});

describe("config: reading Pulumi's config map", () => {
    const misspelt: Array<[string, Record<string, unknown>, string]> = [
        [
            "a letter missing",
            { "nativemsh:cloud": "gke" },
            "nativemsh:cloud: the namespace 'nativemsh' is not nativemesh, so this key would be ignored: write nativemesh:cloud",
        ],
        [
            "another case",
            { "NativeMesh:cloud": "gke" },
            "NativeMesh:cloud: the namespace 'NativeMesh' is not nativemesh, so this key would be ignored: write nativemesh:cloud",
        ],
        [
            "a dash and no key",
            { "native-mesh": "gke" },
            "native-mesh: the namespace 'native-mesh' is not nativemesh, so this key would be ignored: write nativemesh:<key>",
        ],
        [
            "two letters swapped",
            { "natviemesh:mesh": "{}" },
            "natviemesh:mesh: the namespace 'natviemesh' is not nativemesh, so this key would be ignored: write nativemesh:mesh",
        ],
    ];
    for (const [name, config, message] of misspelt) {
        it(`refuses a misspelt namespace (${name}), naming the key to write`, () => {
            assert.throws(
                () => namespaceConfig(config),
                (err: Error) => err instanceof ConfigError && err.message === message,
            );
        });
    }

    it("leaves provider namespaces alone, even short ones near nothing (gcp, kubernetes, alicloud, mesh)", () => {
        assert.deepEqual(
            namespaceConfig({ "gcp:project": "p", "kubernetes:context": "c", "alicloud:region": "r", "mesh:x": 1 }),
            {},
        );
    });

    it("parses JSON arrays and objects, keeps other strings and non-strings as they are", () => {
        assert.deepEqual(
            namespaceConfig({
                "nativemesh:a": "[1,2]",
                "nativemesh:b": "{not json",
                "nativemesh:c": 3,
                "nativemesh:d": " [1]",
            }),
            { a: [1, 2], b: "{not json", c: 3, d: " [1]" },
        );
    });

    it("editDistance counts insertions, deletions and substitutions", () => {
        const table: Array<[string, string, number]> = [
            ["", "", 0],
            ["nativemesh", "nativemesh", 0],
            ["nativemsh", "nativemesh", 1],
            ["nativemeshh", "nativemesh", 1],
            ["nativemash", "nativemesh", 1],
            ["natviemesh", "nativemesh", 2],
            ["", "abc", 3],
            ["kitten", "sitting", 3],
        ];
        for (const [a, b, distance] of table) assert.equal(editDistance(a, b), distance, `${a} / ${b}`);
    });

    it("keeps nativemesh keys, parses structured JSON values, keeps version strings as strings", () => {
        const raw = namespaceConfig({
            "gcp:project": "p",
            "nativemesh:cloud": "gke",
            "nativemesh:mesh": JSON.stringify({ method: "helm", version: "1.28.1" }),
            "nativemesh:revision": "1.29",
        });
        assert.deepEqual(raw, { cloud: "gke", mesh: { method: "helm", version: "1.28.1" }, revision: "1.29" });
    });
});

describe("config: keys users get wrong", () => {
    it("names keys in a misspelt namespace instead of ignoring them", () => {
        for (const key of ["nativemes:cloud", "native-mesh:mesh", "NativeMesh:cloud", "nativemeshh:canary"]) {
            assert.throws(
                () => namespaceConfig({ [key]: "gke", "gcp:project": "p" }),
                (e: Error) => e instanceof ConfigError && e.message.startsWith(`${key}: the namespace`),
            );
        }
        assert.deepEqual(
            namespaceConfig({ "gcp:project": "p", "kubernetes:context": "c", "nativemesh:cloud": "gke" }),
            {
                cloud: "gke",
            },
        );
    });

    const base = { cloud: "existing", existing: { kubeconfig: "k" }, mesh: { method: "helm", version: "1.28.1" } };
    const problem = (raw: unknown) => {
        try {
            validateConfig(raw);
        } catch (e) {
            return (e as Error).message;
        }
        return "";
    };

    it("refuses labels.istio.io/rev with its own reason, and istio-injection with its own", () => {
        const rev = problem({ ...base, namespaces: [{ name: "a", labels: { "istio.io/rev": "x" } }] });
        assert.match(rev, /labels\.istio\.io\/rev: is set by nativemesh to the revision.*revisionTag/);
        assert.doesNotMatch(rev, /istio-injection/);
        const inj = problem({ ...base, namespaces: [{ name: "a", labels: { "istio-injection": "enabled" } }] });
        assert.match(inj, /labels\.istio-injection: .*ignores istio\.io\/rev/);
    });

    const gke = (over: Record<string, unknown>) => ({
        cloud: "gke",
        gke: {
            project: "acme-mesh",
            location: "europe-west1",
            clusterName: "c",
            kubernetesVersion: "1.33.5-gke.1308000",
            nodePools: [{ name: "p" }],
            authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
            ...over,
        },
        mesh: { method: "helm", version: "1.28.1" },
    });
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
        ["a /33", { masterIpv4CidrBlock: "172.16.0.0/33" }, /masterIpv4CidrBlock: must be an IPv4 CIDR/],
        ["octet 300", { masterIpv4CidrBlock: "300.16.0.0/28" }, /masterIpv4CidrBlock: must be an IPv4 CIDR/],
        ["a /24 control plane", { masterIpv4CidrBlock: "172.16.0.0/24" }, /masterIpv4CidrBlock: .*\/28/],
        [
            "an authorized /40",
            { authorizedNetworks: [{ cidrBlock: "10.0.0.0/40" }] },
            /cidrBlock: must be an IPv4 CIDR/,
        ],
    ];
    for (const [name, over, expected] of bad) {
        it(`GKE CIDRs are validated as the ACK ones: ${name}`, () => assert.match(problem(gke(over)), expected));
    }
    it("GKE takes a /28 control plane and real CIDRs", () =>
        assert.equal(problem(gke({ masterIpv4CidrBlock: "172.16.0.32/28" })), ""));

    it("chart repositories are https or oci only", () => {
        assert.match(
            problem({ ...base, mesh: { ...base.mesh, chartRepository: "http://charts.example.com" } }),
            /https:\/\/ or oci:\/\//,
        );
        assert.equal(
            problem({ ...base, mesh: { ...base.mesh, chartRepository: "oci://registry.example.com/istio" } }),
            "",
        );
    });

    it("the canary image refuses :latest and no tag, and takes a digest", () => {
        for (const image of ["curlimages/curl:latest", "curlimages/curl", "registry:5000/curl"]) {
            assert.match(
                problem({ ...base, canary: { image } }),
                /canary\.image: must name a tag other than latest/,
                image,
            );
        }
        const digest = `curlimages/curl@sha256:${"a".repeat(64)}`;
        for (const image of [digest, "registry:5000/curl:8.11.1", `curlimages/curl:8.11.1@sha256:${"b".repeat(64)}`]) {
            assert.equal(problem({ ...base, canary: { image } }), "", image);
        }
    });
});

// The stack config schemas and their cross-field checks (components/config/config.ts), written for the mutation
// score of the config group (docs/MUTATION.md). Each refusal row is a config in and the whole one-line message
// out, as `pulumi preview` prints it: the key, what is allowed, the value given. The accepted rows sit at the
// edges of what is allowed, and the defaults are compared whole, so a default or a bound that moves is seen.

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
        [
            "a revision's own chart folder with asmcli (it installs from its own release)",
            () =>
                existing({
                    method: "asmcli",
                    revisions: [{ version: "1.19.10-asm.26", chartPath: "./charts" }],
                    asmcli: { fleetId: "f" },
                }),
            'nativemesh:mesh.revisions[0].chartPath: is a folder of Helm charts: only with method helm (got "./charts")',
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
            "an empty chart path of a revision",
            () => gke({ version: undefined, revisions: [{ version: "1.30.4", chartPath: "" }] }),
            "mesh.revisions[0].chartPath",
            '""',
        ],
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
            "a chart folder per revision, one revision on the mesh's (two releases side by side)",
            () =>
                gke({
                    version: undefined,
                    chartPath: "./charts-1.31.0",
                    revisions: [{ version: "1.30.4", chartPath: "./charts-1.30.4" }, { version: "1.31.0" }],
                    revisionTags: [{ name: "prod-stable", revision: "1-30-4" }],
                }),
            (s) => s.revisionPlan.revisions.map((r) => [r.revision, r.chartPath]),
            [
                ["1-30-4", "./charts-1.30.4"],
                ["1-31-0", undefined],
            ],
        ],
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
            version: "3.9.2",
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
    it("a missing key named secret is not said to hold a secret", () => {
        // (A whole section given as a secret is refused before the schema runs: secrets.spec.ts.)
        assert.throws(
            () => validateConfig(gke({ version: undefined }), { secretPaths: [["mesh", "version"]] }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message === "nativemesh:mesh.version: is required (or list mesh.revisions: [{version, revision}])",
        );
    });

    it("a secret value the message quotes is still shown as [secret] after it", () => {
        // A key that cannot be secret is refused for that first (validateConfig), so the scrubbing is asked directly.
        const config = gke({}, { namespaces: [{ name: "ledger" }, { name: "ledger" }] });
        assert.equal(
            scrubSecrets("nativemesh:namespaces[1].name: 'ledger' is listed twice (got ledger)", config, [
                ["namespaces", 1, "name"],
            ]),
            "nativemesh:namespaces[1].name: '[secret]' is listed twice (got [secret])",
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

describe("config: Istio CNI and the hardened canary", () => {
    it("installs Istio CNI by default, and lets a stack turn it off", () => {
        assert.equal(validateConfig(good()).mesh.cni, true);
        assert.equal(validateConfig(edit((c) => Object.assign(c.mesh, { cni: false }))).mesh.cni, false);
    });

    it("refuses a CNI switch that is not a boolean, naming the key", () => {
        assert.throws(
            () => validateConfig(edit((c) => Object.assign(c.mesh, { cni: "yes" }))),
            (err: Error) => err instanceof ConfigError && /^nativemesh:mesh\.cni: .*\(got "yes"\)$/.test(err.message),
        );
    });

    it("pins the canary's default image by digest, and opens no egress policy unless asked", () => {
        const { canary } = validateConfig(good());
        assert.match(canary.image, /^curlimages\/curl:8\.11\.1@sha256:[0-9a-f]{64}$/);
        assert.equal(canary.egressNetworkPolicy, false);
        assert.equal(
            validateConfig(edit((c) => Object.assign(c, { canary: { egressNetworkPolicy: true } }))).canary
                .egressNetworkPolicy,
            true,
        );
    });
});
