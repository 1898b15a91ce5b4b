import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { planStack } from "../../cli/engine";
import { OUT_MANIFEST } from "../../cli/planOutput";
import { runPreview } from "../../cli/preview";
import { loadStackFile, OFFLINE_SECRET } from "../../cli/stackFile";
import { shippedStackNames } from "../support/plan";
import { cli, oneLine } from "../support/cli";
import { tempDir } from "../support/tempDir";

const ROOT = path.resolve(__dirname, "../..");

interface PreviewJson {
    stack: string;
    resources: Array<{
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        inputs: Record<string, unknown>;
    }>;
    violations: Array<{ policy: string; enforcementLevel: string; urn: string; message: string }>;
}

/** Runs the preview in-process, as `npm run preview -- ARGS` would, capturing both streams. */
async function preview(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runPreview(args, {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
    });
    return { code, stdout, stderr };
}

async function previewJson(stack: string): Promise<PreviewJson> {
    const { code, stdout, stderr } = await preview(["--stack", stack, "--json"]);
    assert.equal(code, 0, `preview of ${stack} exited ${code}: ${stderr}\n${stdout.slice(0, 2000)}`);
    return JSON.parse(stdout) as PreviewJson;
}

const ofType = (plan: PreviewJson, type: string) => plan.resources.filter((r) => r.type === type);

const get = (value: unknown, dotted: string): unknown =>
    dotted
        .split(".")
        .reduce<unknown>(
            (cur, k) => (cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined),
            value,
        );

const revOf = (ns: { inputs: Record<string, unknown> }) =>
    get(ns.inputs, "metadata.labels") as Record<string, string> | undefined;

/** The revision tags of a plan that point at an istiod release's revision: the tag webhooks rendered from the
 *  istiod chart (owned by no release), labelled istio.io/tag and istio.io/rev. */
function tagsPointingAt(plan: PreviewJson, istiod: PreviewJson["resources"][number]): string[] {
    return ofType(plan, "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration")
        .map((hook) => get(hook.inputs, "metadata.labels") as Record<string, string>)
        .filter((labels) => labels["istio.io/rev"] === get(istiod.inputs, "values.revision"))
        .map((labels) => labels["istio.io/tag"]);
}

/** Where stacks/Pulumi.local.yaml's mesh.chartPath leads, from the project folder. */
const LOCAL_CHARTS = path.join(
    ROOT,
    (
        parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as {
            config: { "nativemesh:mesh": { chartPath: string } };
        }
    ).config["nativemesh:mesh"].chartPath,
);

const ackStack = () => fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.ack-istio.yaml"), "utf8");

describe("preview: every shipped stack", () => {
    for (const stack of shippedStackNames()) {
        it(`${stack} previews with no mandatory violation, as one JSON object on stdout`, async () => {
            const charts = LOCAL_CHARTS;
            if (stack === "local" && !fs.existsSync(charts)) {
                // The testbed's charts are made by its build (e2e/build.sh): until then the stack names no folder.
                const r = await preview(["--stack", stack, "--json"]).then(
                    () => "",
                    (error: Error) => error.message,
                );
                assert.match(r, new RegExp(`nativemesh:mesh\\.chartPath: no folder at ${charts}`));
                return;
            }
            const plan = await previewJson(stack);
            assert.equal(plan.stack, stack);
            assert.ok(plan.resources.length > 5);
            for (const r of plan.resources) {
                assert.ok(r.urn.startsWith(`urn:pulumi:${stack}::nativemesh::`), r.urn);
                // As the engine writes URNs: every ancestor's type but the root stack's.
                if (r.type !== "pulumi:pulumi:Stack") assert.doesNotMatch(r.urn, /pulumi:pulumi:Stack/);
                const parent = plan.resources.find((p) => p.urn === r.parent);
                if (parent && parent.type !== "pulumi:pulumi:Stack") {
                    assert.equal(r.urn, `${parent.urn.split("::").slice(0, 3).join("::")}$${r.type}::${r.name}`);
                }
                assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "custom", "inputs"]);
            }
            const urns = new Set(plan.resources.map((r) => r.urn));
            const roots = plan.resources.filter((r) => r.parent === null);
            assert.deepEqual(
                roots.map((r) => r.type),
                ["pulumi:pulumi:Stack"],
            );
            for (const r of plan.resources)
                if (r.parent !== null) assert.ok(urns.has(String(r.parent)), `${r.urn}: parent ${r.parent}`);
            assert.deepEqual(
                plan.violations.filter((v) => v.enforcementLevel === "mandatory"),
                [],
            );
        });
    }
});

