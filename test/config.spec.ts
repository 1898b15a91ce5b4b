import * as assert from "node:assert/strict";
import { ConfigError, editDistance, namespaceConfig, validateConfig } from "../components/config/config";
import { ACK_SECTION, GKE_SECTION } from "./support/configFixtures";

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
    it("a refused secret value is named by its key and shown as [secret]", () => {
        const c = good() as Config;
        c.gke.project = "ACME-secret";
        assert.throws(
            () => validateConfig(c, { secretPaths: [["gke", "project"]] }),
            (err: Error) =>
                err instanceof ConfigError &&
                err.message ===
                    "nativemesh:gke.project: must be a GCP project id (6-30 lowercase letters, digits, '-') (got [secret])",
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
