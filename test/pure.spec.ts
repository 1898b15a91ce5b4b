import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
    absoluteShellPath,
    asmcliInstallScript,
    AsmcliScriptOptions,
    AsmTarget,
    isKubeconfigContents,
    renderAsmOverlay,
    shellQuote,
} from "../components/render/asmOverlay";
import {
    CANARY_FAILURE,
    CANARY_UNREACHABLE,
    CANARY_WAIT_MARGIN_SECONDS,
    canaryEgressPolicy,
    canaryFingerprint,
    canaryJobManifest,
    canaryJobName,
    canaryProves,
    probePorts,
    PROXY_READY_URL,
} from "../components/render/canaryJob";
import { podSecurityLabels } from "../components/render/podSecurity";
import { validateConfig } from "../components/config/config";
import { formanceSettingsFor, settingObjectName, settingsSpec } from "../components/render/formanceSpec";
import { baseValues, cniValues, deepMerge, istiodValues, nativeSidecarEnv } from "../components/render/istioValues";
import { injectionLabelsFor } from "../components/render/revisionLabel";
import { formatTree, planFiles } from "../cli/planOutput";
import { loadStackFile } from "../cli/stackFile";
import type { PlannedResource } from "../cli/engine";
import { tempDir } from "./support/tempDir";

describe("nativeSidecarEnv: the ENABLE_NATIVE_SIDECARS value for a version", () => {
    const table: Array<[string, boolean, string | undefined]> = [
        ["1.18.9", true, undefined], // istiod before 1.19 does not read it (FACTS.md)
        ["1.19.0", true, "true"],
        ["1.19.10-asm.26", true, "true"],
        ["1.26.4", false, "false"],
        ["1.27.0", true, "true"], // never "auto": off below kubelet 1.33
        ["latest", true, undefined],
    ];
    for (const [version, enabled, expected] of table) {
        it(`${version}, ${enabled ? "on" : "off"} → ${String(expected)}`, () =>
            assert.equal(nativeSidecarEnv(version, enabled), expected));
    }
});

describe("istiodValues and deepMerge", () => {
    it("merges nested objects, replaces arrays and scalars, and changes neither input", () => {
        const under = { a: { b: 1, c: [1, 2] }, d: "x" };
        const over = { a: { c: [3], e: true }, d: "y" };
        assert.deepEqual(deepMerge(under, over), { a: { b: 1, c: [3], e: true }, d: "y" });
        assert.deepEqual(under, { a: { b: 1, c: [1, 2] }, d: "x" });
    });

    it("lets a null over an object replace it (Helm reads a null value as: remove this key)", () => {
        assert.deepEqual(deepMerge({ a: { b: 1 }, c: null }, { a: null, c: { d: 1 } }), { a: null, c: { d: 1 } });
    });

    it("tells base the control plane's namespace too, where its default validator must point", () => {
        assert.deepEqual(baseValues("1-28-1", true), { defaultRevision: "1-28-1" });
        assert.deepEqual(baseValues("1-28-1", false, "mesh"), {
            defaultRevision: "",
            global: { istioNamespace: "mesh" },
        });
    });

    it('passes defaultRevision "" when not the default, so base renders no validator for a missing `istiod` Service', () => {
        // base's own default is "default" (istio/istio manifests/charts/base/values.yaml), which renders
        // istiod-default-validator pointing at Service `istiod`, absent from a revisioned install.
        assert.equal(baseValues("1-28-1", false).defaultRevision, "");
    });

    it("merges user base values under ours", () => {
        const values = baseValues("1-28-1", true, "istio-system", {
            base: { validationURL: "https://127.0.0.1:15017/validate" },
            defaultRevision: "other",
        });
        assert.deepEqual(values, {
            base: { validationURL: "https://127.0.0.1:15017/validate" },
            defaultRevision: "1-28-1",
        });
    });

    it("runs istiod with the replicas asked for, as autoscaler minimum and replica count", () => {
        const values = istiodValues({
            version: "1.28.1",
            revision: "1-28-1",
            revisionTags: [],
            nativeSidecars: true,
            namespace: "istio-system",
            replicas: 2,
            extra: { pilot: { autoscaleMin: 1 } },
        });
        assert.deepEqual(values.pilot, { autoscaleMin: 2, replicaCount: 2, env: { ENABLE_NATIVE_SIDECARS: "true" } });
    });

    it("names the control plane's namespace only when it is not istio-system", () => {
        const base = {
            version: "1.28.1",
            revision: "1-28-1",
            revisionTags: [],
            nativeSidecars: true,
            replicas: 2,
            extra: {},
        };
        assert.equal(istiodValues({ ...base, namespace: "istio-system" }).global, undefined);
        assert.deepEqual(istiodValues({ ...base, namespace: "mesh" }).global, { istioNamespace: "mesh" });
    });
});

