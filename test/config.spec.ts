import * as assert from "node:assert/strict";
import { ConfigError, namespaceConfig, validateConfig } from "../components/config/config";

/** A valid GKE + Helm config; each bad case changes one thing. */
const good = () => ({
    cloud: "gke",
    gke: {
        project: "acme-mesh-dev",
        location: "europe-west1",
        clusterName: "mesh-dev",
        kubernetesVersion: "1.33.5-gke.1308000",
        nodePools: [{ name: "general" }],
        authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
    },
    mesh: { method: "helm", version: "1.28.1", revisionTags: ["prod-stable"] },
    namespaces: [{ name: "payments", revisionTag: "prod-stable" }, { name: "ledger" }],
});

type Config = ReturnType<typeof good> & Record<string, unknown>;
const edit = (change: (c: Config) => void) => {
    const c = good() as Config;
    change(c);
    return c;
};

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

describe("config: reading Pulumi's config map", () => {
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
