import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { loadStackFile } from "../../../cli/stackFile";
import { validateConfig } from "../../../components/config/config";
import {
    CANARY_FAILURE,
    CANARY_UNREACHABLE,
    CANARY_WAIT_MARGIN_SECONDS,
    canaryFingerprint,
    canaryJobManifest,
    canaryJobName,
    canaryProves,
    PROXY_READY_URL,
} from "../../../components/render/canaryJob";

describe("canary Job names", () => {
    type Raw = { mesh: Record<string, unknown>; namespaces: Array<{ name: string }>; canary?: object };
    const spec = (change: (c: Raw) => void = () => undefined) => {
        const raw: Raw & Record<string, unknown> = {
            cloud: "existing",
            existing: { kubeconfig: "k" },
            mesh: { method: "helm", version: "1.28.1" },
            namespaces: [{ name: "apps" }],
        };
        change(raw);
        return validateConfig(raw);
    };
    const nameOf = (s: ReturnType<typeof validateConfig>) =>
        canaryJobName(s.revision, canaryFingerprint(canaryProves(s)));

    it("change with what the canary proves, so a fixed mesh runs a new Job", () => {
        const base = nameOf(spec());
        assert.match(base, /^nativemesh-canary-1-28-1-[0-9a-f]{8}$/);
        assert.notEqual(nameOf(spec((c) => (c.mesh.nativeSidecars = false))), base);
        assert.notEqual(nameOf(spec((c) => (c.mesh.istiodValues = { pilot: { env: { X: "1" } } }))), base);
        assert.notEqual(nameOf(spec((c) => (c.canary = { timeoutSeconds: 600 }))), base);
    });

    it("change with the cluster's Kubernetes version and node versions, so an upgraded cluster proves it again", () => {
        const gke = (kubernetesVersion: string, poolVersion?: string) =>
            spec((raw) => {
                const c = raw as Record<string, unknown>;
                delete c.existing;
                c.cloud = "gke";
                c.gke = {
                    project: "acme-mesh-dev",
                    location: "europe-west1",
                    clusterName: "mesh-dev",
                    kubernetesVersion,
                    nodePools: [{ name: "general", version: poolVersion }],
                    authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
                };
            });
        const base = nameOf(gke("1.33.5-gke.1308000"));
        assert.equal(nameOf(gke("1.33.5-gke.1308000")), base, "the same cluster gives the same name");
        assert.notEqual(nameOf(gke("1.34.1-gke.1000000")), base, "the control plane's version");
        assert.notEqual(nameOf(gke("1.33.5-gke.1308000", "1.32.9-gke.1")), base, "a node pool's version");
        const proves = canaryProves(gke("1.33.5-gke.1308000", "1.32.9-gke.1")) as Record<string, unknown>;
        assert.deepEqual([proves.kubernetes, proves.pools], ["1.33.5-gke.1308000", ["1.32.9-gke.1"]]);
        const ack = loadStackFile({ stack: "ack-istio" }).spec;
        assert.equal((canaryProves(ack) as Record<string, unknown>).kubernetes, ack.ack?.kubernetesVersion);
        const existing = canaryProves(spec()) as Record<string, unknown>;
        assert.deepEqual([existing.kubernetes, existing.pools], [null, []], "an existing cluster: nothing pinned");
    });

    it("prove one revision each: its own version, the tags pointing at it, whether it is the default", () => {
        const two = spec((c) => {
            c.mesh = {
                method: "helm",
                revisions: [{ version: "1.30.2" }, { version: "1.31.0" }],
                revisionTags: [{ name: "prod", revision: "1-30-2" }],
                defaultRevision: "1-31-0",
            };
            c.namespaces = [{ name: "apps", revision: "1-30-2" } as { name: string }];
        });
        const proves = (revision: string) => {
            const p = canaryProves(two, revision) as { mesh: { version: string }; tags: string[]; default: boolean };
            return [p.mesh.version, p.tags, p.default];
        };
        assert.deepEqual(proves("1-30-2"), ["1.30.2", ["prod"], false]);
        assert.deepEqual(proves("1-31-0"), ["1.31.0", [], true]);
    });

    it("do not change with what the canary does not prove", () => {
        assert.equal(nameOf(spec((c) => c.namespaces.push({ name: "more" }))), nameOf(spec()));
    });

    it("leave the ASM control-plane credential out: a rotated kubeconfig neither renames the Job nor leaks", () => {
        const ack = loadStackFile({ stack: "ack-asm" }).spec;
        const withCredential = (kubeconfig: string) => ({
            ...ack,
            mesh: { ...ack.mesh, alibaba: { ...ack.mesh.alibaba!, controlPlaneKubeconfig: kubeconfig } },
        });
        const a = canaryProves(withCredential("kubeconfig-one"));
        assert.deepEqual(a, canaryProves(withCredential("kubeconfig-two")));
        assert.doesNotMatch(JSON.stringify(a), /kubeconfig-one/);
    });

    it("stay DNS-1123 names of at most 63 characters", () => {
        const name = canaryJobName("a".repeat(63), "f".repeat(64));
        assert.ok(name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name), name);
        assert.equal(canaryJobName(undefined, undefined), "nativemesh-canary");
        assert.equal(canaryJobName(undefined, "0123456789abcdef"), "nativemesh-canary-01234567");
        // Cut at 54 characters (63 less the fingerprint's 9), which falls after "--": every trailing "-" goes.
        assert.equal(
            canaryJobName(`${"x".repeat(34)}--yyyy`, "f".repeat(64)),
            `nativemesh-canary-${"x".repeat(34)}-ffffffff`,
        );
    });
});