describe("injectionLabelsFor", () => {
    it("writes istio.io/rev alone for a revision or tag, istio-injection=enabled without one", () => {
        assert.deepEqual(injectionLabelsFor("1-28-1"), { "istio.io/rev": "1-28-1" });
        assert.deepEqual(injectionLabelsFor(undefined), { "istio-injection": "enabled" });
    });
});

/** The asmcli run the script tests share; each test changes only what it is about. */
const scriptOptions = (asmcli: string, over: Partial<AsmcliScriptOptions> = {}): AsmcliScriptOptions => ({
    asmcli,
    version: "1.19.10-asm.26",
    revision: "asm-11910-26",
    revisionTags: [],
    ca: "mesh_ca",
    outputDir: "asm-out",
    enableAll: true,
    options: [],
    target: { kind: "gke", project: "p", clusterName: "c", location: "l" },
    ...over,
});

describe("asmcli overlay and script", () => {
    it('renders the corrected overlay: IstioOperator, spec.values.pilot.env, the string "true"', () => {
        assert.deepEqual(parse(renderAsmOverlay("1.19.10-asm.26", true)), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: { values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } } },
        });
    });

    it("renders no env for an istiod that does not read it (before 1.19): an empty spec", () => {
        assert.deepEqual(parse(renderAsmOverlay("1.18.3-asm.5", true)), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: {},
        });
    });

    const kubeconfigs: Array<[string, string, boolean]> = [
        ["one line of YAML", "apiVersion: v1", true],
        ["one line of YAML with a space before the colon", "kind : Config", true],
        ["one line of JSON after white space", '  {"apiVersion":"v1"}', true],
        ["YAML after white space", "  clusters: []", true],
        ["a path whose last segment starts with kind:", "configs/kind:prod", false],
        ["a path", "/etc/kube/config", false],
    ];
    for (const [name, given, contents] of kubeconfigs) {
        it(`takes ${name} (${JSON.stringify(given)}) for ${contents ? "contents" : "a path"}`, () =>
            assert.equal(isKubeconfigContents(given), contents));
    }

    const paths: Array<[string, string]> = [
        ["~", '"$HOME"'],
        ["~/kube config", `"$HOME"/'kube config'`],
        ["/etc/kube", "/etc/kube"],
        ["kube/config", '"$PWD"/kube/config'],
    ];
    for (const [given, expected] of paths) {
        it(`writes the path ${JSON.stringify(given)} for sh as ${expected}`, () =>
            assert.equal(absoluteShellPath(given), expected));
    }

    const quoting: Array<[string, string]> = [
        ["asm-out", "asm-out"],
        ["/home/me/kube config", "'/home/me/kube config'"],
        ["it's", "'it'\\''s'"],
        ["$(rm -rf /)", "'$(rm -rf /)'"],
    ];
    for (const [word, quoted] of quoting) {
        it(`quotes ${JSON.stringify(word)} for sh`, () => {
            assert.equal(shellQuote(word), quoted);
            const echoed = spawnSync("sh", ["-c", `printf %s ${shellQuote(word)}`], { encoding: "utf8" }).stdout;
            assert.equal(echoed, word);
        });
    }

    it("refuses an asmcli of another release before installing anything, and installs with the right one", () => {
        const dir = tempDir("asmcli");
        const asmcli = path.join(dir, "asmcli");
        // A stand-in asmcli: reports $FAKE_RELEASE and records each install with its arguments.
        fs.writeFileSync(
            asmcli,
            `#!/bin/sh\ncase "$1" in --version) echo "$FAKE_RELEASE+config1";; install) echo "$@" >> "${dir}/installs";; esac\n`,
            { mode: 0o755 },
        );
        const script = asmcliInstallScript(scriptOptions(asmcli, { outputDir: path.join(dir, "out") }));
        const run = (release: string) =>
            spawnSync("sh", ["-c", script], {
                encoding: "utf8",
                env: { ...process.env, FAKE_RELEASE: release, NATIVEMESH_OVERLAY: "kind: IstioOperator" },
            });
        for (const other of ["1.20.0-asm.1", "1.19.10-asm.261+config1", ""]) {
            const wrong = run(other);
            assert.notEqual(wrong.status, 0, other);
            assert.match(wrong.stderr, /not 1\.19\.10-asm\.26/);
        }
        assert.equal(fs.existsSync(path.join(dir, "installs")), false, "nothing installed");
        const right = run("1.19.10-asm.26+config1");
        assert.equal(right.status, 0, right.stderr);
        assert.match(
            fs.readFileSync(path.join(dir, "installs"), "utf8"),
            /--custom_overlay \S+\/overlay\.yaml .*--revision_name asm-11910-26/,
        );
    });
});