describe("preview: dev (GKE, Istio by Helm)", () => {
    let plan: PreviewJson;
    before(async () => {
        plan = await previewJson("dev");
    });

    it("has one GKE cluster pinned at 1.29 or later with its node pool", () => {
        const [cluster, ...more] = ofType(plan, "gcp:container/cluster:Cluster");
        assert.equal(more.length, 0);
        const [major, minor] = String(cluster.inputs.minMasterVersion).split(".").map(Number);
        assert.ok(major > 1 || minor >= 29, String(cluster.inputs.minMasterVersion));
        const pools = ofType(plan, "gcp:container/nodePool:NodePool");
        assert.equal(pools.length, 1);
        assert.equal(pools[0].parent, cluster.parent, "the pool belongs to the same GkeCluster component");
    });

    it('installs base, Istio CNI and istiod by Helm, istiod with ENABLE_NATIVE_SIDECARS "true" and injecting for CNI', () => {
        const releases = ofType(plan, "kubernetes:helm.sh/v3:Release").filter(
            (r) => !String(r.inputs.chart).includes("formancehq"),
        );
        assert.deepEqual(releases.map((r) => r.inputs.chart).sort(), ["base", "cni", "istiod"]);
        const istiod = releases.find((r) => r.inputs.chart === "istiod")!;
        assert.equal(get(istiod.inputs, "values.pilot.env.ENABLE_NATIVE_SIDECARS"), "true");
        assert.equal(get(istiod.inputs, "values.pilot.cni.enabled"), true);
        const base = releases.find((r) => r.inputs.chart === "base")!;
        assert.equal(get(base.inputs, "values.defaultRevision"), get(istiod.inputs, "values.revision"));
    });

    it("labels namespaces with the installed revision or one of its tags, never istio-injection", () => {
        const istiod = ofType(plan, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "istiod")!;
        const allowed = new Set([get(istiod.inputs, "values.revision"), ...tagsPointingAt(plan, istiod)]);
        const meshed = ofType(plan, "kubernetes:core/v1:Namespace").filter(
            (ns) => revOf(ns)?.["istio.io/rev"] !== undefined,
        );
        assert.ok(meshed.length >= 3, "payments, ledger and the canary's namespace");
        for (const ns of ofType(plan, "kubernetes:core/v1:Namespace")) {
            const labels = revOf(ns) ?? {};
            assert.equal(labels["istio-injection"], undefined, String(get(ns.inputs, "metadata.name")));
            if (labels["istio.io/rev"] !== undefined)
                assert.ok(allowed.has(labels["istio.io/rev"]), labels["istio.io/rev"]);
        }
    });

    it("applies Formance Settings and the canary Job", () => {
        const settings = ofType(plan, "kubernetes:formance.com/v1beta1:Settings");
        assert.ok(
            settings.some(
                (s) =>
                    get(s.inputs, "spec.key") === "namespace.labels" &&
                    get(s.inputs, "spec.value") === "istio.io/rev=1-28-1",
            ),
        );
        const jobs = ofType(plan, "kubernetes:batch/v1:Job");
        assert.equal(jobs.length, 1);
        assert.equal(get(jobs[0].inputs, "metadata.namespace"), "nativemesh-canary");
    });

    it("installs the Formance operator's chart, and the Settings wait for it", () => {
        const operator = ofType(plan, "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.chart === "oci://ghcr.io/formancehq/helm/operator",
        );
        assert.ok(operator, "the operator release");
        assert.equal(operator.inputs.version, "3.9.2");
    });

    it("runs the canary through the revision tag, so a broken tag webhook fails it", () => {
        const canaryNs = ofType(plan, "kubernetes:core/v1:Namespace").find(
            (ns) => get(ns.inputs, "metadata.name") === "nativemesh-canary",
        )!;
        assert.equal(revOf(canaryNs)?.["istio.io/rev"], "prod-stable");
    });

    it("runs istiod with two replicas and a disruption budget (autoscaleMin above 1)", () => {
        const istiod = ofType(plan, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "istiod")!;
        assert.equal(get(istiod.inputs, "values.pilot.autoscaleMin"), 2);
    });
});

