/**
 * MeshEnvironment from other Pulumi languages, under the real engine: a Pulumi YAML program (the
 * pulumi-language-yaml host built from github.com/pulumi/pulumi-yaml) and a Python program (the `pulumi` package
 * from PyPI, with the SDK `pulumi package gen-sdk --language python` generates, run by the testbed's Python host)
 * name the component package (plugin/) and deploy MeshEnvironment to the loopback cluster; the engine runs the
 * TypeScript component through the Node.js language host as a plugin. Checked in the API server (namespace labels, istiod's native switch, the canary Job),
 * in the stack's outputs and state; then `pulumi destroy` removes it all.
 *
 * The consumers' environment installs the same control plane as the local stack (one Istio base chart per cluster:
 * its CRDs cannot belong to two Helm releases), so the first consumer destroys the local stack when it is deployed,
 * and localStackBack, after the last, deploys it again for the specs that follow.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { KUBECONFIG, RUN, tool, versions } from "../lib/env";
import { kubectl, kubectlJson } from "../lib/kubectl";
import { waitFor } from "../lib/cluster";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { Context, expect, LOCAL, Spec } from "../lib/spec";
import { tail } from "./deploy";
import { ensurePluginBuilt, PLUGIN } from "./schema";

const CONSUMERS = path.join(RUN, "consumers");
const CANARY_NAMESPACE = "nativemesh-canary";

/** The consumer's environment: the local stack's control plane (loopback webhooks, the charts the testbed built),
 *  one namespace of its own, and the canary, which proves native injection through the component. */
export function consumerInputs(namespace: string): Record<string, unknown> {
    const istio = versions().ISTIO_VERSION;
    const webhook = (p: string) => `https://127.0.0.1:15017/${p}`;
    return {
        cloud: "existing",
        existing: { kubeconfig: KUBECONFIG },
        mesh: {
            method: "helm",
            version: istio,
            chartPath: path.join(tool("istio"), "charts"),
            defaultRevision: true,
            istiodReplicas: 1,
            istiodValues: {
                global: { hub: "docker.io/istio", tag: istio },
                istiodRemote: { injectionURL: webhook("inject") },
                base: { validationURL: webhook("validate") },
            },
            baseValues: { base: { validationURL: webhook("validate") } },
        },
        namespaces: [{ name: namespace }],
        canary: { enabled: true, timeoutSeconds: 120 },
    };
}

function revisionOf(): string {
    return versions().ISTIO_VERSION.replace(/\./g, "-");
}

async function localStackResources(): Promise<number> {
    const res = await pulumi(["stack", "export", "--stack", LOCAL.stack]);
    if (res.code !== 0) return 0;
    return ((JSON.parse(res.stdout) as { deployment: { resources?: unknown[] } }).deployment.resources ?? []).length;
}

/** Takes the local stack down (once, for every consumer spec) when it is deployed; localStackBack deploys it
 *  again after the last consumer. */
export async function localStackAway(ctx: Context): Promise<void> {
    if (ctx.facts.localStackAway !== undefined) return;
    const deployed = (await localStackResources()) > 0;
    if (deployed) await pulumiOk(["destroy", "--yes", "--stack", LOCAL.stack]);
    ctx.facts.localStackAway = deployed;
}

export const localStackBack: Spec = {
    name: "consumers done: the local stack is deployed again for the specs after them",
    async run(ctx) {
        if (ctx.facts.localStackAway === true) {
            await pulumiOk(["up", "--yes", "--policy-pack", "policy", "--stack", LOCAL.stack]);
        }
        delete ctx.facts.localStackAway;
    },
};

/** The engine's error lines (its diagnostics), else the output's tail. */
function errorLines(text: string): string {
    // The engine's multi-errors put their causes on the lines after "N errors occurred:", as "* cause".
    const errors = [...new Set(text.split("\n").filter((l) => /\berror:|^\s*\* /.test(l)))].map((l) => l.trim());
    return errors.length > 0 ? errors.slice(0, 20).join("\n") : tail(text);
}

/** Deploys the consumer project in `dir`, checks what it made (and what `check` looks for, after the up), destroys
 *  it and checks that it is gone. */