describe("asmcli script: paths stay right after asmcli changes directory", () => {
    /**
     * A stand-in asmcli that behaves as the real one does with paths: it reads --kubeconfig and --output_dir,
     * changes into the output directory, and only then opens the kubeconfig (asmcli keeps it as given).
     */
    const fakeAsmcli = (dir: string) => {
        const file = path.join(dir, "asmcli");
        fs.writeFileSync(
            file,
            [
                "#!/bin/sh",
                'if [ "$1" = --version ]; then echo 1.19.10-asm.26; exit 0; fi',
                "shift; kc=; out=",
                'while [ $# -gt 0 ]; do case "$1" in --kubeconfig) kc=$2; shift;; --output_dir) out=$2; shift;; esac; shift; done',
                'cd "$out" || exit 3',
                '[ -z "$kc" ] || [ -f "$kc" ] || { echo "no kubeconfig at $kc" >&2; exit 4; }',
                "mkdir -p istio-1.19.10-asm.26/bin",
                `printf '#!/bin/sh\\necho "$@" >> "${dir}/tags"\\n' > istio-1.19.10-asm.26/bin/istioctl; chmod +x istio-1.19.10-asm.26/bin/istioctl`,
            ].join("\n"),
            { mode: 0o755 },
        );
        return file;
    };
    const options = (dir: string, target: AsmTarget) =>
        scriptOptions(fakeAsmcli(dir), { revisionTags: ["prod-stable"], target });
    const run = (dir: string, script: string) =>
        spawnSync("sh", ["-c", script], {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, HOME: dir, NATIVEMESH_OVERLAY: "kind: IstioOperator" },
        });

    const paths: Array<[string, string]> = [
        ["a relative path", "kube/config"],
        ["a path under ~", "~/kube/config"],
    ];
    for (const [name, given] of paths) {
        it(`finds a kubeconfig given as ${name}, and tags on the same cluster and context`, () => {
            const dir = tempDir("asmcli");
            fs.mkdirSync(path.join(dir, "kube"));
            fs.writeFileSync(path.join(dir, "kube", "config"), "kind: Config\n");
            const script = asmcliInstallScript(
                options(dir, { kind: "kubeconfig", kubeconfig: given, context: "prod" }),
            );
            const result = run(dir, script);
            assert.equal(result.status, 0, result.stderr);
            assert.equal(
                fs.readFileSync(path.join(dir, "tags"), "utf8").trim(),
                `tag set prod-stable --revision asm-11910-26 --overwrite --kubeconfig ${path.join(dir, "kube", "config")} --context prod`,
            );
        });
    }

    it("tags a GKE install through the kubeconfig asmcli writes in its output directory", () => {
        const dir = tempDir("asmcli");
        const script = asmcliInstallScript(
            options(dir, { kind: "gke", project: "p", clusterName: "c", location: "l" }),
        );
        const result = run(dir, script);
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            fs.readFileSync(path.join(dir, "tags"), "utf8"),
            new RegExp(`--kubeconfig ${path.join(dir, "asm-out", "asm_kubeconfig")}$`, "m"),
        );
    });
});

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
    const inits = () =>
        (job().spec as { template: { spec: { initContainers: Array<{ name: string; command: string[] }> } } }).template
            .spec.initContainers;
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
                    // The init containers run in order, each only after the one before succeeded.
                    inits()
                        .map((container) => `(${container.command[2]}) || exit $?`)
                        .join("\n"),
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
        const [ready, probe] = pod.initContainers;
        const [main] = pod.containers;
        assert.deepEqual(
            [ready.name, ready.image, ready.command.slice(0, 2), ready.env],
            ["proxy-ready", "i", ["sh", "-c"], undefined],
        );
        assert.deepEqual(
            [probe.name, probe.image, probe.command.slice(0, 2), probe.env],
            ["probe", "i", ["sh", "-c"], [{ name: "PROBE_URL", value: "https://api/readyz" }]],
        );
        assert.deepEqual([main.name, main.image, main.command.slice(0, 2)], ["exit", "i", ["sh", "-c"]]);
        assert.match(main.command[2], /^echo 'nativemesh canary: done/);
        for (const container of [ready, probe, main]) {
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
            /^nativemesh canary: proxy-ready check failed: no istio-proxy was ready on 127\.0\.0\.1:15021 .*native sidecars are not active$/,
        );
        assert.match(
            CANARY_UNREACHABLE,
            /^nativemesh canary: probe check failed: istio-proxy runs as a native sidecar, but the probe URL could not be reached/,
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

describe("formanceSettingsFor", () => {
    // Validated inside the test (not when mocha loads the file), so mutation testing can tell which tests cover it.
    const spec = () =>
        validateConfig({
            cloud: "existing",
            existing: { kubeconfig: "k" },
            mesh: { method: "helm", version: "1.28.1", revisionTags: ["prod"] },
            namespaces: [{ name: "batch", podTemplateAnnotations: { "sidecar.istio.io/nativeSidecar": "true" } }],
            formance: {
                stacks: ["a", "b"],
                namespaceRevisionTag: "prod",
                serviceAnnotations: { gateway: { "cloud.google.com/neg": '{"ingress":true}' } },
                jobAnnotations: { ledger: { x: "y" } },
            },
        });

    it("maps each config entry to its Setting key, and scopes per-namespace defaults to that namespace's stack", () => {
        const { formance, namespaces } = spec();
        const settings = formanceSettingsFor(formance!, injectionLabelsFor("prod"), namespaces);
        assert.deepEqual(
            settings.map((s) => [s.key, s.stacks]),
            [
                ["namespace.labels", ["a", "b"]],
                ["services.gateway.annotations", ["a", "b"]],
                ["jobs.ledger.spec.template.annotations", ["a", "b"]],
                ["deployments.*.spec.template.annotations", ["batch"]],
                ["jobs.*.spec.template.annotations", ["batch"]],
            ],
        );
        assert.deepEqual(settings[0].value, { "istio.io/rev": "prod" });
        assert.equal(new Set(settings.map((s) => s.name)).size, settings.length, "object names are unique");
    });

    it("records where each Setting comes from in the config, the key an error about it names", () => {
        const settings = formanceSettingsFor(
            {
                stacks: ["*"],
                namespaceLabel: true,
                serviceAnnotations: { gateway: { a: "1" } },
                deploymentAnnotations: { ledger: { b: "2" } },
                jobAnnotations: { payments: { c: "3" } },
            },
            { "istio.io/rev": "1-28-1" },
            [
                { name: "quiet", podTemplateAnnotations: {} },
                { name: "batch", podTemplateAnnotations: { d: "4" } },
            ],
        );
        assert.deepEqual(
            settings.map((s) => [s.source, s.key, s.name, s.stacks, s.value]),
            [
                [
                    ["formance", "namespaceLabel"],
                    "namespace.labels",
                    "nativemesh-namespace-labels",
                    ["*"],
                    { "istio.io/rev": "1-28-1" },
                ],
                [
                    ["formance", "serviceAnnotations", "gateway"],
                    "services.gateway.annotations",
                    "nativemesh-services-gateway-annotations",
                    ["*"],
                    { a: "1" },
                ],
                [
                    ["formance", "deploymentAnnotations", "ledger"],
                    "deployments.ledger.spec.template.annotations",
                    "nativemesh-deployments-ledger-spec-template-annotations",
                    ["*"],
                    { b: "2" },
                ],
                [
                    ["formance", "jobAnnotations", "payments"],
                    "jobs.payments.spec.template.annotations",
                    "nativemesh-jobs-payments-spec-template-annotations",
                    ["*"],
                    { c: "3" },
                ],
                [
                    ["namespaces", 1, "podTemplateAnnotations"],
                    "deployments.*.spec.template.annotations",
                    "nativemesh-deployments-all-spec-template-annotations-batch",
                    ["batch"],
                    { d: "4" },
                ],
                [
                    ["namespaces", 1, "podTemplateAnnotations"],
                    "jobs.*.spec.template.annotations",
                    "nativemesh-jobs-all-spec-template-annotations-batch",
                    ["batch"],
                    { d: "4" },
                ],
            ],
        );
    });

    it("writes no namespace.labels Setting when namespaceLabel is off", () => {
        const settings = formanceSettingsFor(
            {
                stacks: ["*"],
                namespaceLabel: false,
                serviceAnnotations: {},
                deploymentAnnotations: {},
                jobAnnotations: {},
            },
            { "istio.io/rev": "1-28-1" },
            [],
        );
        assert.deepEqual(settings, []);
    });

    it("settingsSpec encodes a map only for a key that takes one, and refuses a map elsewhere", () => {
        const setting = { name: "n", key: "namespace.labels", value: { a: "1", b: "2" }, stacks: ["s"] };
        assert.deepEqual(settingsSpec(setting), { key: "namespace.labels", value: "a=1,b=2", stacks: ["s"] });
        assert.deepEqual(
            settingsSpec({ ...setting, key: "postgres.ledger.uri", value: "postgresql://db" }).value,
            "postgresql://db",
        );
        assert.throws(
            () => settingsSpec({ ...setting, key: "postgres.ledger.uri" }),
            /^Error: Formance setting n: key postgres\.ledger\.uri does not take a map; give a string value$/,
        );
    });

    const names: Array<[string, string | undefined, string]> = [
        ["namespace.labels", undefined, "nativemesh-namespace-labels"],
        [
            "deployments.*.spec.template.annotations",
            "batch",
            "nativemesh-deployments-all-spec-template-annotations-batch",
        ],
        ["services.My_Gateway.annotations", undefined, "nativemesh-services-my-gateway-annotations"],
        ["services.a__b..c.annotations", undefined, "nativemesh-services-a-b-c-annotations"],
        ["services.gateway.--", undefined, "nativemesh-services-gateway"],
        [`services.${"a".repeat(300)}`, undefined, `nativemesh-services-${"a".repeat(233)}`],
        [`services.${"a".repeat(231)}--b`, undefined, `nativemesh-services-${"a".repeat(231)}`],
    ];
    for (const [key, suffix, expected] of names) {
        it(`names the Settings object of ${key}${suffix ? ` (${suffix})` : ""} ${expected}`, () =>
            assert.equal(settingObjectName(key, suffix), expected));
    }
});

describe("plan output", () => {
    const r = (
        urn: string,
        type: string,
        name: string,
        parent?: string,
        inputs: Record<string, unknown> = {},
    ): PlannedResource => ({
        urn,
        type,
        name,
        parent,
        custom: !type.startsWith("nativemesh:") && type !== "pulumi:pulumi:Stack",
        inputs,
        options: {
            dependsOn: [],
            ignoreChanges: [],
            deleteBeforeReplace: false,
            retainOnDelete: false,
            protect: false,
        },
    });
    const plan = [
        r("s", "pulumi:pulumi:Stack", "p-dev"),
        r("e", "nativemesh:index:MeshEnvironment", "env", "s"),
        r("ns", "kubernetes:core/v1:Namespace", "a", "e", {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "a" },
        }),
        r("rel", "kubernetes:helm.sh/v3:Release", "istiod", "e", {
            name: "istiod-1-28-1",
            chart: "istiod",
            version: "1.28.1",
            values: { revision: "1-28-1" },
        }),
    ];

    it("draws the tree with pulumi's prefixes, children under their parent", () => {
        const lines = formatTree(plan).split("\n");
        assert.match(lines[1], /^ \+ {3}pulumi:pulumi:Stack\s+p-dev$/);
        assert.match(lines[2], /^ \+ {3}└─ nativemesh:index:MeshEnvironment\s+env$/);
        assert.match(lines[3], /^ \+ {6}├─ kubernetes:core\/v1:Namespace\s+a$/);
        assert.match(lines[4], /^ \+ {6}└─ kubernetes:helm\.sh\/v3:Release\s+istiod$/);
        assert.match(formatTree(plan), /\+ 4 to create/);
    });

    it("writes a file per Kubernetes object and the values of each Helm release", () => {
        const files = planFiles(plan);
        assert.deepEqual([...files.keys()].sort(), ["helm/istiod-1-28-1-values.yaml", "k8s/namespace-a.yaml"]);
        assert.deepEqual(parse(files.get("k8s/namespace-a.yaml")!), {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "a" },
        });
        assert.deepEqual(parse(files.get("helm/istiod-1-28-1-values.yaml")!), { revision: "1-28-1" });
    });
});