describe("preview: the shipped GKE stacks are secure by default", () => {
    for (const stack of ["dev", "gke-prod", "gke-asm"]) {
        it(`${stack}: private nodes, authorized networks, Shielded nodes, its own node service account`, async () => {
            const plan = await previewJson(stack);
            const [cluster] = ofType(plan, "gcp:container/cluster:Cluster");
            assert.equal(get(cluster.inputs, "privateClusterConfig.enablePrivateNodes"), true);
            assert.ok((get(cluster.inputs, "masterAuthorizedNetworksConfig.cidrBlocks") as unknown[]).length > 0);
            assert.equal(cluster.inputs.enableShieldedNodes, true);
            assert.equal(ofType(plan, "gcp:serviceaccount/account:Account").length, 1);
            for (const pool of ofType(plan, "gcp:container/nodePool:NodePool")) {
                assert.equal(get(pool.inputs, "nodeConfig.shieldedInstanceConfig.enableSecureBoot"), true);
            }
            // Only dev relaxes a default, deletion protection, and says why in a comment just above.
            assert.equal(cluster.inputs.deletionProtection, stack !== "dev");
        });
    }

    it("dev relaxes deletion protection explicitly, with a comment saying why", () => {
        const text = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
        assert.match(text, /# Relaxed on purpose: [^\n]*\n(#[^\n]*\n|\s+#[^\n]*\n)*\s+deletionProtection: false\n/);
    });
});

describe("preview: gke-asm (self-managed ASM by asmcli)", () => {
    it("runs asmcli with the overlay and --revision_name, and every istio.io/rev it writes is that revision", async () => {
        const plan = await previewJson("gke-asm");
        const [cmd] = ofType(plan, "command:local:Command");
        const script = String(cmd.inputs.create);
        assert.match(script, /asmcli install/);
        assert.match(script, /--custom_overlay "\$overlay"/);
        const revision = /--revision_name (\S+)/.exec(script)?.[1];
        assert.equal(revision, "asm-1278-9");
        assert.equal(
            get(
                parse(String(get(cmd.inputs, "environment.NATIVEMESH_OVERLAY"))),
                "spec.values.pilot.env.ENABLE_NATIVE_SIDECARS",
            ),
            "true",
        );
        const written = [
            ...ofType(plan, "kubernetes:core/v1:Namespace").map((ns) => revOf(ns)?.["istio.io/rev"]),
            ...ofType(plan, "kubernetes:formance.com/v1beta1:Settings")
                .filter((s) => get(s.inputs, "spec.key") === "namespace.labels")
                .map((s) => /istio\.io\/rev=([^,]+)/.exec(String(get(s.inputs, "spec.value")))?.[1]),
        ].filter((v) => v !== undefined);
        assert.ok(written.length >= 3);
        assert.deepEqual(new Set(written), new Set([revision]));
    });
});

describe("preview: ACK stacks", () => {
    it("ack-asm: an ACK cluster ≥ 1.30 with its pool, ServiceMesh ≥ 1.24 on that cluster, ASMMeshConfig default on", async () => {
        const plan = await previewJson("ack-asm");
        const [cluster, ...more] = ofType(plan, "alicloud:cs/managedKubernetes:ManagedKubernetes");
        assert.equal(more.length, 0);
        assert.match(String(cluster.inputs.version), /^1\.(3\d|[4-9]\d)\./);
        assert.ok(ofType(plan, "alicloud:cs/nodePool:NodePool").length >= 1);
        const [mesh] = ofType(plan, "alicloud:servicemesh/serviceMesh:ServiceMesh");
        // ASMMeshConfig's every field needs ASM 1.24 or later (Alibaba "ASMMeshConfig CRD reference").
        assert.match(String(mesh.inputs.version), /^v?1\.(2[4-9]|[3-9]\d)\./);
        // The cluster's id is unknown until it exists: clusterIds must be that unknown, not a literal.
        assert.deepEqual(mesh.inputs.clusterIds, ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]);
        const [meshConfig] = ofType(plan, "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig");
        assert.equal(get(meshConfig.inputs, "metadata.name"), "default");
        assert.equal(get(meshConfig.inputs, "metadata.namespace"), undefined);
        assert.equal(get(meshConfig.inputs, "spec.enableNativeSidecar"), true);
    });

    it('ack-istio: the ACK cluster, base and istiod with ENABLE_NATIVE_SIDECARS "true", namespaces on the revision or a tag', async () => {
        const plan = await previewJson("ack-istio");
        assert.equal(ofType(plan, "alicloud:cs/managedKubernetes:ManagedKubernetes").length, 1);
        const releases = ofType(plan, "kubernetes:helm.sh/v3:Release");
        const istiod = releases.find((r) => r.inputs.chart === "istiod")!;
        assert.ok(releases.some((r) => r.inputs.chart === "base"));
        assert.equal(get(istiod.inputs, "values.pilot.env.ENABLE_NATIVE_SIDECARS"), "true");
        const allowed = new Set([get(istiod.inputs, "values.revision"), ...tagsPointingAt(plan, istiod)]);
        const revs = ofType(plan, "kubernetes:core/v1:Namespace")
            .map((ns) => revOf(ns)?.["istio.io/rev"])
            .filter(Boolean);
        assert.ok(revs.length >= 2);
        for (const rev of revs) assert.ok(allowed.has(rev), String(rev));
    });
});