describe("canaryJobManifest: the init container's probe", () => {
    it("asks istio-proxy's readiness endpoint, the pilot-agent status port 15021, on loopback", () => {
        assert.equal(PROXY_READY_URL, "http://127.0.0.1:15021/healthz/ready");
    });

    // Rendered inside each test (not when mocha loads the file), so mutation testing can tell which tests cover it.
    const job = () =>
        canaryJobManifest({
            name: "c",
            namespace: "n",
            image: "i",
            probeUrl: "https://api/readyz",
            timeoutSeconds: 60,
        });
    const init = () =>
        (job().spec as { template: { spec: { initContainers: Array<{ command: string[] }> } } }).template.spec
            .initContainers[0];
    /**
     * Runs the probe with a stand-in curl that behaves as curl does: `answers` maps the URLs that answer to their
     * HTTP status; with -f a status of 400 or more fails (exit 22), without it any answer succeeds; a URL that
     * does not answer fails to connect (exit 7). sleep returns at once.
     */
    const probe = (answers: Record<string, number>) =>
        spawnSync(
            "sh",
            [
                "-c",
                [
                    `curl() { f=; for a; do [ "$a" = -f ] && f=1; url=$a; done`,
                    `  case "$url" in ${Object.entries(answers)
                        .map(([u, code]) => `'${u}') code=${code} ;;`)
                        .join(" ")} *) return 7 ;; esac`,
                    `  if [ -n "$f" ] && [ "$code" -ge 400 ]; then return 22; fi; return 0; }`,
                    `sleep() { :; }`,
                    init().command[2],
                ].join("\n"),
            ],
            { encoding: "utf8", env: { PATH: process.env.PATH, PROBE_URL: "https://api/readyz" } },
        );

    const table: Array<[string, Record<string, number>, number, string | undefined]> = [
        [
            "native sidecar, network through it: completes",
            { [PROXY_READY_URL]: 200, "https://api/readyz": 200 },
            0,
            undefined,
        ],
        [
            "hardened API server answering 401 through the native sidecar: completes (any answer proves the path)",
            { [PROXY_READY_URL]: 200, "https://api/readyz": 401 },
            0,
            undefined,
        ],
        [
            "no proxy before the init container (regular or no sidecar): fails",
            { "https://api/readyz": 200 },
            1,
            CANARY_FAILURE,
        ],
        [
            "a proxy that answers but is not ready (503): fails",
            { [PROXY_READY_URL]: 503, "https://api/readyz": 200 },
            1,
            CANARY_FAILURE,
        ],
        ["native sidecar but the URL unreachable: fails, saying so", { [PROXY_READY_URL]: 200 }, 1, CANARY_UNREACHABLE],
    ];
    for (const [name, answers, status, message] of table) {
        it(name, () => {
            const run = probe(answers);
            assert.equal(run.status, status, run.stderr);
            if (message !== undefined) assert.ok(run.stderr.startsWith(message), run.stderr);
        });
    }

    it("is a batch/v1 Job that runs once (no retry, no restart) and is cleaned up after an hour", () => {
        const rendered = job() as {
            apiVersion: string;
            kind: string;
            metadata: { name: string; namespace: string; labels: Record<string, string> };
            spec: {
                backoffLimit: number;
                ttlSecondsAfterFinished: number;
                template: { spec: { restartPolicy: string } };
            };
        };
        assert.deepEqual([rendered.apiVersion, rendered.kind], ["batch/v1", "Job"]);
        assert.deepEqual([rendered.metadata.name, rendered.metadata.namespace], ["c", "n"]);
        assert.deepEqual(rendered.metadata.labels, {
            "app.kubernetes.io/name": "nativemesh-canary",
            "app.kubernetes.io/managed-by": "nativemesh",
        });
        assert.equal(rendered.spec.backoffLimit, 0);
        assert.equal(rendered.spec.ttlSecondsAfterFinished, 3600);
        assert.equal(rendered.spec.template.spec.restartPolicy, "Never");
    });

    it("asks for injection by the pod label, and carries no nativeSidecar annotation (it proves the mesh-wide switch)", () => {
        const template = (job().spec as { template: { metadata: Record<string, Record<string, string>> } }).template;
        assert.deepEqual(template.metadata.labels, {
            "app.kubernetes.io/name": "nativemesh-canary",
            "sidecar.istio.io/inject": "true",
        });
        assert.equal(template.metadata.annotations, undefined);
    });

    it("runs unprivileged: non-root UID, no token, RuntimeDefault seccomp, read-only, no capabilities, small", () => {
        type Container = {
            name: string;
            image: string;
            command: string[];
            securityContext: unknown;
            resources: unknown;
            env?: unknown;
        };
        const pod = (
            job().spec as {
                template: {
                    spec: {
                        automountServiceAccountToken: boolean;
                        securityContext: unknown;
                        initContainers: Container[];
                        containers: Container[];
                    };
                };
            }
        ).template.spec;
        assert.equal(pod.automountServiceAccountToken, false);
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
        });
        const [init] = pod.initContainers;
        const [main] = pod.containers;
        assert.deepEqual(
            [init.name, init.image, init.command.slice(0, 2), init.env],
            ["reach-through-mesh", "i", ["sh", "-c"], [{ name: "PROBE_URL", value: "https://api/readyz" }]],
        );
        assert.deepEqual([main.name, main.image, main.command.slice(0, 2)], ["exit", "i", ["sh", "-c"]]);
        assert.match(main.command[2], /^echo 'nativemesh canary: done/);
        for (const container of [init, main]) {
            assert.deepEqual(container.securityContext, {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
            });
            assert.deepEqual(container.resources, {
                requests: { cpu: "10m", memory: "16Mi" },
                limits: { cpu: "100m", memory: "64Mi" },
            });
        }
    });

    it("tells why it failed in words a user can act on", () => {
        assert.match(
            CANARY_FAILURE,
            /^nativemesh canary: no istio-proxy was ready on 127\.0\.0\.1:15021 .*native sidecars are not active$/,
        );
        assert.match(
            CANARY_UNREACHABLE,
            /^nativemesh canary: istio-proxy runs as a native sidecar, but the probe URL could not be reached/,
        );
        const run = probe({ [PROXY_READY_URL]: 200, "https://api/readyz": 200 });
        assert.equal(
            run.stdout,
            "nativemesh canary: istio-proxy was ready before this init container and https://api/readyz was reached through it\n",
        );
    });

    it("lets Pulumi wait longer than the Job's own deadline, so the Job's failure is what is reported", () => {
        const rendered = job();
        const meta = rendered.metadata as { annotations: Record<string, string> };
        assert.equal((rendered.spec as { activeDeadlineSeconds: number }).activeDeadlineSeconds, 60);
        assert.equal(Number(meta.annotations["pulumi.com/timeoutSeconds"]), 60 + CANARY_WAIT_MARGIN_SECONDS);
    });
});