describe("Istio CNI values (istiod, the cni chart, the asmcli overlay)", () => {
    const istiod = (cni: boolean | undefined, extra: Record<string, unknown> = {}, namespace = "istio-system") =>
        istiodValues({
            version: "1.31.0",
            revision: "1-31-0",
            revisionTags: [],
            nativeSidecars: true,
            namespace,
            replicas: 2,
            extra,
            cni,
        });

    it("tells istiod to inject for CNI (pilot.cni.enabled) and puts RuntimeDefault seccomp on what it injects", () => {
        assert.deepEqual(istiod(true), {
            revision: "1-31-0",
            pilot: {
                autoscaleMin: 2,
                replicaCount: 2,
                env: { ENABLE_NATIVE_SIDECARS: "true" },
                cni: { enabled: true },
            },
            global: { proxy: { seccompProfile: { type: "RuntimeDefault" } } },
        });
    });

    it("keeps both over user values, and the control plane's namespace beside them", () => {
        const values = istiod(
            true,
            { pilot: { cni: { enabled: false, provider: "multus" } }, global: { hub: "mirror.example/istio" } },
            "mesh",
        );
        assert.deepEqual(values.pilot, {
            autoscaleMin: 2,
            replicaCount: 2,
            env: { ENABLE_NATIVE_SIDECARS: "true" },
            cni: { enabled: true, provider: "multus" },
        });
        assert.deepEqual(values.global, {
            hub: "mirror.example/istio",
            istioNamespace: "mesh",
            proxy: { seccompProfile: { type: "RuntimeDefault" } },
        });
    });

    it("says nothing of CNI when it is off or not asked for", () => {
        for (const cni of [false, undefined]) {
            const values = istiod(cni);
            assert.equal((values.pilot as Record<string, unknown>).cni, undefined);
            assert.equal(values.global, undefined);
        }
    });

    it("gives the cni chart GKE's bin dir, platform profile and quota on GKE, and the chart's defaults elsewhere", () => {
        assert.deepEqual(cniValues({ gke: true }), {
            cni: { cniBinDir: "/home/kubernetes/bin", resourceQuotas: { enabled: true } },
            global: { platform: "gke" },
        });
        assert.deepEqual(cniValues({ gke: false }), {});
    });

    it("turns on the asmcli overlay's cni component as Google's cni-gcp option does, and pilot.cni with it", () => {
        assert.deepEqual(parse(renderAsmOverlay("1.27.8-asm.9", true, { gke: true })), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: {
                components: { cni: { enabled: true, namespace: "kube-system" } },
                values: {
                    cni: { cniBinDir: "/home/kubernetes/bin", excludeNamespaces: ["istio-system", "kube-system"] },
                    global: { proxy: { seccompProfile: { type: "RuntimeDefault" } } },
                    pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" }, cni: { enabled: true } },
                },
            },
        });
        const offGke = parse(renderAsmOverlay("1.27.8-asm.9", true, { gke: false })) as {
            spec: { values: { cni: Record<string, unknown> } };
        };
        assert.deepEqual(offGke.spec.values.cni, { excludeNamespaces: ["istio-system", "kube-system"] });
    });
});