describe("preview: Istio CNI and the canary's Pod Security level in the shipped stacks", () => {
    const ENFORCE = "pod-security.kubernetes.io/enforce";
    const canaryNamespace = (plan: PreviewJson) =>
        ofType(plan, "kubernetes:core/v1:Namespace").find(
            (ns) => get(ns.inputs, "metadata.name") === "nativemesh-canary",
        );

    it("dev (Helm on GKE): the cni chart with GKE's bin dir and profile, the canary's namespace restricted", async () => {
        const plan = await previewJson("dev");
        const cni = ofType(plan, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "cni")!;
        assert.equal(get(cni.inputs, "values.cni.cniBinDir"), "/home/kubernetes/bin");
        assert.equal(get(cni.inputs, "values.global.platform"), "gke");
        assert.equal(
            (get(canaryNamespace(plan)!.inputs, "metadata.labels") as Record<string, string>)[ENFORCE],
            "restricted",
        );
    });

    it("gke-asm (asmcli): the overlay turns on the cni component, the canary's namespace restricted", async () => {
        const plan = await previewJson("gke-asm");
        const [cmd] = ofType(plan, "command:local:Command");
        const overlay = parse(String(get(cmd.inputs, "environment.NATIVEMESH_OVERLAY")));
        assert.deepEqual(get(overlay, "spec.components.cni"), { enabled: true, namespace: "kube-system" });
        assert.equal(
            (get(canaryNamespace(plan)!.inputs, "metadata.labels") as Record<string, string>)[ENFORCE],
            "restricted",
        );
    });

    it("ack-asm (Alibaba ASM): ASM's CNI plug-in on; the canary's namespace not labelled (ASM's injector is its own)", async () => {
        const plan = await previewJson("ack-asm");
        const [mesh] = ofType(plan, "alicloud:servicemesh/serviceMesh:ServiceMesh");
        assert.equal(get(mesh.inputs, "meshConfig.sidecarInjector.initCniConfiguration.enabled"), true);
        const labels = (get(canaryNamespace(plan)!.inputs, "metadata.labels") ?? {}) as Record<string, string>;
        assert.equal(labels[ENFORCE], undefined);
    });
});