export async function deployAndDestroy(
    dir: string,
    namespace: string,
    env: Record<string, string> = {},
    check: () => void = () => undefined,
): Promise<void> {
    const stack = "consumer";
    const at = { cwd: dir, env };
    await pulumiOk(["stack", "init", stack], at);
    try {
        const up = await pulumi(["up", "--yes", "--stack", stack], at);
        expect(up.code === 0, `pulumi up exited ${up.code}:\n${errorLines(up.stdout + up.stderr)}`);

        const outputs = JSON.parse((await pulumiOk(["stack", "output", "--json", "--stack", stack], at)).stdout) as {
            revision?: string;
            namespaces?: string[];
            canaryJob?: string;
        };
        const revision = revisionOf();
        expect(outputs.revision === revision, `output revision ${outputs.revision} (expected ${revision})`);
        expect(
            JSON.stringify(outputs.namespaces) === JSON.stringify([namespace]),
            `output namespaces ${outputs.namespaces}`,
        );

        // In the API server: the namespace selects the revision, istiod runs with native sidecars, the canary passed.
        const ns = kubectlJson(["get", "namespace", namespace]) as { metadata: { labels?: Record<string, string> } };
        expect(
            ns.metadata.labels?.["istio.io/rev"] === revision,
            `namespace labels ${JSON.stringify(ns.metadata.labels)}`,
        );
        const istiod = kubectlJson(["get", "deployment", `istiod-${revision}`, "-n", LOCAL.istioNamespace]) as {
            spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
        };
        const env = istiod.spec.template.spec.containers.flatMap((c) => c.env ?? []);
        expect(
            env.some((e) => e.name === "ENABLE_NATIVE_SIDECARS" && e.value === "true"),
            "istiod's Deployment lacks ENABLE_NATIVE_SIDECARS=true",
        );
        expect(typeof outputs.canaryJob === "string", `output canaryJob ${outputs.canaryJob}`);
        const job = kubectlJson(["get", "job", outputs.canaryJob!, "-n", CANARY_NAMESPACE]) as {
            status: { succeeded?: number };
        };
        expect((job.status.succeeded ?? 0) >= 1, `the canary Job did not succeed: ${JSON.stringify(job.status)}`);

        check();

        // In the state: the component and its children, under the consumer's stack.
        const exported = JSON.parse((await pulumiOk(["stack", "export", "--stack", stack], at)).stdout) as {
            deployment: { resources?: { type: string }[] };
        };
        const types = (exported.deployment.resources ?? []).map((r) => r.type);
        for (const type of [
            "nativemesh:index:MeshEnvironment",
            "nativemesh:index:IstioControlPlane",
            "kubernetes:helm.sh/v3:Release",
        ]) {
            expect(types.includes(type), `the state has no ${type} (has ${[...new Set(types)].join(", ")})`);
        }

        const destroy = await pulumi(["destroy", "--yes", "--stack", stack], at);
        expect(destroy.code === 0, `pulumi destroy exited ${destroy.code}:\n${tail(destroy.stdout + destroy.stderr)}`);
        const after = JSON.parse((await pulumiOk(["stack", "export", "--stack", stack], at)).stdout) as {
            deployment: { resources?: unknown[] };
        };
        expect((after.deployment.resources ?? []).length === 0, "the state still holds resources after destroy");
        const releases = kubectlJson(["get", "secrets", "-A", "-l", "owner=helm"]) as { items: unknown[] };
        expect(releases.items.length === 0, `${releases.items.length} Helm release records remain`);
        for (const gone of [namespace, CANARY_NAMESPACE]) {
            await waitFor(
                `namespace ${gone} to go`,
                async () => kubectl(["get", "namespace", gone]).status !== 0,
                120_000,
            );
        }
    } finally {
        // Whatever happened, nothing of the consumer stays: its resources, then its stack.
        await pulumi(["destroy", "--yes", "--stack", stack], at);
        await pulumi(["stack", "rm", "--yes", "--force", stack], at);
    }
}

export const yamlConsumer: Spec = {
    name: "consumer yaml: a Pulumi YAML program deploys MeshEnvironment from the component package, and destroy removes it",
    async run(ctx) {
        ensurePluginBuilt();
        const dir = path.join(CONSUMERS, "yaml");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const namespace = "consumer-yaml";
        // `packages:` is what `pulumi package add` writes for a YAML project; pulumi-language-yaml 1.25.0 generates
        // the package's schema file there but answers its Link call with "not implemented", so it is written here.
        const project = {
            name: "nativemesh-yaml-consumer",
            runtime: "yaml",
            packages: { nativemesh: PLUGIN },
            resources: {
                env: { type: "nativemesh:MeshEnvironment", properties: consumerInputs(namespace) },
            },
            outputs: {
                revision: "${env.revision}",
                namespaces: "${env.namespaceNames}",
                canaryJob: "${env.canaryJob}",
            },
        };
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(project));
        await localStackAway(ctx);
        await deployAndDestroy(dir, namespace);
    },
};