describe("the canary under Pod Security restricted and default-deny egress", () => {
    const job = () =>
        canaryJobManifest({
            name: "c",
            namespace: "n",
            image: "i",
            probeUrl: "https://api/readyz",
            timeoutSeconds: 60,
        });

    it("labels its namespace restricted only when injection goes through CNI", () => {
        assert.deepEqual(podSecurityLabels(true), { "pod-security.kubernetes.io/enforce": "restricted" });
        assert.deepEqual(podSecurityLabels(false), {});
    });

    it("fails the Job naming the check's container (podFailurePolicy), and keeps what it printed in the pod's status", () => {
        const spec = job().spec as {
            podFailurePolicy: unknown;
            template: { spec: { initContainers: Array<{ name: string; terminationMessagePolicy: string }> } };
        };
        assert.deepEqual(spec.podFailurePolicy, {
            rules: [
                { action: "FailJob", onExitCodes: { containerName: "proxy-ready", operator: "NotIn", values: [0] } },
                { action: "FailJob", onExitCodes: { containerName: "probe", operator: "NotIn", values: [0] } },
            ],
        });
        assert.deepEqual(
            spec.template.spec.initContainers.map((c) => [c.name, c.terminationMessagePolicy]),
            [
                ["proxy-ready", "FallbackToLogsOnError"],
                ["probe", "FallbackToLogsOnError"],
            ],
        );
    });

    const ports: Array<[string, number[]]> = [
        ["https://kubernetes.default.svc/readyz", [443, 6443]],
        ["https://kubernetes.default.svc.cluster.local/readyz", [443, 6443]],
        ["https://kubernetes.default:6443/readyz", [6443]],
        ["http://health.example/ok", [80]],
        ["https://health.example:8443/ok", [8443]],
        ["https://kubernetes.default.svc.evil.example/", [443]],
    ];
    for (const [url, expected] of ports) {
        it(`opens ${expected.join(" and ")} for the probe ${url}`, () => assert.deepEqual(probePorts(url), expected));
    }

    it("selects only the canary's pods, for egress only", () => {
        const policy = canaryEgressPolicy({ name: "p", namespace: "n", probeUrl: "http://health.example/ok" }) as {
            kind: string;
            spec: { podSelector: unknown; policyTypes: string[]; egress: Array<{ ports: unknown[]; to?: unknown }> };
        };
        assert.equal(policy.kind, "NetworkPolicy");
        assert.deepEqual(policy.spec.podSelector, { matchLabels: { "app.kubernetes.io/name": "nativemesh-canary" } });
        assert.deepEqual(policy.spec.policyTypes, ["Egress"]);
        assert.deepEqual(
            policy.spec.egress.map((rule) => rule.ports),
            [
                [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
                [{ protocol: "TCP", port: 15012 }],
                [{ protocol: "TCP", port: 80 }],
            ],
        );
    });
});