describe("preview: an existing cluster", () => {
    it("targets it through a Kubernetes provider with the kubeconfig and context, and creates no cluster", async () => {
        const file = path.join(ROOT, "test", "fixtures", "stacks", "Pulumi.existing.yaml");
        const { code, stdout, stderr } = await preview(["--config", file, "--json"]);
        assert.equal(code, 0, stderr);
        const plan = JSON.parse(stdout) as PreviewJson;
        const [provider] = ofType(plan, "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.context, "staging");
        // A kubeconfig may hold credentials: secret in state.
        assert.deepEqual(provider.inputs.kubeconfig, {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            ciphertext: "[secret]",
        });
        assert.equal(
            plan.resources.filter((r) => r.type.startsWith("gcp:") || r.type.startsWith("alicloud:")).length,
            0,
        );
        const istiod = ofType(plan, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "istiod")!;
        // 1.27 defaults to "auto", which stays off below kubelet 1.33: nativemesh writes "true".
        assert.equal(get(istiod.inputs, "values.pilot.env.ENABLE_NATIVE_SIDECARS"), "true");
    });
});

describe("preview: ack-asm from outside the VPC", () => {
    const file = path.join(ROOT, "test", "fixtures", "stacks", "Pulumi.ack-asm-public.yaml");

    it("previews a stack file holding an encrypted value (a placeholder offline)", async () => {
        const { code, stderr } = await preview(["--config", file, "--json"]);
        assert.equal(code, 0, stderr);
    });

    it("applies ASMMeshConfig with the kubeconfig given, kept secret, not the instance's VPC-internal one", async () => {
        const { config } = loadStackFile({ config: file });
        const plan = await planStack("ack-asm-public", config, { revealSecrets: true });
        const provider = plan.resources.find(
            (r) => r.type === "pulumi:providers:kubernetes" && r.name.endsWith("-asm"),
        );
        assert.ok(provider, "a Kubernetes provider for the ASM control plane");
        assert.deepEqual(provider.inputs.kubeconfig, {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            plaintext: OFFLINE_SECRET,
        });
        const [mesh] = plan.resources.filter((r) => r.type === "alicloud:servicemesh/serviceMesh:ServiceMesh");
        assert.equal(get(mesh.inputs, "loadBalancer.apiServerPublicEip"), true);
    });
});

describe("preview: a stack the pack refuses", () => {
    it("exits 1 and names the mandatory violations (managed control plane, GKE below 1.29)", async () => {
        const file = path.join(ROOT, "test", "fixtures", "stacks", "Pulumi.managed.yaml");
        const { code, stdout } = await preview(["--config", file, "--json"]);
        assert.equal(code, 1);
        const plan = JSON.parse(stdout) as PreviewJson;
        assert.equal(plan.stack, "managed");
        const mandatory = new Set(
            plan.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy),
        );
        assert.deepEqual([...mandatory].sort(), [
            "kubernetes-version-supports-native-sidecars",
            "no-managed-control-plane",
        ]);
        const text = await preview(["--config", file]);
        assert.equal(text.code, 1);
        assert.match(text.stdout, /no-managed-control-plane/);
    });
});