/** A bad input under YAML fails like a bad stack config: the engine reports the one-line message naming the key. */
export const yamlConsumerBadInput: Spec = {
    name: "consumer yaml: a bad input fails the preview with the config's one-line message, exit code non-zero",
    async run() {
        ensurePluginBuilt();
        const dir = path.join(CONSUMERS, "yaml-bad");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const inputs = consumerInputs("consumer-bad");
        (inputs.mesh as Record<string, unknown>).version = "not-a-version";
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            stringify({
                name: "nativemesh-yaml-bad",
                runtime: "yaml",
                packages: { nativemesh: PLUGIN },
                resources: { env: { type: "nativemesh:MeshEnvironment", properties: inputs } },
            }),
        );
        const at = { cwd: dir };
        await pulumiOk(["stack", "init", "bad"], at);
        try {
            const res = await pulumi(["preview", "--stack", "bad"], at);
            const text = res.stdout + res.stderr;
            expect(res.code !== 0, "pulumi preview succeeded with mesh.version: not-a-version");
            expect(
                /nativemesh:mesh\.version: must be a version/.test(text),
                `no one-line config message:\n${tail(text)}`,
            );
            expect(!/\n\s+at .*\(.*\.js:\d+:\d+\)/.test(text), `a stack trace was printed:\n${tail(text)}`);
        } finally {
            await pulumi(["stack", "rm", "--yes", "--force", "bad"], at);
        }
    },
};

/** A Python expression for a JSON value (maps and lists as json.loads of their text). */
const py = (value: unknown): string =>
    typeof value === "string" ? JSON.stringify(value) : `json.loads(${JSON.stringify(JSON.stringify(value))})`;

/** The consumer's program, written as a Python user would: the generated SDK's typed argument classes. */
function pythonProgram(inputs: Record<string, unknown>): string {
    const mesh = inputs.mesh as Record<string, unknown>;
    const canary = inputs.canary as { enabled: boolean; timeoutSeconds: number };
    const namespaces = inputs.namespaces as { name: string }[];
    return [
        "import json",
        "",
        "import pulumi",
        "import pulumi_nativemesh as nativemesh",
        "",
        "env = nativemesh.MeshEnvironment(",
        '    "env",',
        `    cloud=${py(inputs.cloud)},`,
        `    existing=nativemesh.ExistingClusterInputArgs(kubeconfig=${py((inputs.existing as { kubeconfig: string }).kubeconfig)}),`,
        "    mesh=nativemesh.MeshInputArgs(",
        `        method=${py(mesh.method)},`,
        `        version=${py(mesh.version)},`,
        `        chart_path=${py(mesh.chartPath)},`,
        `        default_revision=${mesh.defaultRevision === true ? "True" : "False"},`,
        `        istiod_replicas=${String(mesh.istiodReplicas)},`,
        `        istiod_values=${py(mesh.istiodValues)},`,
        `        base_values=${py(mesh.baseValues)},`,
        "    ),",
        `    namespaces=[${namespaces.map((n) => `nativemesh.NamespaceInputArgs(name=${py(n.name)})`).join(", ")}],`,
        `    canary=nativemesh.CanaryInputArgs(enabled=${canary.enabled ? "True" : "False"}, timeout_seconds=${canary.timeoutSeconds}),`,
        ")",
        "",
        'pulumi.export("revision", env.revision)',
        'pulumi.export("namespaces", env.namespace_names)',
        'pulumi.export("canaryJob", env.canary_job)',
        "",
    ].join("\n");
}

export const pythonConsumer: Spec = {
    name: "consumer python: a Python program deploys MeshEnvironment through the generated SDK, and destroy removes it",
    async run(ctx) {
        ensurePluginBuilt();
        const dir = path.join(CONSUMERS, "python");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const namespace = "consumer-python";
        const venv = path.join(tool("python"), "venv");
        // The SDK, as `pulumi package gen-sdk` writes it, installed beside the program (its dependencies, pulumi
        // among them, are in the testbed's virtualenv).
        const sdk = path.join(dir, "sdk");
        await pulumiOk(["package", "gen-sdk", PLUGIN, "--language", "python", "--out", sdk], { cwd: dir });
        const site = path.join(dir, "site");
        const pip = spawnSync(
            path.join(venv, "bin", "pip"),
            [
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--target",
                site,
                path.join(sdk, "python"),
            ],
            { encoding: "utf8" },
        );
        expect(pip.status === 0, `pip install of the generated SDK exited ${pip.status}: ${pip.stderr}`);
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            stringify({
                name: "nativemesh-python-consumer",
                runtime: { name: "python", options: { virtualenv: venv } },
                packages: { nativemesh: PLUGIN },
            }),
        );
        fs.writeFileSync(path.join(dir, "__main__.py"), pythonProgram(consumerInputs(namespace)));
        await localStackAway(ctx);
        await deployAndDestroy(dir, namespace, { PYTHONPATH: site });
    },
};