describe("preview: output", () => {
    it("prints the plan as a tree by component, then the policy verdict", async () => {
        const { code, stdout } = await preview([]);
        assert.equal(code, 0);
        assert.match(stdout, /pulumi:pulumi:Stack\s+nativemesh-dev/);
        assert.match(stdout, /└─ nativemesh:index:MeshEnvironment\s+nativemesh/);
        assert.match(stdout, /│  ├─ gcp:container\/cluster:Cluster|├─ gcp:container\/cluster:Cluster/);
        assert.match(stdout, /\+ \d+ to create/);
    });

    it("--json as a user runs it: exactly one JSON object on the real stdout, logs on stderr", () => {
        const r = cli(["preview", "--stack", "ack-asm", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        const plan = JSON.parse(r.stdout) as PreviewJson;
        assert.equal(plan.stack, "ack-asm");
        assert.match(r.stderr, /Previewing stack ack-asm/);
    });

    it("--out writes every Kubernetes object, the istiod values and the asmcli overlay", async () => {
        const dir = tempDir("out");
        assert.equal((await preview(["--stack", "gke-asm", "--out", dir])).code, 0);
        const overlay = parse(fs.readFileSync(path.join(dir, "asmcli", "overlay.yaml"), "utf8"));
        assert.equal(overlay.kind, "IstioOperator");
        const k8sFiles = fs.readdirSync(path.join(dir, "k8s"));
        assert.ok(
            k8sFiles.some((f) => /^job-nativemesh-canary-nativemesh-canary-asm-1278-9-[0-9a-f]{8}\.yaml$/.test(f)),
            k8sFiles.join(" "),
        );
        // formance-system is meshed and is also the Formance operator's namespace: one object, labelled.
        const ns = parse(fs.readFileSync(path.join(dir, "k8s", "namespace-formance-system.yaml"), "utf8"));
        assert.equal(ns.metadata.labels["istio.io/rev"], "asm-1278-9");
        const plan = await previewJson("gke-asm");
        const named = ofType(plan, "kubernetes:core/v1:Namespace").filter(
            (n) => get(n.inputs, "metadata.name") === "formance-system",
        );
        assert.equal(named.length, 1);

        const devDir = tempDir("out");
        assert.equal((await preview(["--out", devDir])).code, 0);
        const values = parse(fs.readFileSync(path.join(devDir, "helm", "istiod-1-28-1-values.yaml"), "utf8"));
        assert.equal(values.pilot.env.ENABLE_NATIVE_SIDECARS, "true");
    });
});

describe("preview: bad input exits 2 with one line and no stack trace", () => {
    const tmp = tempDir("bad");
    const write = (name: string, text: string) => {
        const file = path.join(tmp, name);
        fs.writeFileSync(file, text);
        return file;
    };
    const cases: Array<[string, string[], RegExp]> = [
        ["an unknown stack", ["--stack", "nope"], /unknown stack 'nope': stacks\/ has .*dev/],
        [
            "a missing file",
            ["--config", path.join(tmp, "absent.yaml")],
            /absent\.yaml: cannot read the stack file \(no such file\)/,
        ],
        [
            "a file that is not YAML",
            ["--config", write("bad.yaml", "config: [unclosed\n")],
            /bad\.yaml: not valid YAML/,
        ],
        [
            "an unknown key",
            ["--config", write("Pulumi.unknown.yaml", "config:\n  nativemesh:cloud: gke\n  nativemesh:clud: gke\n")],
            /nativemesh:clud: unknown key/,
        ],
        [
            "a version that does not parse",
            [
                "--config",
                write(
                    "Pulumi.version.yaml",
                    fs
                        .readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8")
                        .replace('version: "1.28.1"', 'version: "latest"'),
                ),
            ],
            /Pulumi\.version\.yaml: nativemesh:mesh\.version: must be a version/,
        ],
        ["an unknown option", ["--stak", "dev"], /Unknown option '--stak'/],
        [
            "an empty stack file",
            ["--config", write("Pulumi.empty.yaml", "\n")],
            /Pulumi\.empty\.yaml: the stack file is empty/,
        ],
        [
            "a policy config the pack refuses",
            ["--policy-config", write("policy.json", '{"no-such-policy": "advisory"}')],
            /policy\.json: .*no-such-policy/,
        ],
        [
            "--out at a file, not a directory",
            ["--out", write("plain-file", "x")],
            /--out \S+plain-file: cannot write the plan files there \(it is not a directory\)/,
        ],
        [
            "a policy config that is not an object",
            ["--policy-config", write("array.json", "[1]")],
            /array\.json: the policy config must be a JSON object/,
        ],
        [
            "an ACK config without a region",
            ["--config", write("Pulumi.noregion.yaml", ackStack().replace(/^    region: .*\n/m, ""))],
            /nativemesh:ack\.region: is required/,
        ],
        [
            "an ACK config with a malformed vSwitch id",
            ["--config", write("Pulumi.vsw.yaml", ackStack().replace(/vsw-[a-z0-9]+/, "switch-1"))],
            /nativemesh:ack\.vpc\.vswitchIds\[0\]: .*vsw-/,
        ],
    ];
    for (const [name, args, expected] of cases) {
        it(name, () => {
            const r = cli(["preview", ...args]);
            assert.equal(r.status, 2, r.stderr);
            assert.equal(r.stdout, "");
            const lines = r.stderr.trim().split("\n");
            assert.equal(lines.length, 1, r.stderr);
            assert.match(lines[0], expected);
            assert.doesNotMatch(r.stderr, /\n\s+at /);
        });
    }
});

describe("cli: --out", () => {
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-out-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("replaces what an earlier --out wrote, so no file of an earlier plan stays beside the new one", async () => {
        const out = path.join(tmp, "out");
        assert.equal((await preview(["--stack", "gke-asm", "--out", out])).code, 0);
        assert.ok(fs.existsSync(path.join(out, "asmcli", "install.sh")));
        const r = await preview(["--stack", "gke-prod", "--out", out]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(fs.existsSync(path.join(out, "asmcli")), false, "gke-asm's asmcli files are gone");
        const listed = fs.readFileSync(path.join(out, OUT_MANIFEST), "utf8").trim().split("\n");
        const present: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(path.join(out, d), { withFileTypes: true })) {
                const name = d ? `${d}/${e.name}` : e.name;
                if (e.isDirectory()) walk(name);
                else if (name !== OUT_MANIFEST) present.push(name);
            }
        };
        walk("");
        assert.deepEqual(present.sort(), [...listed].sort());
    });

    it("refuses a folder holding files it did not write", async () => {
        fs.writeFileSync(path.join(tmp, "mine.yaml"), "kind: Secret\n");
        oneLine(cli(["preview", "--out", tmp]), /--out \S+: cannot write the plan files there \(it holds mine\.yaml/);
        assert.equal(fs.readFileSync(path.join(tmp, "mine.yaml"), "utf8"), "kind: Secret\n");
    });

    it("fails at once, with one line, under a path that cannot be made", () => {
        const r = cli(["preview", "--out", "/proc/nativemesh-test/out"]);
        // Its one line is all of stderr: it stopped before "Previewing stack …", that is before planning.
        oneLine(r, /--out \/proc\/nativemesh-test\/out: cannot write the plan files there/);
        assert.equal(r.stdout, "");
    });

    it("never follows a link: neither --out itself nor one planted inside", async () => {
        const real = path.join(tmp, "real");
        fs.mkdirSync(real);
        fs.symlinkSync(real, path.join(tmp, "link"));
        oneLine(cli(["preview", "--out", path.join(tmp, "link")]), /symbolic link/);
        const out = path.join(tmp, "out");
        assert.equal((await preview(["--out", out])).code, 0);
        const victim = path.join(tmp, "victim");
        fs.writeFileSync(victim, "untouched\n");
        fs.symlinkSync(victim, path.join(out, "k8s", "planted.yaml"));
        oneLine(cli(["preview", "--out", out]), /it holds k8s\/planted\.yaml/);
        assert.equal(fs.readFileSync(victim, "utf8"), "untouched\n");
    });

    it("writes an asmcli script that runs as written: it reads overlay.yaml beside it and has the run bit", async () => {
        const out = path.join(tmp, "out");
        assert.equal((await preview(["--stack", "gke-asm", "--out", out])).code, 0);
        const script = path.join(out, "asmcli", "install.sh");
        assert.ok((fs.statSync(script).mode & 0o111) !== 0, "executable");
        const plan = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.gke-asm.yaml"), "utf8")) as {
            config: { "nativemesh:mesh": { version: string } };
        };
        const release = plan.config["nativemesh:mesh"].version;
        // The stack's asmcli path is ./asmcli: a stand-in in the folder the script is run from.
        fs.writeFileSync(
            path.join(tmp, "asmcli"),
            `#!/bin/sh\nif [ "$1" = --version ]; then echo ${release}; exit 0; fi\n` +
                `while [ $# -gt 0 ]; do [ "$1" = --custom_overlay ] && cp "$2" "${tmp}/overlay-seen"; shift; done\n`,
            { mode: 0o755 },
        );
        const env = { ...process.env };
        delete env.NATIVEMESH_OVERLAY;
        const r = spawnSync(script, [], { cwd: tmp, encoding: "utf8", env: { ...env, TMPDIR: tmp } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(
            fs.readFileSync(path.join(tmp, "overlay-seen"), "utf8"),
            fs.readFileSync(path.join(out, "asmcli", "overlay.yaml"), "utf8"),
        );
    });
});

describe("cli: existing.kubeconfig naming no file", () => {
    it("is warned about on stderr, naming the key", async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-kc-"));
        const file = path.join(tmp, "Pulumi.kc.yaml");
        fs.writeFileSync(
            file,
            "config:\n  nativemesh:cloud: existing\n  nativemesh:existing:\n    kubeconfig: /nonexistent/kubeconfig\n" +
                '  nativemesh:mesh:\n    method: helm\n    version: "1.28.1"\n',
        );
        const r = await preview(["--config", file, "--json"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /warning: nativemesh:existing\.kubeconfig: no file at \/nonexistent\/kubeconfig/);
        fs.rmSync(tmp, { recursive: true, force: true });
    });
});
